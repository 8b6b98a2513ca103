package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
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
 * @param upstream where the copies go
 * @param fraction the share of requests copied, above 0, at most 1
 * @param maxBody the largest request body copied, in bytes
 * @since 0.1
 */
public record Mirror(Upstream upstream, double fraction, long maxBody) {

  /**
   * Checks the values.
   *
   * @param upstream where the copies go
   * @param fraction the share of requests copied, above 0, at most 1
   * @param maxBody the largest request body copied, in bytes
   */
  public Mirror {
    Objects.requireNonNull(upstream, "upstream");
    Check.positiveAtMost("mirror fraction", fraction, 1);
    Check.atLeast("mirror maxBody", maxBody, 0);
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
