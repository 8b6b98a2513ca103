package io.gatehouse.impl.ingress;

import io.gatehouse.http.HttpHeaders;
import java.util.Locale;
import java.util.Set;

/**
 * The headers that belong to one connection and must not be forwarded (RFC 9110 7.6.1): a fixed
 * set, and every header that {@code Connection} names. Requests are cleaned once at ingress
 * ({@link IngressChecks}, keeping the end-to-end names), before any stage adds its own headers,
 * so a {@code Connection} token can never delete what the gateway sets (identity headers after
 * auth, forwarding headers); upstream responses are cleaned on the way out ({@link #strip}).
 */
public final class HopByHop {
  private static final Set<String> ALWAYS = Set.of(
      "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authorization", "proxy-authenticate", "proxy-connection");

  private HopByHop() {}

  /**
   * Whether any hop-by-hop header is present, so the common case allocates nothing.
   *
   * @return true if one of the fixed set is present
   */
  public static boolean present(HttpHeaders headers) {
    for (String name : ALWAYS) {
      if (headers.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Removes the fixed set and every header that {@code Connection} names (an upstream response).
   *
   * @param headers the headers as received, whose {@code Connection} is read
   * @param into where the headers are removed
   * @return {@code into}
   */
  public static HttpHeaders.Builder strip(HttpHeaders headers, HttpHeaders.Builder into) {
    return strip(headers, into, Set.of());
  }

  /**
   * Removes the fixed set and every header that {@code Connection} names, except the names in
   * {@code kept}: a token naming one of them is ignored, since the gateway relies on that header
   * end to end (a request's {@code Authorization}, {@code Host}, {@code Content-Length}, ...).
   *
   * @param headers the headers as received, whose {@code Connection} is read
   * @param into where the headers are removed
   * @param kept lower-case names that a {@code Connection} token cannot remove
   * @return {@code into}
   */
  static HttpHeaders.Builder strip(HttpHeaders headers, HttpHeaders.Builder into, Set<String> kept) {
    for (String value : headers.all("Connection")) {
      int start = 0;
      while (start <= value.length()) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        String name = trimOws(value, start, end);
        if (!name.isEmpty() && !kept.contains(name.toLowerCase(Locale.ROOT))) {
          into.remove(name);
        }
        start = end + 1;
      }
    }
    for (String name : ALWAYS) {
      into.remove(name);
    }
    return into;
  }

  /** RFC 9110 OWS is space and HTAB only; {@code String.trim()} would also drop control bytes. */
  private static String trimOws(String s, int from, int to) {
    while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
      to--;
    }
    return s.substring(from, to);
  }
}
