package io.gatehouse.impl.edge;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.observe.Rejection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One route's IP rules: a client address they refuse gets 403 before any other built-in stage
 * runs. The address is the request state's, resolved once from the request as it arrived, so no
 * filter before this stage can change whom it judges.
 */
final class IpRulesStage implements Stage {
  private final String routeId;
  private final IpFilter filter;

  IpRulesStage(String routeId, IpFilter filter) {
    this.routeId = routeId;
    this.filter = filter;
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next) {
    if (filter.admits(state.clientAddress())) {
      return next.proceed(exchange);
    }
    state.reject(Rejection.IP_DENIED);
    // The detail does not echo the address: a client behind proxies need not learn how it is seen.
    return CompletableFuture.completedFuture(state.problem(403, "Forbidden",
        "requests from this client address are not allowed on this route"));
  }

  @Override
  public String toString() {
    return "ip-rules stage of route '" + routeId + "'";
  }
}
