package io.gatehouse.filter;

import io.gatehouse.http.Response;
import java.util.concurrent.CompletionStage;

/**
 * The rest of a filter chain, after the current filter.
 *
 * <p>{@code return chain.proceed(exchange.withRequest(changed));}
 *
 * @since 0.1
 */
public interface Chain {

  /**
   * Passes the exchange to the next filter, or to the terminal handler after the last one. Call it
   * at most once per filter invocation.
   *
   * @param exchange the exchange to pass on, usually the one received or a derived copy
   * @return the response of the rest of the chain
   * @throws IllegalStateException if called a second time by the same filter invocation
   */
  CompletionStage<Response> proceed(Exchange exchange);
}
