package io.gatehouse.testing.junit5;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The extension keeps each test's tester and clock apart when tests run at the same time
 * (parallel execution is on for this module; this class runs its methods concurrently). Each
 * test waits, bounded, until the other has started, so they do overlap.
 */
@Execution(ExecutionMode.CONCURRENT)
class GatewayExtensionParallelTest {
  private static final CountDownLatch BOTH_STARTED = new CountDownLatch(2);

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(clock -> Gateway.builder().time(clock)
      .route("orders", r -> r.path("/**").upstream("http://orders:8080")));

  private static void runAlongsideTheOther(GatewayTester tester, ManualClock clock, String body, Duration advance)
      throws InterruptedException {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, body));
    clock.advance(advance);
    BOTH_STARTED.countDown();
    assertThat(BOTH_STARTED.await(10, TimeUnit.SECONDS))
        .as("the other test ran at the same time").isTrue();
    for (int i = 0; i < 50; i++) {
      assertThat(tester.get("/orders/" + i).send()).hasStatus(200).hasBody(body);
    }
    assertThat(gateway.tester()).isSameAs(tester);
    assertThat(gateway.clock()).isSameAs(clock);
    assertThat(clock.instant().toEpochMilli() - ManualClock.create().instant().toEpochMilli())
        .isEqualTo(advance.toMillis());
  }

  @Test
  void one(GatewayTester tester, ManualClock clock) throws InterruptedException {
    runAlongsideTheOther(tester, clock, "one", Duration.ofSeconds(1));
  }

  @Test
  void two(GatewayTester tester, ManualClock clock) throws InterruptedException {
    runAlongsideTheOther(tester, clock, "two", Duration.ofSeconds(2));
  }
}
