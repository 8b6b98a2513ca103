package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.RecordedRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries in memory: which failures, which requests, to which target, within which budget and deadline. */
class RetryTest {
  private static final String A = "http://orders-a:8080";
  private static final String B = "http://orders-b:8080";

  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private GatewayTester tester(Retry retry) {
    tester = GatewayTester.of(Gateway.builder().route("orders", r -> r.path("/**").upstream(Upstream.of(A, B)).retry(retry)))
        .stubUpstream(A, s -> s.respond(200, "a"))
        .stubUpstream(B, s -> s.respond(200, "b"));
    return tester;
  }

  private int received(String origin) {
    return tester.upstream(origin).received().size();
  }

  @Test
  void a_503_is_retried_on_the_other_target() {
    tester(Retry.times(2));
    tester.upstream(A).failNext(1, 503);
    var res = tester.get("/x").send();
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("b");
    assertThat(received(A)).isEqualTo(1);
    assertThat(received(B)).isEqualTo(1);
  }

  @Test
  void connect_failures_resets_and_timeouts_are_retried_back_on_a_tried_target_when_all_were_tried() {
    tester(Retry.times(2).backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
    for (UpstreamException.Kind kind : new UpstreamException.Kind[] {
        UpstreamException.Kind.CONNECT_REFUSED, UpstreamException.Kind.CONNECTION_RESET, UpstreamException.Kind.RESPONSE_TIMEOUT}) {
      tester.upstream(A).thenFail(kind);
      tester.upstream(B).thenFail(kind);
      assertThat(tester.get("/x").send().status()).as("%s", kind).isEqualTo(200);
    }
  }

  @Test
  void when_retries_run_out_the_client_gets_the_last_answer() {
    tester(Retry.times(2).backoff(Duration.ofMillis(1), Duration.ofMillis(2)));
    tester.upstream(A).respond(503, "a down");
    tester.upstream(B).respond(503, "b down");
    var res = tester.get("/x").send();
    assertThat(res.status()).isEqualTo(503);
    assertThat(received(A) + received(B)).isEqualTo(3);
  }

  @Test
  void statuses_and_failures_outside_the_policy_are_not_retried() {
    tester(Retry.times(2).onStatuses(503).on(Retry.Failure.CONNECT_FAILURE));
    tester.upstream(A).failNext(1, 500);
    assertThat(tester.get("/x").send().status()).isEqualTo(500);
    tester.upstream(B).thenFail(UpstreamException.Kind.CONNECTION_RESET);
    assertThat(tester.get("/x").send().status()).isEqualTo(502);
    assertThat(received(A) + received(B)).isEqualTo(2);
  }

  @Test
  void a_post_is_retried_only_with_an_idempotency_key_and_then_with_the_identical_body() {
    tester(Retry.times(1).idempotencyKey("Idempotency-Key"));
    tester.upstream(A).failNext(1, 503);
    assertThat(tester.post("/x").body("{\"n\":1}").send().status()).isEqualTo(503);
    assertThat(received(B)).isZero();

    tester.upstream(B).failNext(1, 503);
    var res = tester.post("/x").header("Idempotency-Key", "k-1").body("{\"n\":2}").send();
    assertThat(res.status()).isEqualTo(200);
    RecordedRequest failed = tester.upstream(B).received().get(0);
    RecordedRequest retried = tester.upstream(A).received().get(1);
    assertThat(failed.bodyText()).isEqualTo("{\"n\":2}");
    assertThat(retried.body()).isEqualTo(failed.body());
    assertThat(retried.headers().first("Idempotency-Key")).hasValue("k-1");
  }

  @Test
  void a_streamed_body_is_never_retried() {
    tester(Retry.times(2).idempotencyKey("Idempotency-Key"));
    tester.upstream(A).failNext(1, 503);
    var res = tester.put("/x").body(streamed("chunk-1", "chunk-2")).send();
    assertThat(res.status()).isEqualTo(503);
    assertThat(received(A) + received(B)).isEqualTo(1);
    assertThat(tester.upstream(A).received().get(0).bodyText()).isEqualTo("chunk-1chunk-2");
  }

  @Test
  void a_body_of_known_length_above_the_cap_is_not_retried_but_below_it_is() {
    tester(Retry.times(1).maxBufferedBody(8));
    tester.upstream(A).failNext(1, 503);
    assertThat(tester.put("/x").body(Body.ofPublisher(publisherOf("123456789"), 9)).send().status()).isEqualTo(503);
    tester.upstream(B).failNext(1, 503);
    var res = tester.put("/x").body(Body.ofPublisher(publisherOf("12345678"), 8)).send();
    assertThat(res.status()).isEqualTo(200);
    assertThat(tester.upstream(A).received().get(1).bodyText()).isEqualTo("12345678");
  }

  @Test
  void the_budget_stops_retries_beyond_its_share_of_requests() {
    tester(Retry.times(1).budget(0.5, 0).backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
    tester.upstream(A).respond(503);
    tester.upstream(B).respond(503);
    for (int i = 0; i < 20; i++) {
      tester.get("/x").send();
    }
    assertThat(received(A) + received(B)).isEqualTo(30); // 20 first attempts, 10 retries
  }

  @Test
  void the_route_timeout_bounds_every_attempt_and_backoff_together() {
    tester = GatewayTester.of(Gateway.builder().route("orders", r -> r.path("/**").upstream(Upstream.of(A, B))
            .responseTimeout(Duration.ofSeconds(5)).timeout(Duration.ofMillis(300)).retry(Retry.times(3))))
        .stubUpstream(A, s -> s.delay(Duration.ofSeconds(3)))
        .stubUpstream(B, s -> s.delay(Duration.ofSeconds(3)));
    long started = System.nanoTime();
    var res = tester.get("/x").send();
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(res.status()).isEqualTo(504);
    assertThat(res.body()).contains("within the route's timeout");
    assertThat(millis).isLessThan(2500);
    assertThat(received(A) + received(B)).isEqualTo(1);
  }

  private static Body streamed(String... chunks) {
    return Body.ofPublisher(publisherOf(chunks), -1);
  }

  private static Flow.Publisher<ByteBuffer> publisherOf(String... chunks) {
    return ChunkPublisher.of(chunks);
  }
}
