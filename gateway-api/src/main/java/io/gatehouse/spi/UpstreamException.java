package io.gatehouse.spi;

import io.gatehouse.GatewayException;
import io.gatehouse.Unstable;
import java.util.Objects;

/**
 * Why a call to an upstream failed. The gateway answers {@link Kind#CONNECT_TIMEOUT} and
 * {@link Kind#RESPONSE_TIMEOUT} with 504, {@link Kind#POOL_EXHAUSTED} with 503 and
 * {@code Retry-After}, and every other kind with 502.
 *
 * <p>{@code future.completeExceptionally(new UpstreamException(Kind.CONNECT_REFUSED, "orders:8080 refused"));}
 *
 * @since 0.1
 */
@Unstable
public final class UpstreamException extends GatewayException {
  private static final long serialVersionUID = 1L;

  /** What failed. */
  private final Kind kind;

  /**
   * Creates the exception.
   *
   * @param kind what failed
   * @param message a description; it may reach logs, never the client
   */
  public UpstreamException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * Creates the exception with a cause.
   *
   * @param kind what failed
   * @param message a description; it may reach logs, never the client
   * @param cause the underlying failure
   */
  public UpstreamException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * What failed.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /** The kinds of upstream failure. */
  public enum Kind {
    /** The upstream refused the connection, or its name did not resolve. */
    CONNECT_REFUSED,
    /** Opening the connection took longer than the connect timeout. */
    CONNECT_TIMEOUT,
    /** The upstream stayed silent longer than the response timeout. */
    RESPONSE_TIMEOUT,
    /** The connection was reset or closed before a whole response arrived. */
    CONNECTION_RESET,
    /** The upstream's response was not valid HTTP. */
    PROTOCOL_ERROR,
    /** Reading the client's request body failed while it was being sent upstream. */
    REQUEST_BODY_FAILED,
    /**
     * Every connection to the origin stayed busy for the pool's acquire timeout; nothing was sent.
     *
     * @since 0.1
     */
    POOL_EXHAUSTED
  }
}
