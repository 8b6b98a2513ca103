package io.gatehouse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What observers are told: one record per request with its route, consumer, upstream, bytes and rejection; and events. */
class RequestRecordTest {
  private static final String ORDERS = "http://orders:8080";
  private static final String KEY = "partner-key-0123456789abcdef";

  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
  private final GatewayObserver observer = new GatewayObserver() {
    @Override
    public void onRequest(RequestRecord record) {
      records.add(record);
    }

    @Override
    public void onEvent(GatewayEvent event) {
      events.add(event);
    }
  };
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private GatewayTester tester(Gateway.Builder builder) {
    tester = GatewayTester.of(builder.observer(observer).accessLog(false))
        .stubUpstream(ORDERS, s -> s.respond(200, "application/json", "{\"id\":7}"));
    return tester;
  }

  private RequestRecord last() {
    assertThat(records).isNotEmpty();
    return records.get(records.size() - 1);
  }

  @Test
  void a_proxied_request_is_recorded_with_its_route_consumer_upstream_and_bytes() {
    tester(Gateway.builder()
        .consumer(ApiConsumer.builder("partner").apiKey(KEY).build())
        .route("orders", r -> r.path("/orders/**").auth(Auth.apiKey()).upstream(ORDERS + "/v1")));

    var res = tester.post("/orders/7?x=1").header("X-API-Key", KEY).header("X-Request-Id", "req-0001").body("{\"n\":12345}")
        .from("203.0.113.9").send();

    assertThat(res.status()).isEqualTo(200);
    RequestRecord record = last();
    assertThat(records).hasSize(1);
    assertThat(record.requestId()).isEqualTo("req-0001");
    assertThat(record.routeId()).hasValue("orders");
    assertThat(record.consumer()).hasValue("partner");
    assertThat(record.clientAddress()).isEqualTo("203.0.113.9");
    assertThat(record.method()).isEqualTo("POST");
    assertThat(record.path()).isEqualTo("/orders/7");
    assertThat(record.upstream()).hasValue(ORDERS + "/v1");
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.bytesIn()).isEqualTo(11);
    assertThat(record.bytesOut()).isEqualTo(8);
    assertThat(record.upstreamDuration()).isPresent();
    assertThat(record.duration()).isGreaterThanOrEqualTo(record.upstreamDuration().get());
    assertThat(record.rejection()).isEmpty();
    assertThat(record.traceId()).matches("[0-9a-f]{32}");
    assertThat(record.upstreamAttempts()).isEqualTo(1);
  }

  @Test
  void the_record_counts_upstream_attempts_retries_included_and_none_for_a_rejection() {
    tester(Gateway.builder()
        .route("retried", r -> r.path("/retried/**").upstream(Upstream.of("http://a:8080", "http://b:8080"))
            .retry(Retry.times(3).backoff(Duration.ofMillis(1), Duration.ofMillis(1))))
        .route("static", r -> r.path("/static").respond(200, "text/plain", "s")));
    tester.stubUpstream("http://a:8080", s -> s.respond(503));
    tester.stubUpstream("http://b:8080", s -> s.respond(503));
    tester.get("/retried/1").send();
    assertThat(last().upstreamAttempts()).isEqualTo(4);
    tester.get("/static").send();
    assertThat(last().upstreamAttempts()).isZero();
    tester.get("/nowhere").send();
    assertThat(last().upstreamAttempts()).isZero();
  }

  @Test
  void each_kind_of_rejection_is_named() {
    Upstream down = Upstream.of("http://down:8080").outlierDetection(OutlierDetection.consecutiveFailures(1));
    tester(Gateway.builder()
        .consumer(ApiConsumer.builder("partner").apiKey(KEY).build())
        .route("private", r -> r.path("/private/**").auth(Auth.apiKey()).upstream(ORDERS))
        .route("limited", r -> r.path("/limited/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofMinutes(1))).upstream(ORDERS))
        .route("fragile", r -> r.path("/fragile/**").upstream("http://fragile:8080")
            .circuitBreaker(CircuitBreaker.of().slidingWindow(1, 1)))
        .route("down", r -> r.path("/down/**").upstream(down)));
    tester.stubUpstream("http://fragile:8080", s -> s.respond(500));
    tester.stubUpstream("http://down:8080", s -> s.refuse());

    tester.get("/nowhere").send();
    assertThat(last().rejection()).hasValue(Rejection.NO_ROUTE);
    assertThat(last().routeId()).isEmpty();
    tester.get("/%2e%2e/%2e%2e/etc").send();
    tester.get("/a%2Fb").send();
    assertThat(last().rejection()).hasValue(Rejection.BAD_REQUEST);
    tester.get("/private/1").send();
    assertThat(last().rejection()).hasValue(Rejection.UNAUTHENTICATED);
    tester.get("/limited/1").send();
    assertThat(last().rejection()).isEmpty();
    tester.get("/limited/1").send();
    assertThat(last().rejection()).hasValue(Rejection.RATE_LIMITED);
    tester.get("/fragile/1").send();
    assertThat(last().status()).isEqualTo(500);
    assertThat(last().rejection()).as("the upstream's own 500 is not a rejection").isEmpty();
    tester.get("/fragile/1").send();
    assertThat(last().rejection()).hasValue(Rejection.CIRCUIT_OPEN);
    tester.get("/down/1").send();
    assertThat(last().rejection()).hasValue(Rejection.UPSTREAM_FAILED);
    tester.get("/down/1").send();
    assertThat(last().rejection()).hasValue(Rejection.NO_UPSTREAM);

    assertThat(events).contains(new GatewayEvent.CircuitChanged("route 'fragile'", TargetStatus.Circuit.OPEN),
        new GatewayEvent.TargetHealthChanged("route:down", "http://down:8080", TargetStatus.Health.EJECTED));
  }

  @Test
  void a_failing_observer_never_affects_the_request_or_the_other_observers() {
    tester = GatewayTester.of(Gateway.builder()
            .observer(record -> {
              throw new IllegalStateException("observer bug");
            })
            .observer(observer)
            .route("orders", r -> r.path("/**").upstream(ORDERS)))
        .stubUpstream(ORDERS, s -> s.respond(200, "ok"));
    assertThat(tester.get("/x").send().status()).isEqualTo(200);
    assertThat(tester.get("/x").send().status()).isEqualTo(200);
    assertThat(records).hasSize(2);
  }

  @Test
  void the_trace_of_a_request_reaches_the_upstream_with_a_new_parent_and_its_state() {
    tester(Gateway.builder().route("orders", r -> r.path("/**").upstream(ORDERS)));
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    tester.get("/x").header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").header("tracestate", "vendor=a1").send();

    RecordedRequest seen = tester.upstream(ORDERS).received().get(0);
    assertThat(seen.headers().first("traceparent")).get().asString()
        .matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");
    assertThat(seen.headers().first("tracestate")).hasValue("vendor=a1");
    assertThat(last().traceId()).isEqualTo(traceId);
  }

  @Test
  void a_missing_or_invalid_traceparent_starts_a_new_trace() {
    tester(Gateway.builder().route("orders", r -> r.path("/**").upstream(ORDERS)));
    tester.get("/x").send();
    tester.get("/x").header("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01").send();
    tester.get("/x").header("traceparent", "garbage").send();

    List<String> sent = tester.upstream(ORDERS).received().stream()
        .map(r -> r.headers().first("traceparent").orElseThrow()).toList();
    assertThat(sent).allMatch(v -> v.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"))
        .noneMatch(v -> v.contains("00000000000000000000000000000000"));
    assertThat(sent.stream().map(v -> v.substring(3, 35)).distinct()).hasSize(3);
  }
}
