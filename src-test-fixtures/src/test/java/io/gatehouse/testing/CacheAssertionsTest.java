package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache assertions over the in-memory tester, with the manual clock driving freshness. */
class CacheAssertionsTest {
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-12-07T12:00:00Z"));
  private final GatewayTester tester = GatewayTester.of(Gateway.builder().time(clock)
      .route("catalog", r -> r.path("/catalog/**").cache(ResponseCache.shared("catalog")).upstream("http://catalog:8080"))
      .route("plain", r -> r.path("/plain/**").upstream("http://catalog:8080")));

  @AfterEach
  void close() {
    tester.close();
  }

  private static Response cacheable(String cacheControl) {
    return Response.builder(200).headers(HttpHeaders.of("Cache-Control", cacheControl, "ETag", "\"1\""))
        .body(Body.of("item")).build();
  }

  @Test
  void a_miss_then_a_hit_then_stale_answers_as_the_manual_clock_moves() {
    tester.stubUpstream("http://catalog:8080", stub -> stub.respond(cacheable("max-age=10, stale-while-revalidate=60")));

    assertThat(tester.get("/catalog/7").send()).hasStatus(200).wasCacheMiss().upstreamCalls(1);
    assertThat(tester.get("/catalog/7").send()).hasStatus(200).hasBody("item").wasCacheHit().wasNotProxied();
    clock.advance(Duration.ofSeconds(11));
    assertThat(tester.get("/catalog/7").send()).wasServedStale().hasHeader("Age", "11");
  }

  @Test
  void a_revalidation_and_stale_if_error_have_their_own_outcomes() {
    tester.stubUpstream("http://catalog:8080", stub -> stub.respond(cacheable("max-age=10, stale-if-error=60")));
    tester.get("/catalog/7").send();
    clock.advance(Duration.ofSeconds(11));
    tester.upstream("http://catalog:8080").respond(Response.builder(304)
        .headers(HttpHeaders.of("ETag", "\"1\"", "Cache-Control", "max-age=10, stale-if-error=60")).build());

    assertThat(tester.get("/catalog/7").send()).hasCacheOutcome(CacheOutcome.REVALIDATED).hasBody("item");
    clock.advance(Duration.ofSeconds(11));
    tester.upstream("http://catalog:8080").fail(UpstreamException.Kind.CONNECT_REFUSED);
    assertThat(tester.get("/catalog/7").send()).wasServedStale().hasStatus(200);
    assertThat(tester.get("/catalog/7").header("Range", "bytes=0-1").send()).hasCacheOutcome(CacheOutcome.BYPASS);
  }

  @Test
  void a_failed_cache_assertion_shows_the_header_and_the_alternatives() {
    tester.stubUpstream("http://catalog:8080", stub -> stub.respond(cacheable("max-age=10")));
    TestResponse miss = tester.get("/catalog/7").send();
    TestResponse uncached = tester.get("/plain/7").send();

    assertThatThrownBy(() -> assertThat(miss).wasCacheHit())
        .hasMessageContaining("expected the response cache's outcome HIT but it was MISS (Cache-Status: gatehouse; "
            + "fwd=uri-miss; fwd-status=200; stored; outcomes: [HIT, STALE, REVALIDATED, MISS, BYPASS])");
    assertThatThrownBy(() -> assertThat(uncached).wasCacheMiss())
        .hasMessageContaining("the response has no gatehouse entry in Cache-Status ([]): is the route cached");
  }
}
