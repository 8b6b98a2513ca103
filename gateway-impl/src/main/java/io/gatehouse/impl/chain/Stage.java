package io.gatehouse.impl.chain;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Response;
import java.util.concurrent.CompletionStage;

/**
 * One step of a route's chain. A built-in stage (auth, rate limits, quotas, concurrency) reads
 * and writes the request's {@link RequestState}, which the chain hands it beside the exchange, so
 * it works whatever {@link Exchange} the filter before it passed on; a user's {@link Filter} sees
 * the exchange only ({@link #of}).
 */
public interface Stage {

  /**
   * Handles the exchange: short-circuits with a response, or passes it on with
   * {@code next.proceed}.
   *
   * @param exchange the exchange the previous step passed on
   * @param state the request's state
   * @param next the rest of the chain
   */
  CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain next);

  /** A user's filter as a stage. */
  static Stage of(Filter filter) {
    return (exchange, state, next) -> filter.filter(exchange, next);
  }
}
