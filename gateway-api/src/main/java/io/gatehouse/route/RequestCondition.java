package io.gatehouse.route;

import io.gatehouse.internal.Text;
import java.util.Objects;
import java.util.Optional;

/**
 * A route predicate on one header, query parameter or cookie: present, equal to a value, or
 * matching a regular expression (the whole value must match).
 *
 * <p>Built by {@link RouteBuilder#header(String)}, {@link RouteBuilder#query(String, String)},
 * {@link RouteBuilder#cookieMatches(String, String)} and their siblings.
 *
 * @param source where the value is read
 * @param name the header, parameter or cookie name; headers compare case-insensitively, the
 *     others exactly
 * @param match how the value is tested
 * @param value the expected value or the regular expression; empty for {@link Match#PRESENT}
 * @since 0.1
 */
public record RequestCondition(Source source, String name, Match match, Optional<String> value) {

  /**
   * Checks that every component is set, and that a value is given exactly when one is needed.
   *
   * @param source where the value is read
   * @param name the header, parameter or cookie name; headers compare case-insensitively, the others exactly
   * @param match how the value is tested
   * @param value the expected value or the regular expression; empty for {@link Match#PRESENT}
   */
  public RequestCondition {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty()) {
      throw new IllegalArgumentException(source.label() + " name: '' (expected: not empty)");
    }
    if ((match == Match.PRESENT) != value.isEmpty()) {
      throw new IllegalArgumentException(
          source.label() + " '" + name + "': value " + Text.quotedOrNone(value) + " (expected: a value exactly when matching)");
    }
  }

  /** Where a condition reads its value. */
  public enum Source {
    /** A request header field. */
    HEADER("header"),
    /** A query parameter, form-decoded as UTF-8. */
    QUERY("query"),
    /** A cookie from the {@code Cookie} header. */
    COOKIE("cookie");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    /**
     * The name used in messages and builder fields.
     *
     * @return {@code header}, {@code query} or {@code cookie}
     */
    public String label() {
      return label;
    }
  }

  /** How a condition tests the value. */
  public enum Match {
    /** At least one value is present. */
    PRESENT,
    /** Some value equals the expected value exactly. */
    EQUALS,
    /** Some value matches the regular expression as a whole. */
    REGEX
  }

  @Override
  public String toString() {
    return switch (match) {
      case PRESENT -> source.label() + " " + name + " present";
      case EQUALS -> source.label() + " " + name + " = '" + value.orElseThrow() + "'";
      case REGEX -> source.label() + " " + name + " ~ /" + value.orElseThrow() + "/";
    };
  }
}
