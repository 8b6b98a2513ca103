package io.gatehouse.impl.responsecache;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CachePolicyTest {
  private static final ResponseCache CACHE = ResponseCache.shared("c");
  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
  private static final String DATE = "Mon, 07 Dec 2026 12:00:00 GMT";

  private static Optional<String> refusal(int status, String... headers) {
    return refusal(status, false, CACHE, headers);
  }

  private static Optional<String> refusal(int status, boolean authenticated, ResponseCache cache, String... headers) {
    HttpHeaders h = HttpHeaders.of(headers);
    return CachePolicy.notStorable(status, h, CacheControl.parse(h.all("Cache-Control")), CacheControl.NONE,
        authenticated, cache);
  }

  /** The storability table: status, response headers (name|value pairs), and the refusal or "stored". */
  @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
  @CsvSource(delimiter = ';', value = {
      "200; Cache-Control|max-age=60; stored",
      "200; Expires|" + DATE + "; stored",
      "200; Cache-Control|s-maxage=60; stored",
      "200; ETag|\"v1\"; stored",
      "200; Last-Modified|" + DATE + "; stored",
      "200; Content-Type|text/plain; no-freshness",
      "200; Cache-Control|public; no-freshness",
      "203; Cache-Control|max-age=60; stored",
      "204; Cache-Control|max-age=60; stored",
      "301; Cache-Control|max-age=60; stored",
      "404; Cache-Control|max-age=60; stored",
      "410; Cache-Control|max-age=60; stored",
      "302; Cache-Control|max-age=60; stored",
      "307; Expires|" + DATE + "; stored",
      "302; ETag|\"v1\"; status",
      "206; Cache-Control|max-age=60; status",
      "201; Cache-Control|max-age=60; status",
      "304; Cache-Control|max-age=60; status",
      "500; Cache-Control|max-age=60; status",
      "503; Cache-Control|max-age=60; status",
      "200; Cache-Control|max-age=60, no-store; no-store",
      "200; Cache-Control|max-age=60, private; private",
      "200; Cache-Control|max-age=60, Set-Cookie|a=b; set-cookie",
      "200; Cache-Control|max-age=60, Vary|*; vary",
      "200; Cache-Control|max-age=60, Vary|Accept, *; vary",
      "200; Cache-Control|max-age=60, Vary|Accept-Encoding; stored",
      "200; Cache-Control|max-age=60, Vary|a,b,c,d,e,f,g,h; stored",
      "200; Cache-Control|max-age=60, Vary|a,b,c,d,e,f,g,h,i; vary",
      "200; Cache-Control|max-age=60, Vary|a,a,a,a,a,a,a,a,a,a,b; stored",
      "200; Cache-Control|max-age=60, Vary|bad name; vary",
      "200; Cache-Control|max-age=60, Content-Range|bytes 0-1/2; partial",
  })
  void storability_table(int status, String headers, String expected) {
    String[] fields = headers.replace(", Set-Cookie", ";Set-Cookie").replace(", Vary", ";Vary")
        .replace(", Content-Range", ";Content-Range").split(";");
    String[] pairs = new String[fields.length * 2];
    for (int i = 0; i < fields.length; i++) {
      String[] nv = fields[i].split("\\|", 2);
      pairs[2 * i] = nv[0];
      pairs[2 * i + 1] = nv[1];
    }
    assertThat(refusal(status, pairs).orElse("stored")).isEqualTo(expected);
  }

  @Test
  void a_request_with_no_store_is_not_stored() {
    HttpHeaders h = HttpHeaders.of("Cache-Control", "max-age=60");
    assertThat(CachePolicy.notStorable(200, h, CacheControl.parse(h.all("Cache-Control")),
        CacheControl.parse(List.of("no-store")), false, CACHE)).contains("no-store");
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "max-age=60; authorization",
      "max-age=60, public; stored",
      "s-maxage=60; stored",
      "max-age=60, must-revalidate; stored",
      "max-age=60, proxy-revalidate; authorization",
  })
  void an_authenticated_request_is_stored_only_when_the_response_allows_it(String cc, String expected) {
    assertThat(refusal(200, true, CACHE, "Cache-Control", cc).orElse("stored")).isEqualTo(expected);
  }

  @Test
  void a_cache_keyed_by_consumer_stores_authenticated_responses() {
    assertThat(refusal(200, true, CACHE.keyByConsumer(), "Cache-Control", "max-age=60")).isEmpty();
    assertThat(refusal(200, true, CACHE.keyByConsumer(), "Cache-Control", "max-age=60, private")).contains("private");
  }

  @Test
  void a_default_ttl_makes_a_response_without_freshness_storable() {
    assertThat(refusal(200, false, CACHE.defaultTtl(Duration.ofSeconds(5)), "Content-Type", "text/plain")).isEmpty();
  }

  private static long lifetime(String... headers) {
    HttpHeaders h = HttpHeaders.of(headers);
    return CachePolicy.freshnessLifetime(h, CacheControl.parse(h.all("Cache-Control")), Optional.empty(), T0);
  }

  @Test
  void freshness_comes_from_s_maxage_then_max_age_then_expires_minus_date() {
    assertThat(lifetime("Cache-Control", "max-age=60, s-maxage=120", "Expires", "Mon, 07 Dec 2026 13:00:00 GMT"))
        .isEqualTo(120);
    assertThat(lifetime("Cache-Control", "max-age=60", "Expires", "Mon, 07 Dec 2026 13:00:00 GMT")).isEqualTo(60);
    assertThat(lifetime("Date", DATE, "Expires", "Mon, 07 Dec 2026 13:00:00 GMT")).isEqualTo(3600);
    assertThat(lifetime("Date", "Mon, 07 Dec 2026 12:30:00 GMT", "Expires", "Mon, 07 Dec 2026 13:00:00 GMT"))
        .isEqualTo(1800);
  }

  @Test
  void expires_without_date_counts_from_the_response_time() {
    assertThat(lifetime("Expires", "Mon, 07 Dec 2026 12:10:00 GMT")).isEqualTo(600);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "yesterday", "Mon, 07 Dec 2026 11:00:00 GMT"})
  void an_invalid_or_past_expires_means_already_expired(String expires) {
    assertThat(lifetime("Date", DATE, "Expires", expires)).isZero();
  }

  @Test
  void two_expires_lines_mean_already_expired() {
    assertThat(lifetime("Expires", "Mon, 07 Dec 2026 13:00:00 GMT", "Expires", "Mon, 07 Dec 2026 14:00:00 GMT")).isZero();
  }

  @Test
  void no_cache_means_zero_freshness_and_nothing_means_zero_without_a_default() {
    assertThat(lifetime("Cache-Control", "max-age=600, no-cache")).isZero();
    assertThat(lifetime("Content-Type", "text/plain")).isZero();
    HttpHeaders none = HttpHeaders.of();
    assertThat(CachePolicy.freshnessLifetime(none, CacheControl.NONE, Optional.of(Duration.ofSeconds(42)), T0))
        .isEqualTo(42);
  }

  private static CachedResponse entry(Instant requested, Instant received, String... headers) {
    return CachedResponse.of(200, HttpHeaders.of(headers), new byte[0], requested, received, Map.of());
  }

  @Test
  void age_is_the_resident_time_for_a_response_with_a_current_date() {
    CachedResponse e = entry(T0, T0, "Date", DATE);
    assertThat(CachePolicy.currentAge(e, T0)).isZero();
    assertThat(CachePolicy.currentAge(e, T0.plusSeconds(30))).isEqualTo(30);
  }

  @Test
  void age_adds_the_upstreams_age_and_the_response_delay() {
    CachedResponse e = entry(T0.minusSeconds(2), T0, "Date", DATE, "Age", "100");
    assertThat(CachePolicy.currentAge(e, T0.plusSeconds(10))).isEqualTo(100 + 2 + 10);
  }

  @Test
  void age_takes_the_apparent_age_when_the_date_is_older_than_age_says() {
    CachedResponse e = entry(T0, T0, "Date", "Mon, 07 Dec 2026 11:59:00 GMT", "Age", "5");
    assertThat(CachePolicy.currentAge(e, T0)).isEqualTo(60);
  }

  @Test
  void a_date_in_the_future_does_not_make_the_age_negative() {
    CachedResponse e = entry(T0, T0, "Date", "Mon, 07 Dec 2026 13:00:00 GMT");
    assertThat(CachePolicy.currentAge(e, T0)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "-5", "1.5", ""})
  void an_unreadable_age_makes_the_response_very_old(String age) {
    CachedResponse e = entry(T0, T0, "Date", DATE, "Age", age);
    assertThat(CachePolicy.currentAge(e, T0)).isEqualTo(CacheControl.MAX_DELTA);
  }

  @Test
  void a_huge_age_is_capped() {
    CachedResponse e = entry(T0, T0, "Age", "999999999999999999999999999");
    assertThat(CachePolicy.currentAge(e, T0)).isEqualTo(CacheControl.MAX_DELTA);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "max-age=60; true",
      "max-age=60, must-revalidate; false",
      "max-age=60, proxy-revalidate; false",
      "max-age=60, no-cache; false",
      "s-maxage=60; false",
      "s-maxage=60, stale-while-revalidate=5; true",
      "s-maxage=60, stale-if-error=5; true",
      "s-maxage=60, stale-if-error=5, must-revalidate; false",
  })
  void stale_responses_may_be_served_unless_revalidation_is_required(String cc, boolean may) {
    assertThat(CachePolicy.mayServeStale(CacheControl.parse(List.of(cc)))).isEqualTo(may);
  }

  @ParameterizedTest(name = "[{index}] {0}: {1} vs ETag {2} -> {3}")
  @CsvSource(delimiter = ';', value = {
      "If-None-Match; \"v1\"; \"v1\"; true",
      "If-None-Match; W/\"v1\"; \"v1\"; true",
      "If-None-Match; \"v1\"; W/\"v1\"; true",
      "If-None-Match; \"v0\", \"v1\"; \"v1\"; true",
      "If-None-Match; *; \"v1\"; true",
      "If-None-Match; \"v2\"; \"v1\"; false",
      "If-None-Match; \"v1\"; ; false",
  })
  void if_none_match_compares_weakly(String field, String value, String etag, boolean matches) {
    HttpHeaders stored = etag == null ? HttpHeaders.of() : HttpHeaders.of("ETag", etag);
    assertThat(CachePolicy.notModified(HttpHeaders.of(field, value), stored)).isEqualTo(matches);
  }

  @Test
  void if_modified_since_is_read_only_without_if_none_match() {
    HttpHeaders stored = HttpHeaders.of("ETag", "\"v1\"", "Last-Modified", "Mon, 07 Dec 2026 11:00:00 GMT");
    assertThat(CachePolicy.notModified(HttpHeaders.of("If-Modified-Since", DATE), stored)).isTrue();
    assertThat(CachePolicy.notModified(HttpHeaders.of("If-Modified-Since", "Mon, 07 Dec 2026 10:00:00 GMT"), stored))
        .isFalse();
    assertThat(CachePolicy.notModified(HttpHeaders.of("If-Modified-Since", "garbage"), stored)).isFalse();
    assertThat(CachePolicy.notModified(HttpHeaders.of("If-None-Match", "\"v2\"", "If-Modified-Since", DATE), stored))
        .isFalse();
  }

  @Test
  void a_304_refreshes_headers_but_not_content_or_framing() {
    HttpHeaders stored = HttpHeaders.of("Content-Type", "text/plain", "Cache-Control", "max-age=1", "ETag", "\"v1\"");
    HttpHeaders notModified = HttpHeaders.of("Cache-Control", "max-age=60", "Content-Type", "text/html",
        "Content-Length", "0", "Set-Cookie", "a=b", "X-New", "1");
    HttpHeaders refreshed = CachePolicy.refresh(stored, notModified);
    assertThat(refreshed.all("Cache-Control")).containsExactly("max-age=60");
    assertThat(refreshed.all("Content-Type")).containsExactly("text/plain");
    assertThat(refreshed.contains("Content-Length")).isFalse();
    assertThat(refreshed.contains("Set-Cookie")).isFalse();
    assertThat(refreshed.first("X-New")).contains("1");
    assertThat(refreshed.first("ETag")).contains("\"v1\"");
  }

  @Test
  void vary_values_join_lines_and_trim_around_commas() {
    assertThat(CachePolicy.varyValue(HttpHeaders.of("Accept", "a , b", "accept", "c"), "accept")).contains("a,b,c");
    assertThat(CachePolicy.varyValue(HttpHeaders.of(), "accept")).isEmpty();
  }
}
