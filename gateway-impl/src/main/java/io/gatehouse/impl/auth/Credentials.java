package io.gatehouse.impl.auth;

import io.gatehouse.http.Request;
import io.gatehouse.impl.routing.Cookies;
import java.util.List;
import java.util.Optional;

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

  /** Quotes a value for an auth-param; callers pass only visible ASCII without quotes and backslashes. */
  static String quoted(String value) {
    return "\"" + value + "\"";
  }
}
