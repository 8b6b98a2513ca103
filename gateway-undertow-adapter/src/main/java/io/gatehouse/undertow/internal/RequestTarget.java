package io.gatehouse.undertow.internal;

import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Derives the raw (still percent-encoded) request target relative to where the handler is mounted.
 *
 * <p>Undertow decodes {@code getRequestPath()} and {@code getRelativePath()}; only
 * {@code getRequestURI()} keeps the bytes as sent. A prefix handler records what it matched in
 * {@code getResolvedPath()}, decoded. So the raw relative path is the raw URI minus the raw
 * spelling of the resolved prefix, found by decoding the raw URI step by step until it has
 * produced the resolved prefix. When that does not line up at a segment boundary, we refuse to
 * guess: the caller answers 400.
 */
final class RequestTarget {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RequestTarget() {}

  /**
   * The raw path relative to the mount point.
   *
   * @return the path, starting with {@code /}; empty if the raw URI does not line up with the
   *     resolved prefix
   */
  static Optional<String> rawRelativePath(HttpServerExchange exchange) {
    String uri = exchange.getRequestURI();
    if (exchange.isHostIncludedInRequestURI()) {
      uri = stripSchemeAndAuthority(uri);
    }
    Charset charset = urlCharset(exchange);
    String rest = stripPrefix(uri, exchange.getResolvedPath(), charset);
    if (rest == null) {
      return Optional.empty();
    }
    if (rest.isEmpty()) {
      rest = "/";
    }
    if (rest.charAt(0) != '/') {
      return Optional.empty();
    }
    return Optional.of(escapeNonAscii(rest));
  }

  /**
   * The raw query. Undertow does not tell {@code /a?} from {@code /a}: both have the query
   * {@code ""}, which we report as no query.
   *
   * @return the query without {@code ?}, or empty if there is none
   */
  static Optional<String> rawQuery(HttpServerExchange exchange) {
    String q = exchange.getQueryString();
    return q == null || q.isEmpty() ? Optional.empty() : Optional.of(escapeNonAscii(q));
  }

  static String stripSchemeAndAuthority(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri;
    }
    int path = uri.indexOf('/', scheme + 3);
    return path < 0 ? "/" : uri.substring(path);
  }

  /**
   * Removes the raw spelling of {@code decodedPrefix} from the front of {@code raw}.
   *
   * @return what follows the prefix (path parameters of its last segment dropped), or null if
   *     the raw path does not start with the prefix
   */
  static String stripPrefix(String raw, String decodedPrefix, Charset charset) {
    if (decodedPrefix == null || decodedPrefix.isEmpty()) {
      return raw;
    }
    byte[] want = decodedPrefix.getBytes(charset);
    int w = 0;
    int i = 0;
    while (w < want.length) {
      if (i >= raw.length()) {
        return null;
      }
      char c = raw.charAt(i);
      if (c == ';') {
        // Undertow drops ";params" from the decoded path; they belong to the prefix's segment.
        i = endOfSegment(raw, i);
        continue;
      }
      if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
        int decoded = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
        if ((want[w] & 0xFF) == decoded) {
          w++;
          i += 3;
          continue;
        }
        // Undertow keeps some escapes (such as %2F) encoded in the decoded path.
        if (w + 3 <= want.length
            && new String(want, w, 3, StandardCharsets.ISO_8859_1).equalsIgnoreCase(raw.substring(i, i + 3))) {
          w += 3;
          i += 3;
          continue;
        }
        return null;
      }
      if ((want[w] & 0xFF) != (c & 0xFF)) {
        return null;
      }
      w++;
      i++;
    }
    if (i < raw.length() && raw.charAt(i) == ';') {
      i = endOfSegment(raw, i);
    }
    String rest = raw.substring(i);
    if (want[want.length - 1] == '/' && !rest.startsWith("/")) {
      rest = "/" + rest;
    }
    return rest;
  }

  private static int endOfSegment(String raw, int from) {
    int slash = raw.indexOf('/', from);
    return slash < 0 ? raw.length() : slash;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /**
   * Undertow keeps the target's bytes as chars 0-255. Bytes that may not appear unescaped in a
   * URI (only possible with ALLOW_UNESCAPED_CHARACTERS_IN_URL) are percent-encoded, so the
   * gateway always sees an ASCII, percent-encoded target.
   */
  static String escapeNonAscii(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean escape = c <= 0x20 || c >= 0x7F;
      if (escape && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb != null) {
        if (escape) {
          int b = c & 0xFF;
          sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * The path the gateway is mounted at, as {@link io.gatehouse.http.Request#mountPath()} takes it:
   * {@code ""} at the root, else the prefix Undertow resolved (the application's own, such as
   * {@code /gw}) without a trailing slash, percent-encoded where a URI may not carry it raw.
   */
  static String mountPath(HttpServerExchange exchange) {
    String resolved = exchange.getResolvedPath();
    int end = resolved.length();
    while (end > 0 && resolved.charAt(end - 1) == '/') {
      end--;
    }
    if (end == 0 || resolved.charAt(0) != '/') {
      return "";
    }
    byte[] utf8 = resolved.substring(0, end).getBytes(StandardCharsets.UTF_8);
    return escapeNonAscii(new String(utf8, StandardCharsets.ISO_8859_1));
  }

  private static Charset urlCharset(HttpServerExchange exchange) {
    String name = exchange.getConnection().getUndertowOptions().get(UndertowOptions.URL_CHARSET, "UTF-8");
    try {
      return Charset.forName(name);
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
