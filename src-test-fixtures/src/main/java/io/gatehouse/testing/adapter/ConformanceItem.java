package io.gatehouse.testing.adapter;

import io.gatehouse.Unstable;

/**
 * The items of the {@link AdapterConformance} kit, one per behaviour every mount of every adapter
 * must have. A mount that cannot do one names it in {@link AdapterMount#cannot()} with the reason;
 * the kit then reports that item's tests as aborted with the reason, never as silently skipped.
 *
 * <pre>{@code
 * public Map<ConformanceItem, String> cannot() {
 *   return Map.of(ConformanceItem.STOP_REFUSAL_IS_A_PROBLEM,
 *       "mounted in the application's own server, whose shutdown handler answers a plain 503");
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public enum ConformanceItem {
  /** Methods, the raw path, the raw query and every header field reach the upstream exactly. */
  REQUEST_PASSED_EXACTLY,
  /** A field value's inner runs of spaces and tabs reach the upstream as sent. */
  FIELD_VALUE_WHITESPACE_KEPT,
  /**
   * Hop-by-hop fields (fixed ones and those the {@code Connection} field names) are dropped both
   * ways; the gateway's forwarded fields replace the client's.
   */
  HOP_BY_HOP_AND_FORWARDED,
  /**
   * The path bypass table (dot segments, encoded slash and backslash, {@code %00}, double slashes,
   * {@code ;} parameters) gives the same status and upstream path as on every other mount; a row
   * the server answers itself ({@link AdapterMount#answeredByTheServer()}) gets the server's status
   * and reaches no upstream.
   */
  PATH_BYPASS_TABLE,
  /** A 256 MiB request body streams to the upstream byte-exact under a 128 MiB heap. */
  LARGE_UPLOAD,
  /** A 256 MiB response body streams to the client byte-exact under a 128 MiB heap. */
  LARGE_DOWNLOAD,
  /** A client that reads slowly holds the upstream back: the bytes in between stay bounded. */
  SLOW_CLIENT_BOUNDED,
  /** A client that leaves mid-upload has the upstream call cancelled. */
  DISCONNECT_MID_UPLOAD,
  /** A client that leaves mid-download has the upstream call cancelled. */
  DISCONNECT_MID_DOWNLOAD,
  /** HEAD, 204 and 304 answers carry no body and leave the connection usable; no 1xx but 100. */
  BODILESS_FRAMING,
  /** {@code Expect: 100-continue} gets {@code 100 Continue} before the body is read, and no more. */
  EXPECT_CONTINUE,
  /**
   * The answers the adapter makes itself (framing refused, the gateway's response failing) are
   * RFC 9457 problem+json with the RFC 9110 title and the request's id.
   */
  OWN_PROBLEMS,
  /**
   * A swap leaves requests in flight on the old gateway and sends new ones to the new one; a swap
   * rolled back (A, B, A again, B closed) leaves A serving.
   */
  SWAP_IN_FLIGHT,
  /**
   * A graceful stop lets requests in flight finish whole and keeps new ones from the gateway.
   */
  GRACEFUL_STOP,
  /**
   * A request refused during a graceful stop gets 503 problem+json with {@code Connection: close}.
   */
  STOP_REFUSAL_IS_A_PROBLEM
}
