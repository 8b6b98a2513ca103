package io.gatehouse.route;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long a proxied exchange may take as a whole, response body included, and how slowly its
 * response body may trickle. The route's {@code timeout} ends when the response head arrives and
 * the response (idle) timeout resets on every byte, so neither stops an upstream that sends its
 * head at once and then one byte a second; this does.
 *
 * <ul>
 *   <li>{@code total}: from the moment the request reaches the proxy stage until the last byte of
 *       the response body. Before the response head it acts as the route's {@code timeout}
 *       (whichever is shorter wins) and the client gets 504.
 *   <li>{@code minBytesPerSecond} after {@code grace}: the response body's average rate, since its
 *       head, checked every second once {@code grace} has passed.
 * </ul>
 *
 * <p>When either fires mid-body, the client's response is aborted (the connection is cut, never
 * ended as if the body were whole) and the upstream call is cancelled. Streams that must stay
 * open (server-sent events, long polls) opt out with {@link #none()} on their route when the
 * gateway sets a default.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .exchangeDeadline(ExchangeDeadline.of(Duration.ofSeconds(30)).minBodyRate(1024, Duration.ofSeconds(5)))
 *     .route("orders", r -> r.path("/orders/**").upstream(orders).timeout(Duration.ofSeconds(3)))
 *     .route("events", r -> r.path("/events").upstream(events).exchangeDeadline(ExchangeDeadline.none()))
 * }</pre>
 *
 * @since 0.1
 */
public final class ExchangeDeadline {
  private static final ExchangeDeadline NONE = new ExchangeDeadline(Optional.empty(), 0, Duration.ofSeconds(1));

  private final Optional<Duration> total;
  private final long minBytesPerSecond;
  private final Duration grace;

  private ExchangeDeadline(Optional<Duration> total, long minBytesPerSecond, Duration grace) {
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(grace, "grace");
    total.ifPresent(t -> Check.positive("exchangeDeadline total", t));
    Check.atLeast("minBytesPerSecond", minBytesPerSecond, 0);
    Check.positive("grace", grace);
    this.total = total;
    this.minBytesPerSecond = minBytesPerSecond;
    this.grace = grace;
  }

  /**
   * The longest whole exchange, head and body; empty for none.
   *
   * @return the setting
   */
  public Optional<Duration> total() {
    return total;
  }

  /**
   * The slowest average response body rate; 0 for none.
   *
   * @return the setting
   */
  public long minBytesPerSecond() {
    return minBytesPerSecond;
  }

  /**
   * How long after the response head the rate is first checked.
   *
   * @return the setting
   */
  public Duration grace() {
    return grace;
  }

  /**
   * Whether another ExchangeDeadline has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ExchangeDeadline o && total.equals(o.total)
        && minBytesPerSecond == o.minBytesPerSecond
        && grace.equals(o.grace);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(total, minBytesPerSecond, grace);
  }

  /**
   * No deadline and no rate: the body may stream for as long as it likes (the response idle
   * timeout still applies). The default, and a route's opt-out from a gateway default.
   *
   * @return the value
   */
  public static ExchangeDeadline none() {
    return NONE;
  }

  /**
   * A whole-exchange deadline, head and body.
   *
   * @param total greater than zero
   * @return the value, without a rate
   */
  public static ExchangeDeadline of(Duration total) {
    return new ExchangeDeadline(Optional.of(Objects.requireNonNull(total, "total")), 0, Duration.ofSeconds(1));
  }

  /**
   * Adds a minimum response body rate.
   *
   * @param bytesPerSecond the slowest average rate since the response head, at least 0
   * @param grace how long after the head it is first checked, greater than zero
   * @return a changed copy
   */
  public ExchangeDeadline minBodyRate(long bytesPerSecond, Duration grace) {
    return new ExchangeDeadline(total, bytesPerSecond, grace);
  }

  /**
   * Whether this limits anything.
   *
   * @return false for {@link #none()}
   */
  public boolean limits() {
    return total.isPresent() || minBytesPerSecond > 0;
  }

  @Override
  public String toString() {
    return Text.fields(this, "total", total, "minBytesPerSecond", minBytesPerSecond, "grace", grace);
  }
}
