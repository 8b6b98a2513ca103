package io.gatehouse.impl.upstream;

import io.gatehouse.impl.net.IpLiteral;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one check of a URL the gateway calls: upstream targets (at build() when declared, at run time
 * when discovered) and the auth stage's JWKS and introspection endpoints.
 */
public final class HttpUrls {
  /** What a valid target URL looks like, for messages. */
  public static final String TARGET_EXPECTED =
      "(expected: an absolute http or https URL such as http://orders:8080, without query, fragment or user info)";

  private HttpUrls() {}

  /**
   * What is wrong with an upstream target's URL: it may have a base path, but no query.
   *
   * @param url the URL
   * @return the problem, such as {@code has no host}; empty when it is valid
   */
  public static Optional<String> targetProblem(String url) {
    return problem(url, false);
  }

  /**
   * What is wrong with the URL of an endpoint the gateway calls by itself (a JWKS or an
   * introspection endpoint): as for a target, but a query is allowed.
   *
   * @param url the URL
   * @return the problem; empty when it is valid
   */
  public static Optional<String> endpointProblem(String url) {
    return problem(url, true);
  }

  /**
   * An IP literal host must be canonical ({@link IpLiteral}): the JDK reads {@code 010.0.0.1} as
   * 10.0.0.1 and would connect there, and {@code [fe80::1%25eth0]} names a zone.
   */
  private static Optional<String> literalHostProblem(String host) {
    boolean v6 = host.startsWith("[");
    boolean v4ish = !v6 && host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    if (!v6 && !v4ish) {
      return Optional.empty();
    }
    String text = v6 ? host.substring(1, host.length() - 1) : host;
    try {
      IpLiteral.parse(text);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("has host '" + host + "', an IP literal that " + e.getMessage());
    }
  }

  private static Optional<String> problem(String url, boolean queryAllowed) {
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
    Optional<String> literal = literalHostProblem(uri.getHost());
    if (literal.isPresent()) {
      return literal;
    }
    if (!queryAllowed && (uri.getRawQuery() != null || uri.getRawFragment() != null)) {
      return Optional.of("has a query or fragment");
    }
    if (uri.getRawFragment() != null) {
      return Optional.of("has a fragment");
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
