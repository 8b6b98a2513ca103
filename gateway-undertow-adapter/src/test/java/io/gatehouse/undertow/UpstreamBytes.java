package io.gatehouse.undertow;

import io.gatehouse.testing.raw.RawHttp;
/**
 * The exact bytes an upstream receives for a body-less request the gateway forwards from
 * {@link RawHttp} (peer 127.0.0.1, {@code Host: gw}), and how to compare them: the request id and
 * the trace context are random per request, so both sides have them replaced by placeholders.
 * One place to change when the gateway's forwarding headers change.
 */
final class UpstreamBytes {
  private UpstreamBytes() {}

  /**
   * What {@code upstreamUrl} receives for {@code method target} sent through {@code mount},
   * optionally with {@code Content-Length: 0}.
   */
  static String forwarded(Mount mount, String upstreamUrl, String method, String target, boolean emptyBody) {
    return method + " " + target + " HTTP/1.1\r\n"
        + "Host: " + upstreamUrl.substring("http://".length()) + "\r\n"
        + "X-Forwarded-For: 127.0.0.1\r\n"
        + "X-Forwarded-Proto: http\r\n"
        + "X-Forwarded-Host: gw\r\n"
        + (mount.prefix().isEmpty() ? "" : "X-Forwarded-Prefix: " + mount.prefix() + "\r\n")
        + "Forwarded: for=127.0.0.1;proto=http;host=gw\r\n"
        + "X-Request-Id: {id}\r\n"
        + "traceparent: {trace}\r\n"
        + (emptyBody ? "Content-Length: 0\r\n" : "")
        + "\r\n";
  }

  /** The received bytes with the random request id and trace context replaced by placeholders. */
  static String comparable(String received) {
    return received.replaceAll("\r\nX-Request-Id: [0-9a-f]{32}\r\n", "\r\nX-Request-Id: {id}\r\n")
        .replaceAll("\r\ntraceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\r\n", "\r\ntraceparent: {trace}\r\n");
  }
}
