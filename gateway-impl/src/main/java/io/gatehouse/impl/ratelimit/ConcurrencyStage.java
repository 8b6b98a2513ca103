package io.gatehouse.impl.ratelimit;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Response;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.problem.RetryAfter;
import java.time.Duration;
import io.gatehouse.observe.Rejection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One route's bulkhead: a slot from the request passing it until the response is ready. */
final class ConcurrencyStage implements Filter {
  private final String routeId;
  private final Bulkhead bulkhead;

  ConcurrencyStage(String routeId, Bulkhead bulkhead) {
    this.routeId = routeId;
    this.bulkhead = bulkhead;
  }

  @Override
  public CompletionStage<Response> filter(Exchange exchange, Chain chain) {
    return bulkhead.acquire().thenCompose(grant -> {
      if (!grant.admitted()) {
        exchange.attribute(Observers.REJECTION, Rejection.CONCURRENCY_LIMITED);
        // When a slot frees is unknowable; one second is the shortest Retry-After there is.
        return CompletableFuture.completedFuture(RetryAfter.on(exchange.problem(503, "Service Unavailable",
            "route '" + routeId + "' has " + bulkhead.limit().maxInFlight() + " requests in flight, its limit"),
            Duration.ofSeconds(1)));
      }
      CompletionStage<Response> response;
      try {
        response = chain.proceed(exchange);
      } catch (RuntimeException | Error e) {
        grant.release();
        throw e;
      }
      return response.whenComplete((r, failure) -> grant.release());
    });
  }

  @Override
  public String toString() {
    return "concurrency stage of route '" + routeId + "'";
  }
}
