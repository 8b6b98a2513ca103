package io.gatehouse.testing;

import java.net.URI;
import java.util.Locale;

/** One spelling per origin, so {@code http://Orders:80/} and {@code http://orders} name the same stub. */
final class Origins {
  private Origins() {}

  static String normalize(String url) {
    URI uri = URI.create(url.trim());
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "origin: '" + url + "' (expected: an absolute URL such as http://orders:8080)");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }
}
