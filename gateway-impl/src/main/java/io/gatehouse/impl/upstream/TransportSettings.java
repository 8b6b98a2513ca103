package io.gatehouse.impl.upstream;

import io.gatehouse.upstream.ConnectionPool;
import java.util.Objects;

/**
 * How an {@link HttpClientTransport} keeps its connections (see {@link ConnectionPool} for what
 * each setting does) and how many I/O threads it runs.
 *
 * <pre>{@code
 * HttpClientTransport transport = HttpClientTransport.create(
 *     TransportSettings.of(ConnectionPool.defaults().maxPerOrigin(32)).withIoThreads(2));
 * }</pre>
 *
 * @param pool the connection pool's sizes and times, and how host names resolve
 * @param ioThreads how many I/O threads the transport starts
 * @since 0.1
 */
public record TransportSettings(ConnectionPool pool, int ioThreads) {

  /**
   * Checks every value; the messages name the field, the value and what was expected.
   *
   * @param pool the connection pool's sizes and times, and how host names resolve
   * @param ioThreads how many I/O threads the transport starts, at least one
   */
  public TransportSettings {
    Objects.requireNonNull(pool, "pool");
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: > 0)");
    }
  }

  /**
   * The {@linkplain ConnectionPool#defaults() default pool} and one I/O thread per available processor.
   */
  public static TransportSettings defaults() {
    return of(ConnectionPool.defaults());
  }

  /**
   * The given pool and one I/O thread per available processor.
   *
   * @param pool the pool settings
   */
  public static TransportSettings of(ConnectionPool pool) {
    return new TransportSettings(pool, Runtime.getRuntime().availableProcessors());
  }

  /**
   * A copy with another pool.
   *
   * @param pool the pool settings
   */
  public TransportSettings withPool(ConnectionPool pool) {
    return new TransportSettings(pool, ioThreads);
  }

  /**
   * A copy with another per-origin connection limit.
   *
   * @param maxConnectionsPerOrigin the most connections open at once to one origin
   */
  public TransportSettings withMaxConnectionsPerOrigin(int maxConnectionsPerOrigin) {
    return new TransportSettings(pool.maxPerOrigin(maxConnectionsPerOrigin), ioThreads);
  }

  /**
   * A copy with another I/O thread count.
   *
   * @param ioThreads how many I/O threads the transport starts
   */
  public TransportSettings withIoThreads(int ioThreads) {
    return new TransportSettings(pool, ioThreads);
  }
}
