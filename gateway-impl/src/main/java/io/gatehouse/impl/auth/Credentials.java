package io.gatehouse.impl.auth;

import io.gatehouse.http.Request;
import io.gatehouse.impl.routing.Cookies;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/** Reads credentials out of requests. */
final class Credentials {
  private Credentials() {}

  /**
   * The credentials after {@code scheme } in the only Authorization header. Several Authorization
   * headers are treated as none: which one counts would be a guess.
   */
  static Optional<String> authorization(Request request, String scheme) {
    List<String> values = request.headers().all("Authorization");
    if (values.size() != 1) {
      return Optional.empty();
    }
    String value = values.get(0).trim();
    if (value.length() <= scheme.length() || !value.regionMatches(true, 0, scheme, 0, scheme.length())
        || value.charAt(scheme.length()) != ' ') {
      return Optional.empty();
    }
    String credentials = value.substring(scheme.length() + 1).trim();
    return credentials.isEmpty() ? Optional.empty() : Optional.of(credentials);
  }

  /** A bearer token from the Authorization header, else from the cookie when one is named. */
  static Optional<String> bearer(Request request, Optional<String> cookie) {
    Optional<String> header = authorization(request, "Bearer");
    if (header.isPresent() || cookie.isEmpty()) {
      return header;
    }
    List<String> values = Cookies.parse(request.headers().all("Cookie")).getOrDefault(cookie.get(), List.of());
    return values.size() == 1 && !values.get(0).isEmpty() ? Optional.of(values.get(0)) : Optional.empty();
  }

  /**
   * The values of every {@code access_token} query parameter (RFC 6750 section 2.3), empty ones
   * too. The name is compared after percent-decoding and without regard to case, so
   * {@code access%5Ftoken} and {@code ACCESS_TOKEN} count: an upstream may read them so.
   */
  static List<String> queryTokens(Request request) {
    String query = request.rawQuery().orElse("");
    if (query.isEmpty()) {
      return List.of();
    }
    List<String> tokens = new ArrayList<>(1);
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (isAccessToken(eq < 0 ? pair : pair.substring(0, eq))) {
        tokens.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return tokens;
  }

  /** The request without its {@code access_token} query parameters, so they never reach the upstream. */
  static Request withoutQueryTokens(Request request) {
    String query = request.rawQuery().orElse("");
    StringJoiner kept = new StringJoiner("&");
    boolean removed = false;
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      if (isAccessToken(eq < 0 ? pair : pair.substring(0, eq))) {
        removed = true;
      } else {
        kept.add(pair);
      }
    }
    if (!removed) {
      return request;
    }
    Request.Builder b = request.toBuilder();
    return kept.length() == 0 ? b.noQuery().build() : b.rawQuery(kept.toString()).build();
  }

  private static boolean isAccessToken(String rawName) {
    return rawName.length() >= 12 && decode(rawName).equalsIgnoreCase("access_token");
  }

  /** Percent-decodes (and {@code +} as space, as forms do); a malformed escape stays as it is. */
  private static String decode(String raw) {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  /**
   * Why the request's credentials are ambiguous, for a 400 {@code invalid_request}, or null: several
   * Authorization headers, one that holds more than a scheme and one credential, or (on a bearer
   * route) an access token in the query beside the header or several of them.
   */
  static String ambiguity(Request request, boolean bearerRoute) {
    List<String> authorization = request.headers().all("Authorization");
    if (authorization.size() > 1) {
      return "the request carries several Authorization headers (expected: one)";
    }
    if (authorization.size() == 1) {
      String value = authorization.get(0).trim();
      int space = value.indexOf(' ');
      String credentials = space < 0 ? "" : value.substring(space + 1).trim();
      if (credentials.indexOf(',') >= 0 || credentials.indexOf(' ') >= 0 || credentials.indexOf('\t') >= 0) {
        return "the Authorization header holds more than one scheme and credential (expected: one)";
      }
    }
    if (bearerRoute) {
      int query = queryTokens(request).size();
      if (query > 1 || (query == 1 && !authorization.isEmpty())) {
        return "the request carries more than one access token (expected: one method, RFC 6750 section 2)";
      }
    }
    return null;
  }

  /** Quotes a value for an auth-param; callers pass only visible ASCII without quotes and backslashes. */
  static String quoted(String value) {
    return "\"" + value + "\"";
  }
}
