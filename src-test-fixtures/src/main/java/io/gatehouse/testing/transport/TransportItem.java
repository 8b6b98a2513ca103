package io.gatehouse.testing.transport;

import io.gatehouse.Unstable;

/**
 * The items of the {@link TransportConformance} kit, one per behaviour every
 * {@link io.gatehouse.spi.UpstreamTransport} of the gateway must have. A transport that cannot do
 * one names it in {@link TransportFactory#cannot()} with the reason; the kit then reports that
 * item's tests as aborted with the reason, never as silently skipped.
 *
 * <pre>{@code
 * public Map<TransportItem, String> cannot() {
 *   return Map.of(TransportItem.TLS, "speaks plain HTTP/1.1 only; the gateway routes https elsewhere");
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public enum TransportItem {
  /**
   * The upstream gets the method, the raw target (never re-encoded or normalized), the header
   * fields with their names' case, order and repetitions, {@code Host} from the call's origin, and
   * no field but the framing one the body needs: {@code Content-Length} for a known length (and
   * {@code Content-Length: 0} for an empty POST, PUT or PATCH), chunked for an unknown one. Given
   * Host, framing and Connection fields are dropped, so that framing cannot be smuggled.
   */
  REQUEST_PASSED_EXACTLY,
  /**
   * The caller gets the upstream's status and header fields in order with their repetitions
   * (minus the per-hop ones), the body undecoded, its length when Content-Length gave it; interim
   * 1xx responses are dropped; HEAD, 204 and 304 answers have no body and leave the connection
   * usable; a body without framing is read until the upstream closes.
   */
  RESPONSE_PASSED_EXACTLY,
  /**
   * Hostile or broken response framing (conflicting or repeated Content-Length, Content-Length
   * with Transfer-Encoding, bad chunk sizes, bare LF, obs-fold, control bytes, over-long lines or
   * heads, bad status lines, bodies longer than declared, bodies on HEAD, 204 or 304 answers) fails
   * the call with the documented kind, closes that connection, and never reaches the next call.
   */
  HOSTILE_FRAMING,
  /**
   * The stage completes at the response head while the body streams; both bodies stream with
   * back-pressure (a slow reader holds the upstream back, a slow upstream holds the request body
   * back); a response body can be subscribed to once.
   */
  STREAMING,
  /** A 256 MiB request body streams to the upstream byte-exact (SHA-256) under a 128 MiB heap. */
  LARGE_UPLOAD,
  /** A 256 MiB response body streams to the caller byte-exact (SHA-256) under a 128 MiB heap. */
  LARGE_DOWNLOAD,
  /**
   * The call's connect and response timeouts and the pool's acquire timeout end the call with
   * {@code CONNECT_TIMEOUT}, {@code RESPONSE_TIMEOUT} and {@code POOL_EXHAUSTED}; silence after the
   * head fails the body with {@code RESPONSE_TIMEOUT}.
   */
  TIMEOUTS,
  /**
   * The call's body idle timeout, not its response timeout, bounds the pauses of the response body:
   * an event stream that pauses longer than the response timeout arrives whole, each event as it
   * is sent; a body that pauses longer than its idle timeout fails with {@code RESPONSE_TIMEOUT},
   * also when the response timeout is the longer; the head is still bounded by the response
   * timeout when the idle timeout is longer.
   */
  BODY_IDLE_TIMEOUT,
  /**
   * Cancelling the stage (before the head, or mid-upload) or the response body's subscription
   * (mid-download) closes the upstream connection; the next call opens a new one.
   */
  CANCELLATION,
  /**
   * Upstream failures end the call with their kind: refused ({@code CONNECT_REFUSED}), closed or
   * reset before or during the response ({@code CONNECTION_RESET}, never retried on a new
   * connection), not HTTP ({@code PROTOCOL_ERROR}), a request body that fails or breaks its length
   * ({@code REQUEST_BODY_FAILED}).
   */
  UPSTREAM_FAILURES,
  /**
   * Calls to one origin reuse a keep-alive connection, also after request bodies of either framing
   * and answers that arrive before the body was sent.
   */
  CONNECTION_REUSE,
  /**
   * A pooled connection the upstream closed while idle costs the caller nothing; a request lost on
   * a reused connection is sent once more on a new one when its body is empty or in memory, never
   * when it streamed or when part of the response had arrived.
   */
  STALE_CONNECTIONS,
  /** {@code poolStatus()} counts leased, pending and available connections and the maximum. */
  POOL_STATUS,
  /**
   * {@code https} origins: the request and response pass exactly over TLS to an upstream whose
   * certificate the transport was told to trust, the connection is reused, and an upstream whose
   * certificate is not trusted gets no request ({@code CONNECT_REFUSED}).
   */
  TLS
}
