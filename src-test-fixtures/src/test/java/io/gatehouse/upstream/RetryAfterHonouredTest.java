package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upstream's {@code Retry-After} keeps its target out of a request's retries until then: another
 * target takes the retry, else the retry waits within the route's deadline, else the client gets
 * the upstream's answer as is. In memory, on a manual clock that also runs the backoff and the
 * deadline: a test advances it while a request waits, and the retry runs on the test's thread.
 */
class RetryAfterHonouredTest {
  private static final String A = "http://orders-a:8080";
  private static final String B = "http://orders-b:8080";
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private final ManualClock clock = ManualClock.of(NOW);
  private final List<Long> callsAtNanos = new CopyOnWriteArrayList<>();
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  /** One target answering 503 with the Retry-After value once, then 200. */
  private GatewayTester oneTarget(Duration timeout, Retry retry, int status, String retryAfter) {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(Upstream.of(A)).timeout(timeout).retry(retry)))
        .stubUpstream(A, s -> s.respondWith(req -> {
          callsAtNanos.add(clock.nanoTime());
          return callsAtNanos.size() == 1
              ? Response.builder(status).header("Retry-After", retryAfter).body(Body.of("busy")).build()
              : Response.builder(200).body(Body.of("ok")).build();
        }));
    return tester;
  }

  /** Sends GET /x, lets {@code passing} pass on the clock, and reads the answer it has by then. */
  private TestResponse sendWhile(Duration passing) {
    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    clock.advance(passing);
    assertThat(pending).as("answered once %s has passed", passing).isDone();
    return pending.join();
  }

  private static Retry fast() {
    return Retry.times(2).onStatuses(429, 503).backoff(Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private static String date(Instant at) {
    // IMF-fixdate; RFC_1123_DATE_TIME would write "7 Dec", which the gateway rightly refuses.
    return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC).format(at);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {503, 429})
  void the_retry_to_the_only_target_waits_for_its_retry_after_within_the_deadline(int status) {
    oneTarget(Duration.ofSeconds(3), fast(), status, "1");
    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    clock.advance(Duration.ofMillis(999));
    assertThat(pending).as("a millisecond before the Retry-After").isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThat(pending).isDone();
    var res = pending.join();
    assertThat(res.status()).isEqualTo(200);
    assertThat(callsAtNanos).hasSize(2);
    assertThat(TimeUnit.NANOSECONDS.toMillis(callsAtNanos.get(1) - callsAtNanos.get(0))).isBetween(990L, 2_500L);
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @ValueSource(strings = {"2", "120", "86400", "999999999999", "Mon, 07 Dec 2026 10:00:02 GMT", "Thu, 01 Jan 2099 00:00:00 GMT"})
  void when_the_wait_does_not_fit_the_deadline_the_upstreams_answer_is_returned_as_is(String retryAfter) {
    oneTarget(Duration.ofMillis(800), fast(), 503, retryAfter);
    long start = System.nanoTime();
    var res = tester.get("/x").send();
    assertThat(res.status()).isEqualTo(503);
    assertThat(res.body()).isEqualTo("busy");
    assertThat(res.header("Retry-After")).contains(retryAfter);
    assertThat(callsAtNanos).hasSize(1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no waiting for nothing").isLessThan(500);
  }

  @Test
  void an_http_date_is_read_on_the_gateways_clock() {
    oneTarget(Duration.ofSeconds(3), fast(), 503, date(NOW.plusSeconds(1)));
    assertThat(sendWhile(Duration.ofSeconds(1)).status()).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(callsAtNanos.get(1) - callsAtNanos.get(0))).isGreaterThanOrEqualTo(500L);
  }

  @ParameterizedTest(name = "Retry-After: ''{0}''")
  @ValueSource(strings = {"0", "-1", "1.5", "soon", "Mon, 07 Dec 2026 09:00:00 GMT", "Monday, 07-Dec-26 10:00:02 GMT"})
  void a_past_zero_or_malformed_value_leaves_the_backoff_alone(String retryAfter) {
    oneTarget(Duration.ofMillis(800), fast(), 503, retryAfter);
    assertThat(sendWhile(Duration.ofMillis(5)).status()).as("answered within the longest backoff").isEqualTo(200);
    assertThat(callsAtNanos).hasSize(2);
  }

  @Test
  void without_a_route_deadline_a_wait_beyond_the_longest_backoff_is_not_taken() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(Upstream.of(A)).retry(fast())))
        .stubUpstream(A, s -> s.respondWith(req -> {
          callsAtNanos.add(System.nanoTime());
          return Response.builder(503).header("Retry-After", "1").build();
        }));
    assertThat(tester.get("/x").send().status()).isEqualTo(503);
    assertThat(callsAtNanos).hasSize(1);
  }

  @Test
  void another_target_takes_the_retry_at_once_and_the_waiting_one_is_never_called_before_its_time() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(Upstream.of(A, B)).timeout(Duration.ofMillis(800))
                .retry(Retry.times(3).backoff(Duration.ofMillis(1), Duration.ofMillis(1)))))
        .stubUpstream(A, s -> s.respond(Response.builder(503).header("Retry-After", "120").body(Body.of("a busy")).build()))
        .stubUpstream(B, s -> s.respond(Response.builder(503).header("Retry-After", "60").body(Body.of("b busy")).build()));
    long start = System.nanoTime();
    var res = sendWhile(Duration.ofMillis(1)); // the backoff before the retry to the other target
    // Round robin puts either first; the other takes the one retry that fits, and then both wait past the deadline.
    assertThat(res.status()).isEqualTo(503);
    assertThat(tester.upstream(A).received()).hasSize(1);
    assertThat(tester.upstream(B).received()).hasSize(1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
  }

  @Test
  void a_retry_after_on_one_target_sends_the_retry_to_the_other() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(Upstream.of(A, B)).timeout(Duration.ofSeconds(2))
                .retry(Retry.times(3).backoff(Duration.ofMillis(1), Duration.ofMillis(1)))))
        .stubUpstream(A, s -> s.respond(Response.builder(503).header("Retry-After", "120").build()))
        .stubUpstream(B, s -> s.respond(200, "b"));
    for (int i = 0; i < 4; i++) {
      assertThat(sendWhile(Duration.ofMillis(1)).body()).isEqualTo("b");
    }
    assertThat(tester.upstream(A).received().size()).isLessThanOrEqualTo(4);
  }
}
