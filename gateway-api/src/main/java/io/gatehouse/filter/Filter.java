package io.gatehouse.filter;

import io.gatehouse.http.Response;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one extension point of the request path: a function over the rest of the chain.
 *
 * <p>A filter may change the request on its way in ({@code chain.proceed(exchange.withRequest(...))}),
 * change the response on its way out ({@code .thenApply(...)}), or short-circuit by returning a
 * response without calling {@link Chain#proceed}. It must call {@code proceed} at most once, and
 * must not return null or a stage that completes with null: the chain fails loudly, naming the
 * filter, when it does.
 *
 * <pre>{@code
 * Filter tag = (exchange, chain) -> chain.proceed(exchange)
 *     .thenApply(res -> res.toBuilder().header("X-Served-By", "gatehouse").build());
 * }</pre>
 *
 * <p>Global filters run after routing and before authentication; route filters run after rate
 * limiting and before the circuit breaker (see {@link io.gatehouse.Gateway} for the whole order).
 * Within each slot, filters run in the order they were added.
 *
 * <p>Threading: {@code filter} is called on the thread that completed the previous step, often a
 * server or client I/O thread. It must not block; hand blocking work to your own executor.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Filter {

  /**
   * Handles one exchange.
   *
   * @param exchange the request and its context
   * @param chain the rest of the chain
   * @return the response, never null
   */
  CompletionStage<Response> filter(Exchange exchange, Chain chain);

  /**
   * A filter that answers with a fixed response and never calls the rest of the chain.
   *
   * @param response what to answer
   * @return the filter
   */
  static Filter respond(Response response) {
    Objects.requireNonNull(response, "response");
    return (exchange, chain) -> CompletableFuture.completedFuture(response);
  }
}
