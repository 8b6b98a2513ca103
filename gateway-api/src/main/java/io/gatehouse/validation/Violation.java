package io.gatehouse.validation;

import java.util.Objects;

/**
 * One way a request breaks its contract: where ({@link #in()} and {@link #name()}) and why. The
 * gateway lists violations in the {@code errors} extension of its 400 problem (RFC 9457), so the
 * reason must be safe to show the client: say what was expected, never echo a large client value.
 *
 * <pre>{@code
 * Violation.body("/tags/0", "integer found, string expected");
 * Violation.parameter(Violation.Location.QUERY, "limit", "not an integer");
 * }</pre>
 *
 * @param in which part of the request
 * @param name for the body, a JSON Pointer (RFC 6901) into it ({@code ""} for the whole body); else
 *     the parameter's or header's name
 * @param reason why, in a short phrase
 * @since 0.2
 */
public record Violation(Location in, String name, String reason) {

  /** Which part of a request a violation is in. */
  public enum Location {
    /** The body; the name is a JSON Pointer. */
    BODY,
    /** A path parameter. */
    PATH,
    /** A query parameter. */
    QUERY,
    /** A header field (including {@code Content-Type}). */
    HEADER,
    /** A cookie. */
    COOKIE
  }

  /**
   * Checks the parts.
   *
   * @param in which part of the request
   * @param name the pointer or parameter name
   * @param reason why
   */
  public Violation {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * A violation in the body.
   *
   * @param pointer a JSON Pointer into the body; {@code ""} for the whole body
   * @param reason why
   * @return the violation
   */
  public static Violation body(String pointer, String reason) {
    return new Violation(Location.BODY, pointer, reason);
  }

  /**
   * A violation in a parameter or header.
   *
   * @param in where the parameter is
   * @param name its name
   * @param reason why
   * @return the violation
   */
  public static Violation parameter(Location in, String name, String reason) {
    return new Violation(in, name, reason);
  }
}
