package io.gatehouse.undertow.internal;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body's framing, accepted only when it is exact (RFC 9112 §6): one
 * {@code Transfer-Encoding} whose only coding is {@code chunked} in an HTTP/1.1 request, or one
 * {@code Content-Length} of 1 to 18 digits, never both. Anything else is a framing the gateway
 * and the servers behind it might read differently (the root of request smuggling), so the
 * request is refused and its connection closed. An HTTP/2 request is also refused when it carries a
 * connection-specific field (RFC 9113 §8.2.2: {@code Connection}, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code Transfer-Encoding}, {@code Upgrade}, or a {@code TE} other than
 * {@code trailers}): such a request is malformed, and once downgraded to HTTP/1.1 for an upstream
 * these are the fields that change how the message is framed or the connection used.
 *
 * <pre>{@code
 * RequestFraming framing = RequestFraming.of(exchange);
 * if (framing.refusal() != null) { ... 400, close ... }
 * }</pre>
 */
record RequestFraming(long contentLength, boolean chunked, String refusal) {
  /** A body of unknown length: chunked, or HTTP/2 DATA frames. */
  static final long UNKNOWN = -1;
  private static final int MAX_DIGITS = 18;
  private static final HttpString HTTP2_SETTINGS = new HttpString("HTTP2-Settings");
  private static final List<HttpString> HTTP2_CONNECTION_SPECIFIC = List.of(Headers.CONNECTION, Headers.KEEP_ALIVE,
      new HttpString("Proxy-Connection"), Headers.TRANSFER_ENCODING, Headers.UPGRADE);

  static RequestFraming of(HttpServerExchange exchange) {
    // Not the request of an h2c upgrade (it carries HTTP2-Settings): read as HTTP/1.1, answered over
    // HTTP/2, its Connection and Upgrade fields were its own. (A client that adds HTTP2-Settings to an
    // HTTP/2 request only skips this check: ingress removes these fields as hop-by-hop anyway.)
    if (exchange.getProtocol().equals(Protocols.HTTP_2_0) && !exchange.getRequestHeaders().contains(HTTP2_SETTINGS)) {
      String malformed = connectionSpecific(exchange.getRequestHeaders());
      if (malformed != null) {
        return refused("The HTTP/2 request carries the connection-specific field " + malformed + ".");
      }
    }
    HeaderValues te = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
    HeaderValues cl = exchange.getRequestHeaders().get(Headers.CONTENT_LENGTH);
    boolean hasTe = te != null && !te.isEmpty();
    boolean hasCl = cl != null && !cl.isEmpty();
    if (hasTe && hasCl) {
      return refused("The request has both Transfer-Encoding and Content-Length.");
    }
    if (hasTe) {
      if (!exchange.getProtocol().equals(Protocols.HTTP_1_1)) {
        return refused("Transfer-Encoding is not allowed in an " + exchange.getProtocol() + " request.");
      }
      List<String> codings = new ArrayList<>();
      for (String value : te) {
        for (String coding : value.split(",", -1)) {
          codings.add(trimOws(coding));
        }
      }
      if (codings.size() != 1 || !codings.get(0).equalsIgnoreCase("chunked")) {
        return refused("The request's Transfer-Encoding is not exactly chunked.");
      }
      return new RequestFraming(UNKNOWN, true, null);
    }
    if (hasCl) {
      String v = trimOws(cl.getFirst());
      if (cl.size() > 1 || v.isEmpty() || v.length() > MAX_DIGITS || !digits(v)) {
        return refused("The Content-Length header is not a valid length.");
      }
      return new RequestFraming(Long.parseLong(v), false, null);
    }
    return new RequestFraming(UNKNOWN, false, null);
  }

  /** The first connection-specific field of an HTTP/2 request, or null. */
  private static String connectionSpecific(HeaderMap headers) {
    for (HttpString name : HTTP2_CONNECTION_SPECIFIC) {
      if (headers.contains(name)) {
        return name.toString();
      }
    }
    HeaderValues te = headers.get(Headers.TE);
    if (te != null) {
      for (String value : te) {
        if (!trimOws(value).equalsIgnoreCase("trailers")) {
          return "TE (other than trailers)";
        }
      }
    }
    return null;
  }

  private static RequestFraming refused(String why) {
    return new RequestFraming(UNKNOWN, false, why);
  }

  private static boolean digits(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Strips optional whitespace (SP and HTAB only, RFC 9110 §5.6.3). */
  private static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }
}
