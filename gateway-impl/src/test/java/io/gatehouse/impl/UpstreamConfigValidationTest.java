package io.gatehouse.impl;

import static io.gatehouse.impl.ConfigValidationTest.builder;
import static io.gatehouse.impl.ConfigValidationTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.route.StaticResponse;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.HealthCheck;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Mistakes in upstreams, splits, mirrors and resilience settings: at once from the setters, all together from build(). */
class UpstreamConfigValidationTest {

  @Test
  void every_bad_target_url_is_named_with_its_route_and_field() {
    GatewayConfigException e = failure(builder()
        .route("a", r -> r.path("/a").upstream(Upstream.of("http://ok:1", "ftp://files:21")))
        .route("b", r -> r.path("/b").split(TrafficSplit.of(Upstream.of("http:///nohost"), 1)))
        .route("c", r -> r.path("/c").upstream("http://c:1").mirror(Mirror.to(Upstream.of("http://m:1?q=1"))))
        .route("d", r -> r.path("/d").upstream("http://d:1").circuitBreaker(CircuitBreaker.of())
            .fallback(Upstream.of("http://user@fb:1"))));
    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "route 'a': upstream: 'ftp://files:21' has scheme 'ftp' (expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)",
        "route 'b': split: 'http:///nohost' has no host (expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)",
        "route 'c': mirror: 'http://m:1?q=1' has a query or fragment (expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)",
        "route 'd': fallback: 'http://user@fb:1' has user info (expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "http://010.0.0.1:8080          | has host '010.0.0.1', an IP literal that part '010' has a leading zero",
      "http://10.0.0.01:8080          | has host '10.0.0.01', an IP literal that part '01' has a leading zero",
      "http://256.0.0.1:8080          | has no host",
      "http://1.2.3.4.5:8080          | has no host",
      "http://[fe80::1%25eth0]:8080   | has host '[fe80::1%25eth0]', an IP literal that has a zone id",
      "http://10.1:8080               | has no host",
      "http://0x7f.1:8080             | has no host"})
  void a_target_with_a_non_canonical_ip_literal_host_is_rejected(String url, String problem) {
    GatewayConfigException e = failure(builder().route("a", r -> r.path("/a").upstream(url)));
    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "route 'a': upstream: '" + url + "' " + problem
            + " (expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://10.0.0.1:8080", "http://[2001:db8::1]:8080",
      "http://[2001:DB8:0::1]:8080", "http://[::ffff:10.0.0.1]:8080", "http://orders-1:8080", "http://a1.example:8080"})
  void a_target_with_a_canonical_ip_literal_or_a_name_is_accepted(String url) {
    builder().route("a", r -> r.path("/a").upstream(url)).build().close();
  }

  @Test
  void two_different_upstreams_of_one_name_are_rejected() {
    GatewayConfigException e = failure(builder()
        .route("a", r -> r.path("/a").upstream(Upstream.of("http://orders-1:1").named("orders")))
        .route("b", r -> r.path("/b").upstream(Upstream.of("http://orders-2:1").named("orders"))));
    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "route 'b': upstream: 'orders' differs from the upstream of that name in route 'a'"
            + " (expected: one definition per upstream name; declare it once and reuse the value)");
  }

  @Test
  void a_fallback_needs_a_breaker_and_proxy_settings_need_an_upstream() {
    GatewayConfigException e = failure(builder()
        .route("a", r -> r.path("/a").upstream("http://a:1").fallback(StaticResponse.of(200, "text/plain", "x")))
        .route("b", r -> r.path("/b").respond(200, "text/plain", "b").retry(Retry.times(1)).timeout(Duration.ofSeconds(1))));
    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "route 'a': fallback: set without a circuit breaker (expected: circuitBreaker(...) too; the fallback answers while it is open)",
        "route 'b': timeout: set on a route that answers by itself (expected: only on routes with an upstream)",
        "route 'b': retry: set on a route that answers by itself (expected: only on routes with an upstream)");
  }

  @Test
  void an_upstream_and_a_split_on_one_route_are_rejected() {
    GatewayConfigException e = failure(builder()
        .route("a", r -> r.path("/a").upstream("http://a:1").split(TrafficSplit.of(Upstream.of("http://b:1"), 1))));
    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "route 'a': split: set together with an upstream (expected: either upstream(...) or split(...))");
  }

  @Test
  void setters_reject_nonsense_at_once() {
    assertThatThrownBy(() -> Target.of("http://a:1", 0)).hasMessage("target 'http://a:1': weight: 0 (expected: 1 to 10000)");
    assertThatThrownBy(() -> Upstream.of(new String[0])).hasMessage("targets: none (expected: at least one URL)");
    assertThatThrownBy(() -> Upstream.of("http://a:1").named("a b"))
        .hasMessage("upstream name: 'a b' (expected: 1 to 128 of letters, digits, '.', '_', '-')");
    assertThatThrownBy(() -> Upstream.of("http://a:1").maxRequestsPerTarget(0, Upstream.WhenFull.FAIL_FAST))
        .hasMessage("maxRequestsPerTarget: 0 (expected: >= 1)");
    assertThatThrownBy(() -> HealthCheck.http("health")).hasMessage("health check path: 'health' (expected: starting with '/', no query)");
    assertThatThrownBy(() -> HealthCheck.http("/h").expectStatus(300, 200))
        .hasMessage("expected statuses: 300..200 (expected: a range within 100..599)");
    assertThatThrownBy(() -> OutlierDetection.consecutiveFailures(0)).hasMessage("consecutiveFailures: 0 (expected: >= 1)");
    assertThatThrownBy(() -> OutlierDetection.consecutiveFailures(1).maxEjection(Duration.ofSeconds(1)))
        .hasMessage("maxEjection: PT1S (expected: >= baseEjection, PT30S)");
    assertThatThrownBy(() -> CircuitBreaker.of().failureRateThreshold(0)).hasMessage("failureRateThreshold: 0.0 (expected: > 0 and <= 100)");
    assertThatThrownBy(() -> Retry.times(0)).hasMessage("maxRetries: 0 (expected: >= 1)");
    assertThatThrownBy(() -> Retry.times(1).onStatuses(404)).hasMessage("retry status: 404 (expected: 429 or 500 to 599)");
    assertThatThrownBy(() -> Retry.times(1).backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("maxBackoff: PT1S (expected: >= backoff, PT2S)");
    assertThatThrownBy(() -> Mirror.to(Upstream.of("http://a:1")).fraction(1.5)).hasMessage("mirror fraction: 1.5 (expected: > 0 and <= 1)");
    assertThatThrownBy(() -> TrafficSplit.of(Upstream.of("http://a:1"), 0)).hasMessage("split weight: 0 (expected: 1 to 10000)");
    assertThatThrownBy(() -> RequestKey.header("")).hasMessage("header: '' (expected: a header name)");
  }
}
