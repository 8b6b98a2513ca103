package io.gatehouse.ratelimit;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.util.Objects;
import java.util.Optional;

/**
 * How many permits a route's requests take from every rate limit they pass (the gateway's and the
 * route's): a fixed number for an expensive route, or a number the request states in a header.
 *
 * <pre>{@code
 * r.rateLimitCost(RateLimitCost.of(10))                        // a report costs ten searches
 * r.rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", 100)) // 1 to 100, from the request
 * }</pre>
 *
 * <p>A header cost that is not a whole number from 1 to {@code max} gets 400; a missing header
 * costs 1. A cost above a limit's burst can never be admitted and gets 429.
 *
 * @param permits the fixed cost, when there is no header
 * @param header the header that states the cost
 * @param max the largest cost the header may state
 * @since 0.1
 */
public record RateLimitCost(long permits, Optional<String> header, long max) {

  /**
   * Checks the values.
   *
   * @param permits the fixed cost, when there is no header
   * @param header the header that states the cost
   * @param max the largest cost the header may state
   */
  public RateLimitCost {
    Objects.requireNonNull(header, "header");
    Check.atLeast("permits", permits, 1);
    Check.atLeast("max", max, 1);
    header.ifPresent(h -> {
      if (!HttpHeaders.isValidName(h)) {
        throw new IllegalArgumentException("header: '" + h + "' (expected: a header name)");
      }
    });
  }

  /**
   * A fixed cost.
   *
   * @param permits at least 1
   * @return the cost
   */
  public static RateLimitCost of(long permits) {
    return new RateLimitCost(permits, Optional.empty(), permits);
  }

  /**
   * A cost the request states in a header; 1 when the header is absent.
   *
   * @param header the header name
   * @param max the largest cost accepted, at least 1
   * @return the cost
   */
  public static RateLimitCost fromHeader(String header, long max) {
    return new RateLimitCost(1, Optional.of(Objects.requireNonNull(header, "header")), max);
  }

  @Override
  public String toString() {
    return Text.record(this);
  }
}
