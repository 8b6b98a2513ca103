package io.gatehouse.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.http.Body;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.Response;
import io.gatehouse.metering.Metering;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.route.StaticResponse;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.ConnectionPool;
import io.gatehouse.upstream.HealthCheck;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.ServiceDiscovery;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every range check of gateway-api, one row per field: the messages that went through {@link Check}, byte for byte. */
class RangeMessagesTest {
  private static final Duration ZERO = Duration.ZERO;
  private static final Duration MINUS_1S = Duration.ofSeconds(-1);
  private static final Duration ONE_S = Duration.ofSeconds(1);
  private static final Upstream UP = Upstream.of("http://a:1");

  private static Arguments row(String message, ThrowingCallable call) {
    return Arguments.of(message, call);
  }

  static Stream<Arguments> rows() {
    ConnectionPool pool = ConnectionPool.defaults();
    return Stream.of(
        // io.gatehouse
        row("connectTimeout: PT0S (expected: > 0)", () -> Gateway.builder().connectTimeout(ZERO)),
        row("responseTimeout: PT-1S (expected: > 0)", () -> Gateway.builder().responseTimeout(MINUS_1S)),
        row("responseBodyIdleTimeout: PT0S (expected: > 0)", () -> Gateway.builder().responseBodyIdleTimeout(ZERO)),
        row("poolAcquireTimeout: PT0S (expected: > 0)", () -> Gateway.builder().poolAcquireTimeout(ZERO)),
        row("connectionMaxLifetime: PT0S (expected: > 0)", () -> Gateway.builder().connectionMaxLifetime(ZERO)),
        // io.gatehouse.route
        row("route 'r': stripPrefix: -1 (expected: >= 0)", () -> Gateway.builder().route("r", r -> r.stripPrefix(-1))),
        row("route 'r': maxRequestBody: -1 (expected: >= 0)", () -> Gateway.builder().route("r", r -> r.maxRequestBody(-1))),
        row("route 'r': timeout: PT0S (expected: > 0)", () -> Gateway.builder().route("r", r -> r.timeout(ZERO))),
        row("route 'r': connectTimeout: PT-1S (expected: > 0)", () -> Gateway.builder().route("r", r -> r.connectTimeout(MINUS_1S))),
        row("route 'r': responseTimeout: PT0S (expected: > 0)", () -> Gateway.builder().route("r", r -> r.responseTimeout(ZERO))),
        row("route 'r': responseBodyIdleTimeout: PT-1S (expected: > 0)",
            () -> Gateway.builder().route("r", r -> r.responseBodyIdleTimeout(MINUS_1S))),
        row("status: 99 (expected: 100 to 599)", () -> StaticResponse.of(99)),
        row("status: 600 (expected: 100 to 599)", () -> StaticResponse.of(600)),
        row("exchangeDeadline total: PT0S (expected: > 0)", () -> ExchangeDeadline.of(ZERO)),
        row("minBytesPerSecond: -1 (expected: >= 0)", () -> ExchangeDeadline.of(ONE_S).minBodyRate(-1, ONE_S)),
        row("grace: PT0S (expected: > 0)", () -> ExchangeDeadline.of(ONE_S).minBodyRate(1, ZERO)),
        // io.gatehouse.http
        row("status: 99 (expected: 100 to 599)", () -> Response.builder(200).status(99)),
        row("status: 600 (expected: 100 to 599)", () -> Response.builder(600)),
        row("maxTargetLength: 0 (expected: >= 1)", () -> RequestLimits.defaults().maxTargetLength(0)),
        row("maxHeaderCount: 0 (expected: >= 1)", () -> RequestLimits.defaults().maxHeaderCount(0)),
        row("maxHeaderBytes: 0 (expected: >= 1)", () -> RequestLimits.defaults().maxHeaderBytes(0)),
        row("maxQueryParameters: 0 (expected: >= 1)", () -> RequestLimits.defaults().maxQueryParameters(0)),
        row("maxBodyBytes: -1 (expected: >= 0)", () -> RequestLimits.defaults().maxBodyBytes(-1)),
        row("contentLength: -2 (expected: >= -1)", () -> Body.ofPublisher(Body.empty(), -2)),
        row("maxBytes: -1 (expected: >= 0)", () -> Body.of("x").bytes(-1)),
        // io.gatehouse.metering, io.gatehouse.observe
        row("window: PT0S (expected: > 0)", () -> Metering.every(ZERO)),
        row("window: PT8808H (expected: <= 366 days)", () -> Metering.every(Duration.ofDays(367))),
        row("keep: 0 (expected: >= 1)", () -> Metering.every(Duration.ofMinutes(1)).keep(0)),
        row("maxKeys: 0 (expected: >= 1)", () -> Metering.every(Duration.ofMinutes(1)).maxKeys(0)),
        row("upstreamAttempts: -1 (expected: >= 0)", () -> new RequestRecord(Instant.EPOCH, "req", "0".repeat(32),
            "127.0.0.1", Optional.empty(), Optional.empty(), "GET", "/", Optional.empty(), 200, 0, 0, ONE_S,
            Optional.empty(), Optional.empty(), -1)),
        // io.gatehouse.ratelimit
        row("maxInFlight: 0 (expected: >= 1)", () -> ConcurrencyLimit.of(0)),
        row("maxQueued: 0 (expected: >= 1)", () -> ConcurrencyLimit.of(1).queue(0, ONE_S)),
        row("maxWait: PT0S (expected: > 0 with a queue, >= 0 without)", () -> ConcurrencyLimit.of(1).queue(1, ZERO)),
        row("requests: 0 (expected: >= 1)", () -> Quota.perDay(0)),
        row("requests: 0 (expected: >= 1)", () -> RateLimit.perConsumer(0)),
        row("window: PT0.0000001S (expected: >= 1ms and >= 1ns per request)", () -> RateLimit.perConsumer(1).per(Duration.ofNanos(100))),
        row("burst: 0 (expected: >= 1)", () -> RateLimit.perConsumer(1).per(ONE_S).burst(0)),
        row("maxKeys: 0 (expected: >= 1)", () -> RateLimit.perConsumer(1).per(ONE_S).maxKeys(0)),
        row("maxWait: PT0S (expected: > 0)", () -> RateLimit.perConsumer(1).per(ONE_S).throttle(ZERO)),
        row("permits: 0 (expected: >= 1)", () -> RateLimitCost.of(0)),
        row("max: 0 (expected: >= 1)", () -> RateLimitCost.fromHeader("X-Cost", 0)),
        // io.gatehouse.auth
        row("jwksRefresh: PT0S (expected: > 0)", () -> Auth.jwt().jwksRefresh(ZERO)),
        row("jwksMinRefetch: PT-1S (expected: >= 0)", () -> Auth.jwt().jwksMinRefetch(MINUS_1S)),
        row("jwksTimeout: PT0S (expected: > 0)", () -> Auth.jwt().jwksTimeout(ZERO)),
        row("leeway: PT-1S (expected: >= 0)", () -> Auth.jwt().leeway(MINUS_1S)),
        row("maxTokens: -1 (expected: >= 0)", () -> Auth.jwt().cacheVerified(-1, ONE_S)),
        row("maxTokens: -1 (expected: >= 0)", () -> Auth.jwt().cacheVerified(-1)),
        row("maxTtl: PT0S (expected: > 0)", () -> Auth.jwt().cacheVerified(1, ZERO)),
        row("cacheSize: -1 (expected: >= 0)", () -> Auth.introspection("https://idp/introspect").cacheSize(-1)),
        row("maxCacheTtl: PT0S (expected: > 0)", () -> Auth.introspection("https://idp/introspect").maxCacheTtl(ZERO)),
        row("inactiveCacheTtl: PT-1S (expected: >= 0)", () -> Auth.introspection("https://idp/introspect").inactiveCacheTtl(MINUS_1S)),
        row("timeout: PT0S (expected: > 0)", () -> Auth.introspection("https://idp/introspect").timeout(ZERO)),
        row("iterations: 1 (expected: >= " + PasswordHash.MIN_ITERATIONS + ")", () -> PasswordHash.of("secret", 1)),
        // io.gatehouse.upstream
        row("failureRateThreshold: 0.0 (expected: > 0 and <= 100)", () -> CircuitBreaker.of().failureRateThreshold(0)),
        row("failureRateThreshold: 100.5 (expected: > 0 and <= 100)", () -> CircuitBreaker.of().failureRateThreshold(100.5)),
        row("slowCallRateThreshold: 0.0 (expected: > 0 and <= 100)", () -> CircuitBreaker.of().slowCallRateThreshold(0, ONE_S)),
        row("slowCallDuration: PT0S (expected: > 0)", () -> CircuitBreaker.of().slowCallRateThreshold(50, ZERO)),
        row("slidingWindow: 0 (expected: >= 1)", () -> CircuitBreaker.of().slidingWindow(0, 1)),
        row("minimumCalls: 0 (expected: >= 1)", () -> CircuitBreaker.of().slidingWindow(10, 0)),
        row("openFor: PT0S (expected: > 0)", () -> CircuitBreaker.of().openFor(ZERO)),
        row("halfOpenCalls: 0 (expected: >= 1)", () -> CircuitBreaker.of().halfOpenCalls(0)),
        row("failure statuses: 99..599 (expected: a range within 100..599)", () -> CircuitBreaker.of().failureStatuses(99, 599)),
        row("maxTotal: 0 (expected: >= 1)", () -> pool.maxTotal(0)),
        row("maxPerOrigin: 0 (expected: >= 1)", () -> pool.maxPerOrigin(0)),
        row("acquireTimeout: PT0S (expected: > 0)", () -> pool.acquireTimeout(ZERO)),
        row("maxLifetime: PT0S (expected: > 0)", () -> pool.maxLifetime(ZERO)),
        row("idleTimeout: PT0S (expected: > 0)", () -> pool.idleTimeout(ZERO)),
        row("validateAfterInactivity: PT0S (expected: > 0)", () -> pool.validateAfterInactivity(ZERO)),
        row("resolveTimeout: PT0S (expected: > 0)", () -> pool.resolveTimeout(ZERO)),
        row("negativeDnsTtl: PT0S (expected: > 0)", () -> pool.negativeDnsTtl(ZERO)),
        row("interval: PT0S (expected: > 0)", () -> HealthCheck.http("/h").interval(ZERO)),
        row("timeout: PT0S (expected: > 0)", () -> HealthCheck.http("/h").timeout(ZERO)),
        row("healthyThreshold: 0 (expected: >= 1)", () -> HealthCheck.http("/h").healthyThreshold(0)),
        row("unhealthyThreshold: 0 (expected: >= 1)", () -> HealthCheck.http("/h").unhealthyThreshold(0)),
        row("expected statuses: 300..200 (expected: a range within 100..599)", () -> HealthCheck.http("/h").expectStatus(300, 200)),
        row("consecutiveFailures: 0 (expected: >= 1)", () -> OutlierDetection.consecutiveFailures(0)),
        row("baseEjection: PT0S (expected: > 0)", () -> OutlierDetection.consecutiveFailures(1).baseEjection(ZERO)),
        row("maxEjection: PT0S (expected: > 0)", () -> OutlierDetection.consecutiveFailures(1).maxEjection(ZERO)),
        row("maxEjection: PT1S (expected: >= baseEjection, PT30S)", () -> OutlierDetection.consecutiveFailures(1).maxEjection(ONE_S)),
        row("maxRetries: 0 (expected: >= 1)", () -> Retry.times(0)),
        row("retry status: 404 (expected: 429 or 500 to 599)", () -> Retry.times(1).onStatuses(404)),
        row("backoff: PT0S (expected: > 0)", () -> Retry.times(1).backoff(ZERO, ONE_S)),
        row("maxBackoff: PT1S (expected: >= backoff, PT2S)", () -> Retry.times(1).backoff(Duration.ofSeconds(2), ONE_S)),
        row("budgetRatio: 10.5 (expected: 0 to 10)", () -> Retry.times(1).budget(10.5, 1)),
        row("budgetMinPerSecond: -1 (expected: >= 0)", () -> Retry.times(1).budget(0.1, -1)),
        row("maxBufferedBody: -1 (expected: >= 0)", () -> Retry.times(1).maxBufferedBody(-1)),
        row("maxRequestsPerTarget: 0 (expected: >= 1)", () -> UP.maxRequestsPerTarget(0, Upstream.WhenFull.TRY_ANOTHER)),
        row("maxRequests: 0 (expected: >= 1)", () -> UP.maxRequests(0)),
        row("connectTimeout: PT0S (expected: > 0)", () -> UP.connectTimeout(ZERO)),
        row("responseTimeout: PT0S (expected: > 0)", () -> UP.responseTimeout(ZERO)),
        row("refreshInterval: PT0S (expected: > 0)", () -> Upstream.discover(List::of, ZERO)),
        row("port: 0 (expected: 1 to 65535)", () -> ServiceDiscovery.dns("http", "h", 0)),
        row("port: 65536 (expected: 1 to 65535)", () -> ServiceDiscovery.dns("http", "h", 65536)),
        row("target 'http://a:1': weight: 0 (expected: 1 to 10000)", () -> Target.of("http://a:1", 0)),
        row("target 'http://a:1': weight: 10001 (expected: 1 to 10000)", () -> Target.of("http://a:1", 10_001)),
        row("mirror fraction: 0.0 (expected: > 0 and <= 1)", () -> Mirror.to(UP).fraction(0)),
        row("mirror fraction: 1.5 (expected: > 0 and <= 1)", () -> Mirror.to(UP).fraction(1.5)),
        row("mirror maxBody: -1 (expected: >= 0)", () -> Mirror.to(UP).maxBody(-1)),
        row("split weight: 0 (expected: 1 to 10000)", () -> TrafficSplit.of(UP, 0)),
        row("split weight: 10001 (expected: 1 to 10000)", () -> TrafficSplit.of(UP, 1).and(UP, 10_001)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void refuses_a_value_out_of_range_naming_field_value_and_expectation(String message, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void a_body_subscriber_that_requests_nothing_is_told_why() {
    AtomicReference<Throwable> error = new AtomicReference<>();
    Body.of("x").subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(0);
      }

      @Override
      public void onNext(ByteBuffer item) {}

      @Override
      public void onError(Throwable throwable) {
        error.set(throwable);
      }

      @Override
      public void onComplete() {}
    });

    assertThat(error.get()).isInstanceOf(IllegalArgumentException.class).hasMessage("request: 0 (expected: > 0)");
  }

  @Test
  void a_null_duration_fails_naming_the_bare_field() {
    assertThatThrownBy(() -> Gateway.builder().route("r", r -> r.timeout(null)))
        .isInstanceOf(NullPointerException.class).hasMessage("timeout");
    assertThatThrownBy(() -> Gateway.builder().connectTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("connectTimeout");
    assertThatThrownBy(() -> Auth.jwt().leeway(null)).isInstanceOf(NullPointerException.class).hasMessage("leeway");
    assertThatThrownBy(() -> RateLimit.perConsumer(1).per(ONE_S).throttle(null))
        .isInstanceOf(NullPointerException.class).hasMessage("maxWait");
  }
}
