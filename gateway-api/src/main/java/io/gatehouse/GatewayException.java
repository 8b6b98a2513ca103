package io.gatehouse;

/**
 * The root of every exception Gatehouse throws.
 *
 * <p>Rejections on the request path (401, 429, 503, ...) are responses, not exceptions; this
 * hierarchy is for misuse and misconfiguration. {@code try { ... } catch (GatewayException e) { ... }}
 *
 * @since 0.1
 */
public class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, in the project's message grammar
   */
  public GatewayException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, in the project's message grammar
   * @param cause the underlying failure
   */
  public GatewayException(String message, Throwable cause) {
    super(message, cause);
  }
}
