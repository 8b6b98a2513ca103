package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;

/**
 * How the built-in upstream client keeps its connections: how many, how long a request waits for
 * one, how long one lives, and how host names are resolved. It applies to the gateway's own
 * transport only (not to one given with {@code Gateway.Builder.transport}).
 *
 * <pre>{@code
 * Gateway.builder()
 *     .connectionPool(ConnectionPool.defaults().maxPerOrigin(128).acquireTimeout(Duration.ofMillis(500)))
 * }</pre>
 *
 * <p><b>Behaviour.</b> A request that finds every connection to its origin busy waits up to
 * {@code acquireTimeout} for one, then gets 503 with {@code Retry-After} (rejection
 * {@code POOL_EXHAUSTED}); this wait does not count against the connect timeout, which bounds
 * only opening a new connection. A connection is not reused once it is {@code maxLifetime} old,
 * so a changed DNS record reaches every origin within that time; each new connection resolves
 * its host name afresh, off the I/O threads, on a small resolver pool, bounded by
 * {@code resolveTimeout} (then 504), and a name that failed to resolve fails at once for
 * {@code negativeDnsTtl} (502). A connection idle for {@code validateAfterInactivity} is checked
 * before reuse, one idle for {@code idleTimeout} is closed. A request that fails on a reused
 * connection before any byte of its response arrived (the upstream had closed it) is sent once
 * more on a new connection when its body is empty or held in memory, whatever the route's retry
 * policy.
 *
 * @since 0.1
 */
public final class ConnectionPool {
  private final int maxTotal;
  private final int maxPerOrigin;
  private final Duration acquireTimeout;
  private final Duration maxLifetime;
  private final Duration idleTimeout;
  private final Duration validateAfterInactivity;
  private final Duration resolveTimeout;
  private final Duration negativeDnsTtl;

  // Package-private, not private: UpstreamInvariantsTest pins the check that no setter can trip.
  ConnectionPool(int maxTotal, int maxPerOrigin, Duration acquireTimeout, Duration maxLifetime, Duration idleTimeout,
      Duration validateAfterInactivity, Duration resolveTimeout, Duration negativeDnsTtl) {
    Check.atLeast("maxTotal", maxTotal, 1);
    Check.atLeast("maxPerOrigin", maxPerOrigin, 1);
    if (maxPerOrigin > maxTotal) {
      throw Check.invalid("maxPerOrigin", maxPerOrigin, "<= maxTotal, " + maxTotal);
    }
    Check.positive("acquireTimeout", acquireTimeout);
    Check.positive("maxLifetime", maxLifetime);
    Check.positive("idleTimeout", idleTimeout);
    Check.positive("validateAfterInactivity", validateAfterInactivity);
    Check.positive("resolveTimeout", resolveTimeout);
    Check.positive("negativeDnsTtl", negativeDnsTtl);
    this.maxTotal = maxTotal;
    this.maxPerOrigin = maxPerOrigin;
    this.acquireTimeout = acquireTimeout;
    this.maxLifetime = maxLifetime;
    this.idleTimeout = idleTimeout;
    this.validateAfterInactivity = validateAfterInactivity;
    this.resolveTimeout = resolveTimeout;
    this.negativeDnsTtl = negativeDnsTtl;
  }

  /**
   * The most connections open at once, over all upstreams.
   *
   * @return the setting
   */
  public int maxTotal() {
    return maxTotal;
  }

  /**
   * The most connections open at once to one origin (scheme, host, port).
   *
   * @return the setting
   */
  public int maxPerOrigin() {
    return maxPerOrigin;
  }

  /**
   * How long a request waits for a pooled connection when all are busy.
   *
   * @return the setting
   */
  public Duration acquireTimeout() {
    return acquireTimeout;
  }

  /**
   * How long after it was opened a connection may still be reused.
   *
   * @return the setting
   */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  /**
   * How long a pooled connection may sit unused before it is closed.
   *
   * @return the setting
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * How long a connection may sit unused before it is checked on reuse.
   *
   * @return the setting
   */
  public Duration validateAfterInactivity() {
    return validateAfterInactivity;
  }

  /**
   * How long resolving a host name may take.
   *
   * @return the setting
   */
  public Duration resolveTimeout() {
    return resolveTimeout;
  }

  /**
   * How long a host name that failed to resolve is not tried again.
   *
   * @return the setting
   */
  public Duration negativeDnsTtl() {
    return negativeDnsTtl;
  }

  /**
   * Whether another ConnectionPool has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ConnectionPool o && maxTotal == o.maxTotal
        && maxPerOrigin == o.maxPerOrigin
        && acquireTimeout.equals(o.acquireTimeout)
        && maxLifetime.equals(o.maxLifetime)
        && idleTimeout.equals(o.idleTimeout)
        && validateAfterInactivity.equals(o.validateAfterInactivity)
        && resolveTimeout.equals(o.resolveTimeout)
        && negativeDnsTtl.equals(o.negativeDnsTtl);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(maxTotal, maxPerOrigin, acquireTimeout, maxLifetime, idleTimeout, validateAfterInactivity, resolveTimeout, negativeDnsTtl);
  }

  @Override
  public String toString() {
    return Text.fields(this, "maxTotal", maxTotal, "maxPerOrigin", maxPerOrigin, "acquireTimeout", acquireTimeout, "maxLifetime", maxLifetime, "idleTimeout", idleTimeout, "validateAfterInactivity", validateAfterInactivity, "resolveTimeout", resolveTimeout, "negativeDnsTtl", negativeDnsTtl);
  }

  /**
   * 256 connections in all, 64 per origin; a request waits up to 1 s for a busy pool; connections
   * live 30 s, are closed after 30 s idle and checked after 2 s idle; names resolve within 2 s,
   * and a failed name is not tried again for 2 s.
   *
   * @return the defaults
   */
  public static ConnectionPool defaults() {
    return new ConnectionPool(256, 64, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
        Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  /**
   * Sets the most connections open at once over all upstreams; a smaller per-origin limit follows it down.
   *
   * @param max at least 1
   * @return a changed copy
   */
  public ConnectionPool maxTotal(int max) {
    Check.atLeast("maxTotal", max, 1);
    return new ConnectionPool(max, Math.min(maxPerOrigin, max), acquireTimeout, maxLifetime, idleTimeout,
        validateAfterInactivity, resolveTimeout, negativeDnsTtl);
  }

  /**
   * Sets the most connections open at once to one origin; a smaller total limit follows it up.
   *
   * @param max at least 1
   * @return a changed copy
   */
  public ConnectionPool maxPerOrigin(int max) {
    Check.atLeast("maxPerOrigin", max, 1);
    return new ConnectionPool(Math.max(maxTotal, max), max, acquireTimeout, maxLifetime, idleTimeout,
        validateAfterInactivity, resolveTimeout, negativeDnsTtl);
  }

  /**
   * Sets how long a request waits for a pooled connection when all are busy (then 503).
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public ConnectionPool acquireTimeout(Duration timeout) {
    return new ConnectionPool(maxTotal, maxPerOrigin, timeout, maxLifetime, idleTimeout,
        validateAfterInactivity, resolveTimeout, negativeDnsTtl);
  }

  /**
   * Sets how long after it was opened a connection may still be reused.
   *
   * @param lifetime more than zero
   * @return a changed copy
   */
  public ConnectionPool maxLifetime(Duration lifetime) {
    return new ConnectionPool(maxTotal, maxPerOrigin, acquireTimeout, lifetime, idleTimeout,
        validateAfterInactivity, resolveTimeout, negativeDnsTtl);
  }

  /**
   * Sets how long a pooled connection may sit unused before it is closed.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public ConnectionPool idleTimeout(Duration timeout) {
    return new ConnectionPool(maxTotal, maxPerOrigin, acquireTimeout, maxLifetime, timeout,
        validateAfterInactivity, resolveTimeout, negativeDnsTtl);
  }

  /**
   * Sets how long a connection may sit unused before it is checked on reuse.
   *
   * @param inactivity more than zero
   * @return a changed copy
   */
  public ConnectionPool validateAfterInactivity(Duration inactivity) {
    return new ConnectionPool(maxTotal, maxPerOrigin, acquireTimeout, maxLifetime, idleTimeout,
        inactivity, resolveTimeout, negativeDnsTtl);
  }

  /**
   * Sets how long resolving a host name may take (then 504).
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public ConnectionPool resolveTimeout(Duration timeout) {
    return new ConnectionPool(maxTotal, maxPerOrigin, acquireTimeout, maxLifetime, idleTimeout,
        validateAfterInactivity, timeout, negativeDnsTtl);
  }

  /**
   * Sets how long a host name that failed to resolve is not tried again (calls fail at once, 502).
   *
   * @param ttl more than zero
   * @return a changed copy
   */
  public ConnectionPool negativeDnsTtl(Duration ttl) {
    return new ConnectionPool(maxTotal, maxPerOrigin, acquireTimeout, maxLifetime, idleTimeout,
        validateAfterInactivity, resolveTimeout, ttl);
  }
}
