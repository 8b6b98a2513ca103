package io.gatehouse.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Immutable HTTP header fields: names compare case-insensitively, keep the case they were given
 * in, and keep their order; a name may repeat.
 *
 * <pre>{@code
 * HttpHeaders h = HttpHeaders.builder().add("Accept", "text/plain").set("X-Id", "7").build();
 * h.first("accept");                       // Optional[text/plain]
 * h.toBuilder().remove("X-Id").build();    // a derived copy
 * }</pre>
 *
 * @since 0.1
 */
public final class HttpHeaders {
  private static final HttpHeaders EMPTY = new HttpHeaders(new String[0]);

  /** Alternating names and values: name0, value0, name1, value1, ... */
  private final String[] fields;

  private HttpHeaders(String[] fields) {
    this.fields = fields;
  }

  /**
   * No header fields.
   *
   * @return the empty headers
   */
  public static HttpHeaders of() {
    return EMPTY;
  }

  /**
   * Headers from alternating names and values.
   *
   * @param namesAndValues {@code "Accept", "text/plain", "X-Id", "7"}
   * @return the headers
   * @throws IllegalArgumentException if the count is odd or a name is not a valid token
   */
  public static HttpHeaders of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "namesAndValues: " + namesAndValues.length + " strings (expected: an even count)");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  /**
   * A builder for headers.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder(new ArrayList<>());
  }

  /**
   * A builder that starts with these headers.
   *
   * @return a builder holding a copy of these fields
   */
  public Builder toBuilder() {
    return new Builder(new ArrayList<>(Arrays.asList(fields)));
  }

  /**
   * The first value of a field.
   *
   * @param name the field name, in any case
   * @return the first value, or empty if the field is absent
   */
  public Optional<String> first(String name) {
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        return Optional.of(fields[i + 1]);
      }
    }
    return Optional.empty();
  }

  /**
   * Every value of a field, in order.
   *
   * @param name the field name, in any case
   * @return the values; empty if the field is absent
   */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        values.add(fields[i + 1]);
      }
    }
    return List.copyOf(values);
  }

  /**
   * Whether a field is present.
   *
   * @param name the field name, in any case
   * @return true if at least one value is present
   */
  public boolean contains(String name) {
    for (int i = 0; i < fields.length; i += 2) {
      if (fields[i].equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The distinct field names, in the case first seen, in order.
   *
   * @return the names
   */
  public Set<String> names() {
    Set<String> lower = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < fields.length; i += 2) {
      if (lower.add(fields[i].toLowerCase(Locale.ROOT))) {
        names.add(fields[i]);
      }
    }
    return names;
  }

  /**
   * Calls the action once per field line, in order; repeated names are passed once per value.
   *
   * @param action receives each name and value
   */
  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < fields.length; i += 2) {
      action.accept(fields[i], fields[i + 1]);
    }
  }

  /**
   * The number of field lines (a repeated name counts once per value).
   *
   * @return the count
   */
  public int size() {
    return fields.length / 2;
  }

  /**
   * Whether there are no fields.
   *
   * @return true if empty
   */
  public boolean isEmpty() {
    return fields.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpHeaders other && Arrays.equals(fields, other.fields);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(fields);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < fields.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(fields[i]).append(": ").append(fields[i + 1]);
    }
    return sb.append(']').toString();
  }

  /**
   * Whether a string is a valid field name (an RFC 9110 token).
   *
   * @param name the candidate
   * @return true if it may be used as a header name
   */
  public static boolean isValidName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a string is a valid field value: no CR, LF or NUL, which would split or end a header.
   *
   * @param value the candidate
   * @return true if it may be used as a header value
   */
  public static boolean isValidValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Builds {@link HttpHeaders}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final List<String> fields;

    private Builder(List<String> fields) {
      this.fields = fields;
    }

    /**
     * Appends a value, keeping any earlier values of the same name.
     *
     * @param name a valid field name
     * @param value a value without CR, LF or NUL
     * @return this builder
     */
    public Builder add(String name, String value) {
      checkName(name);
      Objects.requireNonNull(value, "value");
      if (!isValidValue(value)) {
        throw new IllegalArgumentException(
            "header '" + name + "': value contains CR, LF or NUL (expected: none)");
      }
      fields.add(name);
      fields.add(value);
      return this;
    }

    /**
     * Replaces every value of a name with one value.
     *
     * @param name a valid field name
     * @param value a value without CR, LF or NUL
     * @return this builder
     */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    /**
     * Removes every value of a name.
     *
     * @param name the field name, in any case
     * @return this builder
     */
    public Builder remove(String name) {
      Objects.requireNonNull(name, "name");
      for (int i = fields.size() - 2; i >= 0; i -= 2) {
        if (fields.get(i).equalsIgnoreCase(name)) {
          fields.remove(i + 1);
          fields.remove(i);
        }
      }
      return this;
    }

    /**
     * Adds every field of other headers.
     *
     * @param headers the fields to append
     * @return this builder
     */
    public Builder addAll(HttpHeaders headers) {
      headers.forEach(this::add);
      return this;
    }

    /**
     * Whether the builder holds a field of this name.
     *
     * @param name the field name, in any case
     * @return true if present
     */
    public boolean contains(String name) {
      for (int i = 0; i < fields.size(); i += 2) {
        if (fields.get(i).equalsIgnoreCase(name)) {
          return true;
        }
      }
      return false;
    }

    /**
     * The immutable headers.
     *
     * @return the headers built so far
     */
    public HttpHeaders build() {
      return fields.isEmpty() ? EMPTY : new HttpHeaders(fields.toArray(new String[0]));
    }

    private static void checkName(String name) {
      Objects.requireNonNull(name, "name");
      if (!isValidName(name)) {
        throw new IllegalArgumentException("header name: '" + name + "' (expected: an RFC 9110 token)");
      }
    }
  }
}
