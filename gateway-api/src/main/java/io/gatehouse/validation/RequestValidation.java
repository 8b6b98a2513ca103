package io.gatehouse.validation;

import io.gatehouse.internal.Text;
import java.util.Objects;

/**
 * A route's request validation: the validator, and the most body bytes read for it. A body over
 * the cap gets 413 and never reaches the upstream; a body is never held in memory beyond the cap.
 * Immutable; {@link #maxBodyBytes(long)} returns a copy.
 *
 * <pre>{@code
 * .route("orders", r -> r.path("/orders").validate(RequestValidation.of(schema).maxBodyBytes(64 * 1024)).upstream(...))
 * }</pre>
 *
 * @since 0.2
 */
public final class RequestValidation {
  /** The body cap when none is set: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;
  /** The largest body cap: a body is held in one array. */
  public static final long MAX_BODY_BYTES = Integer.MAX_VALUE - 8;

  private final RequestValidator validator;
  private final long maxBodyBytes;

  private RequestValidation(RequestValidator validator, long maxBodyBytes) {
    this.validator = validator;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Validation with a validator and the default body cap ({@value #DEFAULT_MAX_BODY_BYTES} bytes).
   *
   * @param validator the validator
   * @return the validation
   */
  public static RequestValidation of(RequestValidator validator) {
    return new RequestValidation(Objects.requireNonNull(validator, "validator"), DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * The same validation with another body cap.
   *
   * @param bytes 0 to {@value #MAX_BODY_BYTES}
   * @return the copy
   * @throws IllegalArgumentException if out of range
   */
  public RequestValidation maxBodyBytes(long bytes) {
    if (bytes < 0 || bytes > MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "validation: maxBodyBytes: " + bytes + " (expected: 0 to " + MAX_BODY_BYTES + ")");
    }
    return new RequestValidation(validator, bytes);
  }

  /** {@return the validator} */
  public RequestValidator validator() {
    return validator;
  }

  /** {@return the most body bytes read for validation} */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestValidation v && validator.equals(v.validator) && maxBodyBytes == v.maxBodyBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(validator, maxBodyBytes);
  }

  @Override
  public String toString() {
    return Text.fields(this, "validator", validator, "maxBodyBytes", maxBodyBytes);
  }
}
