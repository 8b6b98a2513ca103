package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every 503 the gateway makes itself says when to come back: a table of the sources, each with the
 * {@code Retry-After} it must carry (whole seconds, rounded up, at least 1). The draining server's
 * 503 is pinned in the Undertow adapter's tests; pool exhaustion in the transport's.
 */
class GatewayRetryAfterTest {
  private static final String ORDERS = "http://orders:8080";

  private final ManualClock clock = ManualClock.create();
  private Gateway gateway;

  @AfterEach
  void close() {
    gateway.close();
  }

  /** What a scenario does to the gateway (over the manual clock) before the request that must get 503. */
  interface Setup {
    void run(Gateway gateway, ManualClock clock) throws Exception;
  }

  static Stream<Arguments> sources() {
    return Stream.of(
        Arguments.of("route circuit open, 3.5 s of 10 s gone",
            (Consumer<RouteBuilder>) r -> r.upstream(ORDERS).circuitBreaker(CircuitBreaker.of().slidingWindow(2, 2).openFor(Duration.ofSeconds(10))),
            (Setup) (g, c) -> {
              fail(g, 2);
              c.advance(Duration.ofMillis(3_500));
            }, "7"),
        Arguments.of("route circuit open, 9.9 s of 10 s gone",
            (Consumer<RouteBuilder>) r -> r.upstream(ORDERS).circuitBreaker(CircuitBreaker.of().slidingWindow(2, 2).openFor(Duration.ofSeconds(10))),
            (Setup) (g, c) -> {
              fail(g, 2);
              c.advance(Duration.ofMillis(9_900));
            }, "1"),
        Arguments.of("concurrency limit",
            (Consumer<RouteBuilder>) r -> r.upstream("http://hangs:8080").concurrencyLimit(ConcurrencyLimit.of(1)),
            (Setup) (g, c) -> g.handle(Request.builder("GET", "/hang").build()), "1"),
        Arguments.of("the group's cap of requests in flight",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of("http://hangs:8080").maxRequests(1)),
            (Setup) (g, c) -> g.handle(Request.builder("GET", "/hang").build()), "1"),
        Arguments.of("a full target, fail fast",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of("http://hangs:8080")
                .maxRequestsPerTarget(1, Upstream.WhenFull.FAIL_FAST)),
            (Setup) (g, c) -> g.handle(Request.builder("GET", "/hang").build()), "1"),
        Arguments.of("discovery has not answered, refreshing every 7 s",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.discover(() -> {
              throw new IllegalStateException("registry down");
            }, Duration.ofSeconds(7))),
            (Setup) (g, c) -> {}, "7"),
        Arguments.of("only target ejected for 30 s, 10 s gone",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of(ORDERS)
                .outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(Duration.ofSeconds(30)))),
            (Setup) (g, c) -> {
              fail(g, 1);
              c.advance(Duration.ofSeconds(10));
            }, "20"),
        Arguments.of("only target's circuit open for 20 s",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of(ORDERS)
                .circuitBreaker(CircuitBreaker.of().slidingWindow(1, 1).openFor(Duration.ofSeconds(20)))),
            (Setup) (g, c) -> fail(g, 1), "20"),
        Arguments.of("one target both ejected 40 s and circuit open 15 s: the later",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of(ORDERS)
                .outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(Duration.ofSeconds(40)))
                .circuitBreaker(CircuitBreaker.of().slidingWindow(1, 1).openFor(Duration.ofSeconds(15)))),
            (Setup) (g, c) -> fail(g, 1), "40"),
        Arguments.of("two targets ejected 40 s, 10 s apart: the sooner",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of(ORDERS, "http://orders-2:8080")
                .outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(Duration.ofSeconds(40)))),
            (Setup) (g, c) -> {
              fail(g, 1);
              c.advance(Duration.ofSeconds(10));
              fail(g, 1);
            }, "30"),
        Arguments.of("only target unhealthy by active checks every 5 s",
            (Consumer<RouteBuilder>) r -> r.upstream(Upstream.of(ORDERS).healthCheck(HealthCheck.http("/health")
                .interval(Duration.ofSeconds(5)).unhealthyThreshold(1))),
            (Setup) (g, c) -> {
              c.advance(Duration.ZERO); // the first round, due at once, runs on this thread
              assertThat(g.upstreams().get(0).targets().get(0).health()).isEqualTo(TargetStatus.Health.UNHEALTHY);
            }, "5"));
  }

  private static void fail(Gateway g, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      assertThat(g.handle(Request.builder("GET", "/fail").build()).toCompletableFuture().get(5, TimeUnit.SECONDS).status())
          .isEqualTo(500);
    }
  }

  @ParameterizedTest(name = "{0} -> Retry-After: {3}")
  @MethodSource("sources")
  void every_503_of_the_gateway_carries_retry_after(String source, Consumer<RouteBuilder> route, Setup setup,
      String retryAfter) throws Exception {
    gateway = Gateway.builder().time(clock)
        .transport(call -> call.request().path().endsWith("/hang") ? new CompletableFuture<>()
            : CompletableFuture.completedFuture(Response.of(500)))
        .route("orders", r -> {
          r.path("/**");
          route.accept(r);
        })
        .build();
    setup.run(gateway, clock);
    Response res = gateway.handle(Request.builder("GET", "/x").build()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(res.status()).as(source).isEqualTo(503);
    assertThat(res.headers().first("Retry-After")).as(source).contains(retryAfter);
  }
}
