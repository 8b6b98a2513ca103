package io.gatehouse.impl.pool;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** The one check of a target URL, used by build() for declared targets and at run time for discovered ones. */
public final class TargetUrls {
  /** What a valid URL looks like, for messages. */
  public static final String EXPECTED =
      "(expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)";

  private TargetUrls() {}

  /**
   * What is wrong with a target URL.
   *
   * @param url the URL
   * @return the problem, such as {@code has no host}; empty when it is valid
   */
  public static Optional<String> problem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is malformed: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("has scheme '" + (uri.getScheme() == null ? "" : uri.getScheme()) + "'");
    }
    if (uri.getHost() == null) {
      return Optional.of("has no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return Optional.of("has a query or fragment");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("has user info");
    }
    if (uri.getPort() > 65535) {
      return Optional.of("has port " + uri.getPort());
    }
    return Optional.empty();
  }
}
