package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.util.Objects;

/**
 * Shadow traffic: a copy of each of a route's requests (or of a fraction of them) goes to another
 * upstream as well. Its response is read and discarded, its failures are logged at debug level
 * and never reach the client, and the client's response never waits for it. A request body is
 * copied only when it is at most {@code maxBody} bytes of known length; larger requests are not
 * mirrored.
 *
 * <pre>{@code
 * r.upstream(orders).mirror(Mirror.to(Upstream.of("http://orders-next:8080")).fraction(0.1))
 * }</pre>
 *
 * @since 0.1
 */
public final class Mirror {
  private final Upstream upstream;
  private final double fraction;
  private final long maxBody;

  private Mirror(Upstream upstream, double fraction, long maxBody) {
    Objects.requireNonNull(upstream, "upstream");
    Check.positiveAtMost("mirror fraction", fraction, 1);
    Check.atLeast("mirror maxBody", maxBody, 0);
    this.upstream = upstream;
    this.fraction = fraction;
    this.maxBody = maxBody;
  }

  /**
   * Where the copies go.
   *
   * @return the setting
   */
  public Upstream upstream() {
    return upstream;
  }

  /**
   * The share of requests copied, above 0, at most 1.
   *
   * @return the setting
   */
  public double fraction() {
    return fraction;
  }

  /**
   * The largest request body copied, in bytes.
   *
   * @return the setting
   */
  public long maxBody() {
    return maxBody;
  }

  /**
   * Whether another Mirror has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Mirror o && upstream.equals(o.upstream)
        && Double.compare(fraction, o.fraction) == 0
        && maxBody == o.maxBody;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(upstream, fraction, maxBody);
  }

  @Override
  public String toString() {
    return Text.fields(this, "upstream", upstream, "fraction", fraction, "maxBody", maxBody);
  }

  /**
   * Copies every request, with bodies up to 64 KiB.
   *
   * @param upstream where the copies go
   * @return the mirror
   */
  public static Mirror to(Upstream upstream) {
    return new Mirror(upstream, 1, 64 * 1024);
  }

  /**
   * Copies only a share of the requests, chosen at random.
   *
   * @param fraction above 0, at most 1
   * @return a changed copy
   */
  public Mirror fraction(double fraction) {
    return new Mirror(upstream, fraction, maxBody);
  }

  /**
   * Sets the largest request body copied.
   *
   * @param bytes at least 0
   * @return a changed copy
   */
  public Mirror maxBody(long bytes) {
    return new Mirror(upstream, fraction, bytes);
  }
}
