package io.gatehouse.spi;

import io.gatehouse.Unstable;
import io.gatehouse.http.Response;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Sends requests to upstreams. The gateway's own transport is a non-blocking HTTP client with a
 * keep-alive pool; the test fixtures replace it with in-memory stubs.
 *
 * <p>{@code Gateway.builder().transport(call -> CompletableFuture.completedFuture(Response.of(204)))}
 *
 * <p>Contract: {@link #send} must not block. The returned stage completes with the upstream's
 * response as soon as its headers arrive (the body streams), or exceptionally with an
 * {@link UpstreamException}. Cancelling the stage's {@code toCompletableFuture()} aborts the call
 * and releases its connection. It may complete on any thread.
 *
 * @since 0.1
 */
@Unstable
@FunctionalInterface
public interface UpstreamTransport extends AutoCloseable {

  /**
   * Starts one call.
   *
   * @param call what to send, and where
   * @return the response, once its headers have arrived
   */
  CompletionStage<Response> send(UpstreamCall call);

  /**
   * The state of the transport's connection pool, for metrics. The default, for transports
   * without a pool (stubs), is empty.
   *
   * @return the pool's state now
   */
  default Optional<ConnectionPoolStatus> poolStatus() {
    return Optional.empty();
  }

  /** Releases the transport's threads and connections. The default does nothing. */
  @Override
  default void close() {}
}
