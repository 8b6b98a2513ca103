package io.gatehouse.impl.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link HttpClientTransport} sizes its connection pool and its I/O threads.
 *
 * <pre>{@code
 * HttpClientTransport transport = HttpClientTransport.create(
 *     TransportSettings.defaults().withMaxConnectionsPerOrigin(32).withIoThreads(2));
 * }</pre>
 *
 * @param maxConnectionsTotal the most connections open at once, over all upstreams
 * @param maxConnectionsPerOrigin the most connections open at once to one origin (scheme, host, port)
 * @param idleEviction how long a pooled connection may sit unused before it is closed
 * @param connectionTimeToLive how long a connection may be reused after it was opened
 * @param ioThreads how many I/O threads the transport starts
 * @since 0.1
 */
public record TransportSettings(
    int maxConnectionsTotal,
    int maxConnectionsPerOrigin,
    Duration idleEviction,
    Duration connectionTimeToLive,
    int ioThreads) {

  /** Checks every value; the messages name the field, the value and what was expected. */
  public TransportSettings {
    Objects.requireNonNull(idleEviction, "idleEviction");
    Objects.requireNonNull(connectionTimeToLive, "connectionTimeToLive");
    if (maxConnectionsTotal < 1) {
      throw new IllegalArgumentException(
          "maxConnectionsTotal: " + maxConnectionsTotal + " (expected: > 0)");
    }
    if (maxConnectionsPerOrigin < 1 || maxConnectionsPerOrigin > maxConnectionsTotal) {
      throw new IllegalArgumentException("maxConnectionsPerOrigin: " + maxConnectionsPerOrigin
          + " (expected: 1 to maxConnectionsTotal, " + maxConnectionsTotal + ")");
    }
    if (idleEviction.isNegative() || idleEviction.isZero()) {
      throw new IllegalArgumentException("idleEviction: " + idleEviction + " (expected: > 0)");
    }
    if (connectionTimeToLive.isNegative() || connectionTimeToLive.isZero()) {
      throw new IllegalArgumentException(
          "connectionTimeToLive: " + connectionTimeToLive + " (expected: > 0)");
    }
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: > 0)");
    }
  }

  /**
   * 256 connections in all, 64 per origin, idle connections closed after 30 seconds, none reused
   * after 5 minutes, and one I/O thread per available processor.
   *
   * @return the default settings
   */
  public static TransportSettings defaults() {
    return new TransportSettings(256, 64, Duration.ofSeconds(30), Duration.ofMinutes(5),
        Runtime.getRuntime().availableProcessors());
  }

  /**
   * A copy with another total connection limit.
   *
   * @param maxConnectionsTotal the most connections open at once, over all upstreams
   * @return the changed settings
   */
  public TransportSettings withMaxConnectionsTotal(int maxConnectionsTotal) {
    return new TransportSettings(maxConnectionsTotal, maxConnectionsPerOrigin, idleEviction,
        connectionTimeToLive, ioThreads);
  }

  /**
   * A copy with another per-origin connection limit.
   *
   * @param maxConnectionsPerOrigin the most connections open at once to one origin
   * @return the changed settings
   */
  public TransportSettings withMaxConnectionsPerOrigin(int maxConnectionsPerOrigin) {
    return new TransportSettings(maxConnectionsTotal, maxConnectionsPerOrigin, idleEviction,
        connectionTimeToLive, ioThreads);
  }

  /**
   * A copy with another idle eviction time.
   *
   * @param idleEviction how long a pooled connection may sit unused
   * @return the changed settings
   */
  public TransportSettings withIdleEviction(Duration idleEviction) {
    return new TransportSettings(maxConnectionsTotal, maxConnectionsPerOrigin, idleEviction,
        connectionTimeToLive, ioThreads);
  }

  /**
   * A copy with another connection time-to-live.
   *
   * @param connectionTimeToLive how long a connection may be reused after it was opened
   * @return the changed settings
   */
  public TransportSettings withConnectionTimeToLive(Duration connectionTimeToLive) {
    return new TransportSettings(maxConnectionsTotal, maxConnectionsPerOrigin, idleEviction,
        connectionTimeToLive, ioThreads);
  }

  /**
   * A copy with another I/O thread count.
   *
   * @param ioThreads how many I/O threads the transport starts
   * @return the changed settings
   */
  public TransportSettings withIoThreads(int ioThreads) {
    return new TransportSettings(maxConnectionsTotal, maxConnectionsPerOrigin, idleEviction,
        connectionTimeToLive, ioThreads);
  }
}
