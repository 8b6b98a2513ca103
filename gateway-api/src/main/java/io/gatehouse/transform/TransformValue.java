package io.gatehouse.transform;

import io.gatehouse.internal.Check;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a value that a {@link JsonTransform} writes into a body comes from: a constant, or the
 * request (a path variable of the route, a header, a query parameter) or its principal (a claim,
 * the id). Request values are JSON strings; a claim keeps its JSON type. A value that is missing
 * when the request runs (no such header, claim or variable; a public route has no principal) is
 * written as JSON {@code null}, so that a client's own value at that place never survives.
 *
 * <pre>{@code
 * JsonTransform.of()
 *     .set("/tenant", TransformValue.claim("tenant"))
 *     .set("/orderId", TransformValue.pathVariable("id"))
 *     .set("/source", TransformValue.of("gateway"));
 * }</pre>
 *
 * @since 0.3
 */
public final class TransformValue {
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /**
   * Where a value comes from.
   *
   * @since 0.3
   */
  public enum Source {
    /** A constant: {@link #literal()}. */
    LITERAL,
    /** A path variable of the route, such as {@code id} of {@code /orders/{id}}. */
    PATH_VARIABLE,
    /** The request's first value of a header. */
    HEADER,
    /** The request's first decoded value of a query parameter. */
    QUERY_PARAMETER,
    /** A claim of the principal, by name or dotted path, with its JSON type. */
    CLAIM,
    /** The principal's id: a token's subject or a consumer's id. */
    PRINCIPAL_ID
  }

  private final Source source;
  private final String name;
  private final Optional<Object> literal;

  private TransformValue(Source source, String name, Optional<Object> literal) {
    this.source = source;
    this.name = name;
    this.literal = literal;
  }

  /**
   * A constant: a string, a number, a boolean, or a {@code List} or {@code Map} (with string keys)
   * of these, as in JSON.
   *
   * @param value the value
   * @return the value
   * @throws IllegalArgumentException for anything else
   */
  public static TransformValue of(Object value) {
    Objects.requireNonNull(value, "value");
    check(value);
    return new TransformValue(Source.LITERAL, "", Optional.of(value instanceof List<?> l ? List.copyOf(l)
        : value instanceof Map<?, ?> m ? Map.copyOf(m) : value));
  }

  /**
   * JSON {@code null}.
   *
   * @return the value
   */
  public static TransformValue jsonNull() {
    return new TransformValue(Source.LITERAL, "", Optional.empty());
  }

  /**
   * A path variable of the route, as a string; build() checks that every path pattern of the route
   * has it.
   *
   * @param name the variable, such as {@code id} of {@code /orders/{id}}
   * @return the value
   */
  public static TransformValue pathVariable(String name) {
    Objects.requireNonNull(name, "name");
    if (!VARIABLE.matcher(name).matches()) {
      throw Check.invalid("pathVariable", "'" + name + "'", "a letter or '_', then up to 63 of letters, digits, '_'");
    }
    return new TransformValue(Source.PATH_VARIABLE, name, Optional.empty());
  }

  /**
   * The request's first value of a header, as a string, as it reaches this stage: after the
   * route's filters and header changes.
   *
   * @param name the header name
   * @return the value
   */
  public static TransformValue header(String name) {
    return new TransformValue(Source.HEADER, notBlank("header", name), Optional.empty());
  }

  /**
   * The request's first decoded value of a query parameter, as a string.
   *
   * @param name the decoded parameter name
   * @return the value
   */
  public static TransformValue queryParameter(String name) {
    return new TransformValue(Source.QUERY_PARAMETER, notBlank("queryParameter", name), Optional.empty());
  }

  /**
   * A claim of the authenticated principal, by name or by a dotted path into nested claims
   * ({@code realm_access.roles}), with its JSON type (a list stays an array).
   *
   * @param path the claim name or path
   * @return the value
   */
  public static TransformValue claim(String path) {
    return new TransformValue(Source.CLAIM, notBlank("claim", path), Optional.empty());
  }

  /**
   * The authenticated principal's id, as a string.
   *
   * @return the value
   */
  public static TransformValue principalId() {
    return new TransformValue(Source.PRINCIPAL_ID, "", Optional.empty());
  }

  /**
   * Where the value comes from.
   *
   * @return the source
   */
  public Source source() {
    return source;
  }

  /**
   * The variable, header, parameter or claim named.
   *
   * @return the name; empty for a constant and the principal's id
   */
  public String name() {
    return name;
  }

  /**
   * The constant.
   *
   * @return the value; empty for JSON {@code null} and for values from the request
   */
  public Optional<Object> literal() {
    return literal;
  }

  private static String notBlank(String field, String name) {
    Objects.requireNonNull(name, field);
    if (name.isBlank()) {
      throw Check.invalid(field, "'" + name + "'", "a name");
    }
    return name;
  }

  private static void check(Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
      return;
    }
    if (value instanceof Double d && Double.isFinite(d) || value instanceof Float f && Float.isFinite(f)) {
      return;
    }
    if (value instanceof List<?> list) {
      list.forEach(v -> check(Objects.requireNonNull(v, "list element")));
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> {
        if (!(k instanceof String)) {
          throw Check.invalid("value", "a map key " + k, "string keys");
        }
        check(Objects.requireNonNull(v, "map value"));
      });
      return;
    }
    throw Check.invalid("value", value.getClass().getName(),
        "a String, a finite number, a Boolean, or a List or Map of these, as in JSON");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransformValue v && source == v.source && name.equals(v.name) && literal.equals(v.literal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, name, literal);
  }

  @Override
  public String toString() {
    return switch (source) {
      case LITERAL -> literal.map(String::valueOf).orElse("null");
      case PRINCIPAL_ID -> "principalId";
      default -> source.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "'";
    };
  }
}
