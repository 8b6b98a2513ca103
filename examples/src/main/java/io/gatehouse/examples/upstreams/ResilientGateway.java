package io.gatehouse.examples.upstreams;

import io.gatehouse.Gateway;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.route.StaticResponse;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.HealthCheck;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;

/** Upstream groups, retries, a circuit breaker, a canary and a mirror in one gateway; the README quotes it and its test runs it. */
public final class ResilientGateway {
  private ResilientGateway() {}

  /**
   * Orders on two instances shared by two routes, a catalog behind a breaker with a fallback, and
   * a checkout release going out as a 10% canary while a shadow copy of its traffic goes to the
   * next version.
   *
   * @return the builder
   */
  // tag::upstreams[]
  public static Gateway.Builder gateway() {
    Upstream orders = Upstream.of("http://orders-1:8080", "http://orders-2:8080")
        .named("orders")
        .leastRequests()
        .healthCheck(HealthCheck.http("/health").interval(Duration.ofSeconds(5)))
        .outlierDetection(OutlierDetection.consecutiveFailures(5))
        .maxRequestsPerTarget(200, Upstream.WhenFull.TRY_ANOTHER);
    Upstream checkout = Upstream.of("http://checkout:8080");
    Upstream checkoutCanary = Upstream.of("http://checkout-canary:8080");
    return Gateway.builder()
        .route("orders", r -> r
            .path("/orders/**")
            .upstream(orders)
            .timeout(Duration.ofSeconds(2))                  // all attempts together
            .retry(Retry.times(2).idempotencyKey("Idempotency-Key")))
        .route("order-admin", r -> r.path("/admin/orders/**").upstream(orders))   // same group, same health
        .route("catalog", r -> r
            .path("/catalog/**")
            .upstream(Upstream.of("http://catalog:8080").consistentHash(RequestKey.header("X-Session")))
            .circuitBreaker(CircuitBreaker.of().failureRateThreshold(50).openFor(Duration.ofSeconds(30)))
            .fallback(StaticResponse.of(200, "application/json", "{\"items\":[],\"stale\":true}")))
        .route("checkout", r -> r
            .path("/checkout/**")
            .split(TrafficSplit.of(checkout, 90).and(checkoutCanary, 10)
                .stickyOn(RequestKey.header("X-Session"))
                .whenHeader("X-Beta", "true", checkoutCanary))
            .mirror(Mirror.to(Upstream.of("http://checkout-next:8080")).fraction(0.05)));
  }
  // end::upstreams[]
}
