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
 * <p>A header cost must be one field holding a whole number from 1 to {@code max} in ASCII digits,
 * without sign or leading zero; anything else (two fields, {@code 07}, {@code +1}, {@code 1.0},
 * other scripts' digits) gets 400 and costs nothing. A missing header costs 1. {@code build()}
 * refuses a fixed cost, or a header's {@code max}, above the burst of a limit the route passes:
 * such a cost could never be admitted.
 *
 * @since 0.1
 */
public final class RateLimitCost {
  private final long permits;
  private final Optional<String> header;
  private final long max;

  private RateLimitCost(long permits, Optional<String> header, long max) {
    Objects.requireNonNull(header, "header");
    Check.atLeast("permits", permits, 1);
    Check.atLeast("max", max, 1);
    header.ifPresent(h -> {
      if (!HttpHeaders.isValidName(h)) {
        throw new IllegalArgumentException("header: '" + h + "' (expected: a header name)");
      }
    });
    this.permits = permits;
    this.header = header;
    this.max = max;
  }

  /**
   * The fixed cost, when there is no header.
   *
   * @return the setting
   */
  public long permits() {
    return permits;
  }

  /**
   * The header that states the cost.
   *
   * @return the setting
   */
  public Optional<String> header() {
    return header;
  }

  /**
   * The largest cost the header may state.
   *
   * @return the setting
   */
  public long max() {
    return max;
  }

  /**
   * Whether another RateLimitCost has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof RateLimitCost o && permits == o.permits
        && header.equals(o.header)
        && max == o.max;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(permits, header, max);
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
   * @param max the largest cost accepted, at least 1 and at most the burst of every limit the
   *     route passes
   * @return the cost
   */
  public static RateLimitCost fromHeader(String header, long max) {
    return new RateLimitCost(1, Optional.of(Objects.requireNonNull(header, "header")), max);
  }

  @Override
  public String toString() {
    return Text.fields(this, "permits", permits, "header", header, "max", max);
  }
}
