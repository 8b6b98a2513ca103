package io.gatehouse.impl.ratelimit;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.observe.Rejection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** One route's bulkhead: a slot from the request passing it until the response is ready. */
final class ConcurrencyStage implements Stage {
  private final String routeId;
  private final Bulkhead bulkhead;

  ConcurrencyStage(String routeId, Bulkhead bulkhead) {
    this.routeId = routeId;
    this.bulkhead = bulkhead;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain chain) {
    return bulkhead.acquire().thenCompose(grant -> {
      if (!grant.admitted()) {
        state.reject(Rejection.CONCURRENCY_LIMITED);
        // When a slot frees is unknowable; one second is the shortest Retry-After there is.
        return CompletableFuture.completedFuture(RetryAfter.on(state.problem(503, "Service Unavailable",
            "route '" + routeId + "' has " + bulkhead.limit().maxInFlight() + " requests in flight, its limit"),
            Duration.ofSeconds(1)));
      }
      // The chain turns a stage's throw into a failed stage, so the slot comes back either way.
      return chain.proceed(exchange).whenComplete((r, failure) -> grant.release());
    });
  }

  @Override
  public String toString() {
    return "concurrency stage of route '" + routeId + "'";
  }
}
