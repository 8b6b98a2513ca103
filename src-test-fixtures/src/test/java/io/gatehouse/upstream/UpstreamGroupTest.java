package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Upstream groups in memory: balancing, sharing by name, outlier ejection, panic mode, caps, target breakers. */
class UpstreamGroupTest {
  private static final String A = "http://orders-a:8080";
  private static final String B = "http://orders-b:8080";
  private static final String C = "http://orders-c:8080";

  private final ManualClock clock = ManualClock.create();
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester tester(Upstream upstream) {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("orders", r -> r.path("/**").upstream(upstream)))
        .stubUpstream(A, s -> s.respond(200, "a"))
        .stubUpstream(B, s -> s.respond(200, "b"))
        .stubUpstream(C, s -> s.respond(200, "c"));
    return tester;
  }

  private int received(String origin) {
    return tester.upstream(origin).received().size();
  }

  @Test
  void round_robin_gives_each_target_its_turn() {
    tester(Upstream.of(A, B, C));
    for (int i = 0; i < 300; i++) {
      assertThat(tester.get("/x").send().status()).isEqualTo(200);
    }
    assertThat(received(A)).isEqualTo(100);
    assertThat(received(B)).isEqualTo(100);
    assertThat(received(C)).isEqualTo(100);
  }

  @Test
  void weights_set_each_target_share() {
    tester(Upstream.of(Target.of(A, 3), Target.of(B, 1)));
    for (int i = 0; i < 400; i++) {
      tester.get("/x").send();
    }
    assertThat(received(A)).isEqualTo(300);
    assertThat(received(B)).isEqualTo(100);
  }

  @Test
  void the_target_base_path_is_prepended() {
    tester(Upstream.of(A + "/v2"));
    tester.get("/orders/7?x=1").send();
    assertThat(tester.upstream(A).received().get(0).path()).isEqualTo("/v2/orders/7");
  }

  @Test
  void routes_using_one_named_upstream_share_its_rotation_and_state() {
    Upstream orders = Upstream.of(A, B).named("orders");
    tester = GatewayTester.of(Gateway.builder()
            .route("read", r -> r.path("/read/**").upstream(orders))
            .route("write", r -> r.path("/write/**").upstream(orders)))
        .stubUpstream(A, s -> s.respond(200, "a"))
        .stubUpstream(B, s -> s.respond(200, "b"));
    assertThat(tester.get("/read/1").send().body()).isEqualTo("a");
    assertThat(tester.get("/write/1").send().body()).isEqualTo("b");
    assertThat(tester.gateway().upstreams()).extracting(UpstreamStatus::name).containsExactly("orders");
  }

  @Test
  void consistent_hashing_keeps_a_key_on_one_target() {
    tester(Upstream.of(A, B, C).consistentHash(RequestKey.header("X-User")));
    for (int user = 0; user < 20; user++) {
      String first = tester.get("/x").header("X-User", "user-" + user).send().body();
      for (int i = 0; i < 5; i++) {
        assertThat(tester.get("/x").header("X-User", "user-" + user).send().body()).isEqualTo(first);
      }
    }
  }

  @Test
  void a_target_failing_in_a_row_is_ejected_and_comes_back_after_the_ejection() {
    tester(Upstream.of(A, B).outlierDetection(OutlierDetection.consecutiveFailures(3).baseEjection(Duration.ofSeconds(30))));
    tester.upstream(A).respond(503);
    for (int i = 0; i < 6; i++) {
      tester.get("/x").send(); // A answers 503 three times, B 200 three times
    }
    assertThat(status(A)).isEqualTo(TargetStatus.Health.EJECTED);
    tester.upstream(A).respond(200, "a");
    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/x").send().body()).isEqualTo("b");
    }
    assertThat(received(A)).isEqualTo(3);

    clock.advance(Duration.ofSeconds(31));
    assertThat(status(A)).isEqualTo(TargetStatus.Health.HEALTHY);
    for (int i = 0; i < 4; i++) {
      tester.get("/x").send();
    }
    assertThat(received(A)).isEqualTo(5);
  }

  @Test
  void ejections_grow_with_each_ejection() {
    tester(Upstream.of(A, B).outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(Duration.ofSeconds(10))));
    tester.upstream(A).respond(500);
    sendUntilReceived(A, 1);
    clock.advance(Duration.ofSeconds(11));
    sendUntilReceived(A, 2); // ejected again, now for 20 seconds
    clock.advance(Duration.ofSeconds(11));
    assertThat(status(A)).isEqualTo(TargetStatus.Health.EJECTED);
    clock.advance(Duration.ofSeconds(10));
    assertThat(status(A)).isEqualTo(TargetStatus.Health.HEALTHY);
  }

  @Test
  void when_every_target_is_out_the_client_gets_503_naming_the_upstream() {
    tester(Upstream.of(A, B).outlierDetection(OutlierDetection.consecutiveFailures(1)));
    tester.upstream(A).refuse();
    tester.upstream(B).refuse();
    tester.get("/x").send();
    tester.get("/x").send();

    var res = tester.get("/x").send();
    assertThat(res.status()).isEqualTo(503);
    assertThat(res.header("Content-Type")).hasValue("application/problem+json");
    assertThat(res.body()).contains("upstream 'route:orders' has no available target")
        .contains(A + " ejected").contains(B + " ejected");
    assertThat(tester.gateway().upstreams().get(0).available()).isZero();
  }

  @Test
  void panic_mode_uses_every_target_when_all_are_out() {
    tester(Upstream.of(A, B).outlierDetection(OutlierDetection.consecutiveFailures(1)).panicMode(true));
    tester.upstream(A).thenFail(UpstreamException.Kind.CONNECT_REFUSED);
    tester.upstream(B).thenFail(UpstreamException.Kind.CONNECT_REFUSED);
    tester.get("/x").send();
    tester.get("/x").send();
    assertThat(tester.gateway().upstreams().get(0).available()).isZero();

    assertThat(tester.get("/x").send().status()).isEqualTo(200);
    assertThat(tester.get("/x").send().status()).isEqualTo(200);
  }

  @Test
  void a_full_target_sends_the_request_to_another_or_fails_fast() throws Exception {
    tester(Upstream.of(A, B).maxRequestsPerTarget(1, Upstream.WhenFull.TRY_ANOTHER));
    tester.upstream(A).delay(Duration.ofSeconds(2));
    tester.upstream(B).delay(Duration.ofSeconds(2));
    CompletableFuture<Response> first = send();
    CompletableFuture<Response> second = send();
    CompletableFuture<Response> third = send();
    assertThat(third.get(1500, TimeUnit.MILLISECONDS).status()).isEqualTo(503);
    assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(second.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(received(A)).isEqualTo(1);
    assertThat(received(B)).isEqualTo(1);
    close();

    tester(Upstream.of(A, B).maxRequestsPerTarget(1, Upstream.WhenFull.FAIL_FAST));
    tester.upstream(A).delay(Duration.ofSeconds(2));
    CompletableFuture<Response> onA = send();
    send().get(5, TimeUnit.SECONDS); // B, at once
    CompletableFuture<Response> onAAgain = send();
    Response refused = onAAgain.get(1500, TimeUnit.MILLISECONDS);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(onA.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void a_group_cap_bounds_requests_in_flight_to_the_whole_group() throws Exception {
    tester(Upstream.of(A, B).maxRequests(1));
    tester.upstream(A).delay(Duration.ofSeconds(2));
    CompletableFuture<Response> first = send();
    assertThat(send().get(1500, TimeUnit.MILLISECONDS).status()).isEqualTo(503);
    assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(send().get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void a_target_whose_circuit_opens_takes_no_traffic_until_its_probe_succeeds() {
    tester(Upstream.of(A, B).circuitBreaker(CircuitBreaker.of().slidingWindow(4, 4).openFor(Duration.ofSeconds(10))));
    tester.upstream(A).respond(500);
    sendUntilReceived(A, 4);
    assertThat(circuit(A)).isEqualTo(TargetStatus.Circuit.OPEN);
    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/x").send().body()).isEqualTo("b");
    }

    tester.upstream(A).respond(200, "a");
    clock.advance(Duration.ofSeconds(11));
    sendUntilReceived(A, 7); // three probes
    assertThat(circuit(A)).isEqualTo(TargetStatus.Circuit.CLOSED);
  }

  private CompletableFuture<Response> send() {
    return tester.gateway().handle(Request.builder("GET", "/x").build()).toCompletableFuture();
  }

  private void sendUntilReceived(String origin, int count) {
    for (int i = 0; i < 100 && received(origin) < count; i++) {
      tester.get("/x").send();
    }
    assertThat(received(origin)).isEqualTo(count);
  }

  private TargetStatus target(String url) {
    return tester.gateway().upstreams().get(0).targets().stream().filter(t -> t.url().equals(url)).findFirst().orElseThrow();
  }

  private TargetStatus.Health status(String url) {
    return target(url).health();
  }

  private TargetStatus.Circuit circuit(String url) {
    return target(url).circuit();
  }
}
