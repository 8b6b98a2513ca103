package io.gatehouse.route;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.internal.Text;
import java.util.Objects;
import java.util.Optional;

/**
 * One change to the headers of a request or response: set, add or remove a field.
 *
 * <p>{@code r.setRequestHeader("X-Env", "prod").removeResponseHeader("Server")}
 *
 * @param action what to do
 * @param name the field name
 * @param value the value to set or add; empty for {@link Action#REMOVE}
 * @since 0.1
 */
public record HeaderOperation(Action action, String name, Optional<String> value) {

  /**
   * Checks the name is a token, the value has no line breaks, and a value is given exactly when needed.
   *
   * @param action what to do
   * @param name the field name
   * @param value the value to set or add; empty for {@link Action#REMOVE}
   */
  public HeaderOperation {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (!HttpHeaders.isValidName(name)) {
      throw new IllegalArgumentException("header name: '" + name + "' (expected: an RFC 9110 token)");
    }
    if ((action == Action.REMOVE) != value.isEmpty()) {
      throw new IllegalArgumentException(
          "header '" + name + "': value " + Text.quotedOrNone(value) + " (expected: a value for set and add, none for remove)");
    }
    if (value.isPresent() && !HttpHeaders.isValidValue(value.get())) {
      throw new IllegalArgumentException("header '" + name + "': value contains CR, LF or NUL (expected: none)");
    }
  }

  /** What a header operation does. */
  public enum Action {
    /** Replace every value of the field with one value. */
    SET,
    /** Append a value, keeping existing ones. */
    ADD,
    /** Remove every value of the field. */
    REMOVE
  }

  /**
   * Applies this operation.
   *
   * @param headers the headers to change
   * @return the changed headers builder, for chaining
   */
  public HttpHeaders.Builder applyTo(HttpHeaders.Builder headers) {
    return switch (action) {
      case SET -> headers.set(name, value.orElseThrow());
      case ADD -> headers.add(name, value.orElseThrow());
      case REMOVE -> headers.remove(name);
    };
  }

  @Override
  public String toString() {
    return Text.record(this);
  }
}
