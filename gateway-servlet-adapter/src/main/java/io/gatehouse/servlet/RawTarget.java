package io.gatehouse.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Derives the raw (still percent-encoded) request target relative to where the gateway is
 * mounted, with the rules of the Undertow adapter, so that a target means the same to the gateway
 * on either server.
 *
 * <p>A container decodes and normalizes the path before it maps it to a servlet
 * ({@code getServletPath()} and {@code getPathInfo()} are decoded); only {@code getRequestURI()}
 * keeps the bytes as sent. The raw relative path is the raw URI minus the raw spelling of the
 * decoded mount prefix (context path and, for a path mapping such as {@code /gw/*}, the servlet
 * path), found by decoding the raw URI step by step until it has produced that prefix. Where the
 * container normalized the prefix itself ({@code /x/../gw/a}, {@code //gw/a}), the two do not line
 * up and the adapter refuses to guess: the caller answers 400.
 */
final class RawTarget {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RawTarget() {}

  /**
   * The raw path relative to the mount.
   *
   * @param requestUri the raw request URI, as {@code getRequestURI()} gives it
   * @param decodedPrefix the mount's prefix as the container decoded it, {@code ""} at the root
   * @return the path, starting with {@code /}; empty if the raw URI does not line up with the prefix
   */
  static Optional<String> relativePath(String requestUri, String decodedPrefix) {
    String uri = stripSchemeAndAuthority(requestUri);
    String rest = stripPrefix(uri, decodedPrefix);
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
   * The raw query; {@code /a?} and {@code /a} both have none, as on Undertow.
   *
   * @param queryString {@code getQueryString()}, which containers leave undecoded; may be null
   * @return the query without {@code ?}, or empty
   */
  static Optional<String> rawQuery(String queryString) {
    return queryString == null || queryString.isEmpty() ? Optional.empty() : Optional.of(escapeNonAscii(queryString));
  }

  static String stripSchemeAndAuthority(String uri) {
    if (uri.startsWith("/")) {
      return uri;
    }
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
  static String stripPrefix(String raw, String decodedPrefix) {
    if (decodedPrefix.isEmpty()) {
      return raw;
    }
    byte[] want = decodedPrefix.getBytes(StandardCharsets.UTF_8);
    int w = 0;
    int i = 0;
    while (w < want.length) {
      if (i >= raw.length()) {
        return null;
      }
      char c = raw.charAt(i);
      if (c == ';') {
        // Containers drop ";params" from the decoded path; they belong to the prefix's segment.
        i = endOfSegment(raw, i);
        continue;
      }
      if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
        int decoded = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
        if ((want[w] & 0xFF) != decoded) {
          return null;
        }
        w++;
        i += 3;
        continue;
      }
      if ((want[w] & 0xFF) != (c & 0xFF) || c > 0xFF) {
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
   * Percent-encodes what may not appear raw in a URI (space, controls, non-ASCII), so that the
   * gateway always sees an ASCII target. Chars up to U+00FF are taken as the bytes a container
   * read as ISO-8859-1; above, as UTF-8.
   */
  static String escapeNonAscii(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean escape = c <= 0x20 || c >= 0x7F;
      if (escape && sb == null) {
        sb = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (sb == null) {
        continue;
      }
      if (!escape) {
        sb.append(c);
      } else if (c <= 0xFF) {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
        for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          sb.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        i = end - 1;
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * The mount path as {@code Request.mountPath()} takes it: {@code ""} at the root, else the
   * decoded prefix without a trailing slash, percent-encoded where a URI may not carry it raw.
   */
  static String mountPath(String decodedPrefix) {
    int end = decodedPrefix.length();
    while (end > 0 && decodedPrefix.charAt(end - 1) == '/') {
      end--;
    }
    if (end == 0 || decodedPrefix.charAt(0) != '/') {
      return "";
    }
    return escapeNonAscii(decodedPrefix.substring(0, end));
  }

  /**
   * Percent-decodes a context path as configured (usually a no-op); a malformed escape is kept
   * as it is, so that the raw URI will not line up with it and the request gets 400.
   */
  static String decode(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < path.length() && isHex(path.charAt(i + 1)) && isHex(path.charAt(i + 2))) {
        out.write(Integer.parseInt(path.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
