package io.gatehouse.upstream;

import java.time.Duration;
import java.util.Objects;

/** The checks the values of this package share, with the package's message grammar. */
final class Values {
  private Values() {}

  static Duration positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: >= " + min + ")");
    }
    return value;
  }

  static double percent(String field, double value) {
    if (!(value > 0 && value <= 100)) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0 and <= 100)");
    }
    return value;
  }
}
