package io.gatehouse.route;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;

/**
 * How a route carries WebSocket sessions (RFC 6455), for {@code RouteBuilder.webSocket}. Only a
 * route that takes WebSockets forwards an upgrade; elsewhere {@code Upgrade} and
 * {@code Connection} are removed as hop-by-hop fields and the request goes upstream as a plain one.
 *
 * <p>The upgrade request runs the route's whole chain first (IP rules, authentication, rate
 * limits, quotas, concurrency limit, filters), then must be a valid opening handshake ({@code GET},
 * HTTP/1.1, {@code Upgrade: websocket}, {@code Connection: upgrade}, a {@code Sec-WebSocket-Key}
 * of 16 bytes in base64, {@code Sec-WebSocket-Version: 13}); otherwise it gets 400 or 426
 * problem+json. The upstream's {@code 101} is checked ({@code Sec-WebSocket-Accept} must match the
 * key); any other answer passes back as a normal response. Then frames flow both ways as bytes:
 * the gateway reads frame headers only, to hold each side to the protocol (client frames masked,
 * server frames not, no reserved bits, opcodes or fragmented or long control frames) and to the
 * sizes below. A side that breaks a rule gets a close frame with 1002 (or 1009 for a size) and the
 * other side 1001; a session with no frame either way for {@code idleTimeout} gets 1001 on both
 * sides. Extensions ({@code permessage-deflate}) are not offered to the upstream, so that a
 * message's size on the wire is its real size; subprotocols pass through.
 *
 * <pre>{@code
 * .route("chat", r -> r.path("/chat").webSocket(WebSocket.of().idleTimeout(Duration.ofMinutes(2)))
 *     .upstream("http://chat:8080"))
 * }</pre>
 *
 * @since 0.2
 */
public final class WebSocket {
  /** The default idle timeout: long enough for clients that ping every minute or so. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** The default largest frame payload and message, 16 MiB. */
  public static final long DEFAULT_MAX_SIZE = 16L * 1024 * 1024;

  private static final WebSocket DEFAULTS = new WebSocket(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SIZE, DEFAULT_MAX_SIZE);

  private final Duration idleTimeout;
  private final long maxFrameSize;
  private final long maxMessageSize;

  private WebSocket(Duration idleTimeout, long maxFrameSize, long maxMessageSize) {
    this.idleTimeout = idleTimeout;
    this.maxFrameSize = maxFrameSize;
    this.maxMessageSize = maxMessageSize;
  }

  /**
   * The defaults: idle timeout 5 minutes, frames and messages up to 16 MiB.
   *
   * <p>{@code WebSocket.of()}
   *
   * @return the settings
   */
  public static WebSocket of() {
    return DEFAULTS;
  }

  /**
   * A copy with another idle timeout: a session in which no frame passes either way for this long
   * is closed on both sides with 1001.
   *
   * <p>{@code WebSocket.of().idleTimeout(Duration.ofSeconds(90))}
   *
   * @param timeout more than zero
   * @return the copy
   */
  public WebSocket idleTimeout(Duration timeout) {
    return new WebSocket(Check.positive("idleTimeout", Objects.requireNonNull(timeout, "idleTimeout")),
        maxFrameSize, maxMessageSize);
  }

  /**
   * A copy with another largest frame payload, in bytes, for frames either way; a larger frame
   * closes the session (1009 to its sender).
   *
   * <p>{@code WebSocket.of().maxFrameSize(64 * 1024)}
   *
   * @param bytes at least 125 (a control frame's largest payload)
   * @return the copy
   */
  public WebSocket maxFrameSize(long bytes) {
    return new WebSocket(idleTimeout, Check.atLeast("maxFrameSize", bytes, 125L), maxMessageSize);
  }

  /**
   * A copy with another largest message (the payloads of its frames together), in bytes, either
   * way; a larger message closes the session (1009 to its sender).
   *
   * <p>{@code WebSocket.of().maxMessageSize(1024 * 1024)}
   *
   * @param bytes at least 125
   * @return the copy
   */
  public WebSocket maxMessageSize(long bytes) {
    return new WebSocket(idleTimeout, maxFrameSize, Check.atLeast("maxMessageSize", bytes, 125L));
  }

  /**
   * How long a session may pass no frame before it is closed.
   *
   * @return the idle timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * The largest frame payload, in bytes.
   *
   * @return the size
   */
  public long maxFrameSize() {
    return maxFrameSize;
  }

  /**
   * The largest message, in bytes.
   *
   * @return the size
   */
  public long maxMessageSize() {
    return maxMessageSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebSocket w && idleTimeout.equals(w.idleTimeout) && maxFrameSize == w.maxFrameSize
        && maxMessageSize == w.maxMessageSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(idleTimeout, maxFrameSize, maxMessageSize);
  }

  @Override
  public String toString() {
    return Text.fields(this, "idleTimeout", idleTimeout, "maxFrameSize", maxFrameSize, "maxMessageSize", maxMessageSize);
  }
}
