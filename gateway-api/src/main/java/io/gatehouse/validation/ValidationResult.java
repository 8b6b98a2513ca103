package io.gatehouse.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link RequestValidator} found: nothing ({@link #valid()}), violations that make a 400
 * ({@link #invalid}), or a refusal with another status, such as 415 for a content type the
 * operation does not take ({@link #rejected}). Immutable.
 *
 * <pre>{@code
 * return violations.isEmpty() ? ValidationResult.valid() : ValidationResult.invalid(violations);
 * }</pre>
 *
 * @since 0.2
 */
public final class ValidationResult {
  private static final ValidationResult VALID = new ValidationResult(200, "", List.of());

  private final int status;
  private final String detail;
  private final List<Violation> violations;

  private ValidationResult(int status, String detail, List<Violation> violations) {
    this.status = status;
    this.detail = detail;
    this.violations = List.copyOf(violations);
  }

  /**
   * No violation.
   *
   * @return the result
   */
  public static ValidationResult valid() {
    return VALID;
  }

  /**
   * The request breaks its contract: a 400 listing the violations; valid when there are none.
   *
   * @param violations every violation found
   * @return the result
   */
  public static ValidationResult invalid(List<Violation> violations) {
    return violations.isEmpty() ? VALID
        : new ValidationResult(400, "the request does not match its contract", violations);
  }

  /**
   * A refusal with a status of its own: the gateway answers with it at once, without reading the
   * body (from {@link RequestValidator#validateHead}).
   *
   * <p>{@code ValidationResult.rejected(415, "the content type is not accepted", List.of(violation))}
   *
   * @param status 400 to 499
   * @param detail a sentence safe to show the client
   * @param violations what caused it; may be empty
   * @return the result
   * @throws IllegalArgumentException if the status is not 400 to 499
   */
  public static ValidationResult rejected(int status, String detail, List<Violation> violations) {
    Objects.requireNonNull(detail, "detail");
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400 to 499)");
    }
    return new ValidationResult(status, detail, violations);
  }

  /** {@return whether the request passed} */
  public boolean isValid() {
    return status == 200;
  }

  /** {@return 200 when valid, else the status the gateway answers with} */
  public int status() {
    return status;
  }

  /** {@return the problem's detail; empty when valid} */
  public String detail() {
    return detail;
  }

  /** {@return the violations, in the order found; empty when valid} */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * Both results' violations. The status is the first refusal's.
   *
   * @param other a later result
   * @return this, other, or both combined
   */
  public ValidationResult and(ValidationResult other) {
    Objects.requireNonNull(other, "other");
    if (other.isValid()) {
      return this;
    }
    if (isValid()) {
      return other;
    }
    List<Violation> all = new ArrayList<>(violations);
    all.addAll(other.violations);
    return new ValidationResult(status, detail, all);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValidationResult r && status == r.status && detail.equals(r.detail)
        && violations.equals(r.violations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, detail, violations);
  }

  @Override
  public String toString() {
    return isValid() ? "ValidationResult[valid]" : "ValidationResult[" + status + ", " + violations + "]";
  }
}
