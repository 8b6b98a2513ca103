package io.gatehouse.impl.cors;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A route's CORS stage, the first of its chain: answers a preflight by itself, before the global
 * filters and authentication (a preflight carries no credentials, and its answer is the same for
 * every caller); passes any other request on and gives its response, whichever stage made it, the
 * CORS headers its origin earns.
 */
final class CorsStage implements Stage {
  private final CorsPolicy policy;

  CorsStage(CorsPolicy policy) {
    this.policy = policy;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next) {
    Request request = exchange.request();
    if (CorsPolicy.isPreflight(request)) {
      return CompletableFuture.completedFuture(policy.preflight(request, state));
    }
    Optional<String> allowOrigin = policy.allowedOrigin(request.headers());
    return next.proceed(exchange).thenApply(response -> policy.decorate(allowOrigin, response));
  }

  @Override
  public String toString() {
    return "cors stage of route '" + policy.routeId() + "'";
  }
}
