package io.gatehouse.auth;

import io.gatehouse.http.HttpHeaders;
import java.util.Objects;

/** Checks for the names the auth kinds take. */
final class Names {
  private Names() {}

  static String header(String field, String name) {
    Objects.requireNonNull(name, field);
    if (!HttpHeaders.isValidName(name)) {
      throw new IllegalArgumentException(field + ": '" + name + "' (expected: a header name)");
    }
    return name;
  }

  static String notBlank(String field, String value) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + ": '" + value + "' (expected: not blank)");
    }
    return value;
  }
}
