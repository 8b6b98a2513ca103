package io.gatehouse.ratelimit;

import io.gatehouse.filter.Exchange;
import java.util.Optional;

/**
 * What a custom rate limit counts by: requests with the same key share one budget.
 *
 * <p>{@code RateLimitKey tenant = exchange -> exchange.request().headers().first("X-Tenant");}
 *
 * <p>Runs on the request's thread, which may be an I/O thread, after authentication (so
 * {@code exchange.principal()} is set): keep it quick and non-blocking. If it throws, the request
 * gets 500.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface RateLimitKey {

  /**
   * The key of a request.
   *
   * @param exchange the request and what the gateway knows of it
   * @return the key, or empty when the limit does not apply to this request
   */
  Optional<String> of(Exchange exchange);
}
