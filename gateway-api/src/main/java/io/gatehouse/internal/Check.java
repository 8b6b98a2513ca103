package io.gatehouse.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Not API (see the package): the range checks of gateway-api, each failing with an
 * {@link IllegalArgumentException} in the one message grammar, {@code field: value (expected: ...)},
 * such as {@code timeout: PT-1S (expected: > 0)}. A field may carry its subject
 * ({@code route 'orders': timeout}); a null value fails with a {@link NullPointerException} whose
 * message is the field.
 *
 * <p>{@code this.timeout = Check.positive("timeout", timeout);}
 */
public final class Check {
  private Check() {}

  /**
   * The exception for a value that is out of range, for the checks that have no method here.
   *
   * @param field the field, with its subject if any
   * @param value the value as given
   * @param expected what the value should have been, such as {@code "0 to 10"}
   * @return {@code field: value (expected: expected)}, to throw
   */
  public static IllegalArgumentException invalid(String field, Object value, String expected) {
    return new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
  }

  /**
   * Checks that a duration is more than zero.
   *
   * @param field the field, with its subject if any
   * @param value the duration
   * @return the duration
   */
  public static Duration positive(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw invalid(field, value, "> 0");
    }
    return value;
  }

  /**
   * Checks that a duration is zero or more.
   *
   * @param field the field, with its subject if any
   * @param value the duration
   * @return the duration
   */
  public static Duration notNegative(String field, Duration value) {
    Objects.requireNonNull(value, field);
    if (value.isNegative()) {
      throw invalid(field, value, ">= 0");
    }
    return value;
  }

  /**
   * Checks that a number is more than zero.
   *
   * @param field the field, with its subject if any
   * @param value the number
   * @return the number
   */
  public static long positive(String field, long value) {
    if (value <= 0) {
      throw invalid(field, value, "> 0");
    }
    return value;
  }

  /**
   * Checks that a number is at least a minimum.
   *
   * @param field the field, with its subject if any
   * @param value the number
   * @param min the least value allowed
   * @return the number
   */
  public static int atLeast(String field, int value, int min) {
    if (value < min) {
      throw invalid(field, value, ">= " + min);
    }
    return value;
  }

  /**
   * Checks that a number is at least a minimum.
   *
   * @param field the field, with its subject if any
   * @param value the number
   * @param min the least value allowed
   * @return the number
   */
  public static long atLeast(String field, long value, long min) {
    if (value < min) {
      throw invalid(field, value, ">= " + min);
    }
    return value;
  }

  /**
   * Checks that a number lies in a closed range.
   *
   * @param field the field, with its subject if any
   * @param value the number
   * @param min the least value allowed
   * @param max the greatest value allowed
   * @return the number
   */
  public static int between(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(field, value, min + " to " + max);
    }
    return value;
  }

  /**
   * Checks that a fraction or a percentage is more than zero and at most its maximum. NaN fails.
   *
   * @param field the field, with its subject if any
   * @param value the number
   * @param max the greatest value allowed, such as 1 or 100
   * @return the number
   */
  public static double positiveAtMost(String field, double value, int max) {
    if (!(value > 0 && value <= max)) {
      throw invalid(field, value, "> 0 and <= " + max);
    }
    return value;
  }
}
