package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Assertions for routes that call the upstream more than once: count, last call, any call. */
class UpstreamCallsAssertTest {
  private static final String A = "http://orders-a:8080";
  private static final String B = "http://orders-b:8080";
  private GatewayTester tester;
  private TestResponse retried;

  @BeforeEach
  void retryOnce() {
    tester = GatewayTester.of(Gateway.builder()
            .route("orders", r -> r.path("/**").upstream(Upstream.of(A, B)).retry(Retry.times(2))))
        .stubUpstream(A, s -> s.respond(200, "a"))
        .stubUpstream(B, s -> s.respond(200, "b"));
    tester.upstream(A).failNext(1, 503);
    retried = tester.get("/orders/7").header("X-Try", "t").send(); // A answers 503, the retry goes to B: 200
  }

  @AfterEach
  void close() {
    tester.close();
  }

  @Test
  void counts_every_upstream_call() {
    assertThat(retried).hasStatus(200).upstreamCalls(2);
    assertThatThrownBy(() -> assertThat(retried).upstreamCalls(1))
        .hasMessageContaining("expected 1 upstream call(s) but saw 2");
  }

  @Test
  void the_single_call_assertions_refuse_several_calls_and_say_what_to_use() {
    assertThatThrownBy(() -> assertThat(retried).upstreamSawPath("/orders/7"))
        .hasMessageContaining("expected exactly one upstream call but saw 2")
        .hasMessageContaining("lastUpstreamCall()");
  }

  @Test
  void the_last_call_is_the_one_whose_answer_the_client_got() {
    assertThat(retried).hasBody("b").lastUpstreamCall().upstreamSawPath("/orders/7").upstreamSawMethod("GET")
        .upstreamSawHeader("X-Try", "t").upstreamSawNoHeader("X-Absent").upstreamSawBody("");
    assertThat(retried.upstreamRequests()).extracting(RecordedRequest::origin).containsExactly(A, B);
    assertThatThrownBy(() -> assertThat(retried).lastUpstreamCall().upstreamSawPath("/other"))
        .hasMessageContaining("expected the last upstream call to see path /other but it saw path /orders/7");
  }

  @Test
  void any_call_passes_when_one_call_matches_and_fails_listing_what_each_saw() {
    assertThat(retried).anyUpstreamCall().upstreamSawHeader("X-Try", "t").upstreamSawPath("/orders/7");
    assertThatThrownBy(() -> assertThat(retried).anyUpstreamCall().upstreamSawHeader("X-Try", "other"))
        .hasMessageContaining("expected some upstream call to see header X-Try: other but none did")
        .hasMessageContaining("header X-Try: t");
  }

  @Test
  void last_and_any_fail_when_the_upstream_was_not_called() {
    try (GatewayTester ping = GatewayTester.of(Gateway.builder()
        .route("ping", r -> r.path("/ping").respond(200, "text/plain", "pong")))) {
      TestResponse res = ping.get("/ping").send();
      assertThat(res).upstreamCalls(0);
      assertThatThrownBy(() -> assertThat(res).lastUpstreamCall().upstreamSawPath("/ping"))
          .hasMessageContaining("expected an upstream call but saw none");
      assertThatThrownBy(() -> assertThat(res).anyUpstreamCall().upstreamSawPath("/ping"))
          .hasMessageContaining("expected some upstream call to see path /ping but none did");
    }
  }
}
