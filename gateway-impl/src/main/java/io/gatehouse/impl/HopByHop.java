package io.gatehouse.impl;

import io.gatehouse.http.HttpHeaders;
import java.util.Set;

/** Removes the headers that belong to one connection and must not be forwarded (RFC 9110 7.6.1). */
final class HopByHop {
  private static final Set<String> ALWAYS = Set.of(
      "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authorization", "proxy-authenticate", "proxy-connection");

  private HopByHop() {}

  /** Whether any hop-by-hop header is present, so the common case allocates nothing. */
  static boolean present(HttpHeaders headers) {
    for (String name : ALWAYS) {
      if (headers.contains(name)) {
        return true;
      }
    }
    return false;
  }

  /** Removes the fixed hop-by-hop set and every header that {@code Connection} names. */
  static HttpHeaders.Builder strip(HttpHeaders headers, HttpHeaders.Builder into) {
    for (String value : headers.all("Connection")) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()) {
          into.remove(name);
        }
      }
    }
    for (String name : ALWAYS) {
      into.remove(name);
    }
    return into;
  }
}
