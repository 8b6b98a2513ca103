package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shadow traffic: copies go to the mirror, its answers and failures never reach the client. */
class MirrorTest {
  private static final String ORDERS = "http://orders:8080";
  private static final String SHADOW = "http://orders-next:8080";

  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private void tester(Mirror mirror) {
    tester = GatewayTester.of(Gateway.builder().route("orders", r -> r.path("/**").upstream(ORDERS).mirror(mirror)))
        .stubUpstream(ORDERS, s -> s.respond(200, "orders"))
        .stubUpstream(SHADOW, s -> s.respond(201, "shadow"));
  }

  private int mirrored(int atLeast) {
    return Poll.within(Duration.ofSeconds(2)).until(() -> tester.upstream(SHADOW).received().size(), n -> n >= atLeast);
  }

  @Test
  void a_copy_with_the_same_method_path_and_body_goes_to_the_mirror() throws Exception {
    tester(Mirror.to(Upstream.of(SHADOW)));
    var res = tester.post("/orders?x=1").header("X-Trace", "t1").body("{\"id\":7}").send();
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("orders");
    assertThat(mirrored(1)).isEqualTo(1);
    var copy = tester.upstream(SHADOW).received().get(0);
    assertThat(copy.method()).isEqualTo("POST");
    assertThat(copy.path()).isEqualTo("/orders");
    assertThat(copy.bodyText()).isEqualTo("{\"id\":7}");
    assertThat(copy.headers().first("X-Trace")).hasValue("t1");
  }

  @Test
  void a_failing_or_slow_mirror_never_touches_the_client() throws Exception {
    tester(Mirror.to(Upstream.of(SHADOW)));
    tester.upstream(SHADOW).refuse();
    assertThat(tester.get("/x").send().status()).isEqualTo(200);

    tester.upstream(SHADOW).respond(500).delay(Duration.ofSeconds(5));
    long started = System.nanoTime();
    assertThat(tester.get("/x").send().body()).isEqualTo("orders");
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3000);
  }

  @Test
  void a_fraction_mirrors_about_that_share() throws Exception {
    tester(Mirror.to(Upstream.of(SHADOW)).fraction(0.25));
    for (int i = 0; i < 2000; i++) {
      tester.get("/x").send();
    }
    assertThat(mirrored(400)).isBetween(400, 600); // 500 expected; about 5 standard deviations each side
  }

  @Test
  void bodies_above_the_mirror_cap_are_not_copied() throws Exception {
    tester(Mirror.to(Upstream.of(SHADOW)).maxBody(4));
    tester.post("/x").body("12345").send();
    tester.post("/x").body("1234").send();
    assertThat(mirrored(1)).isEqualTo(1);
    assertThat(tester.upstream(SHADOW).received().get(0).bodyText()).isEqualTo("1234");
  }
}
