package io.gatehouse.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.StringJoiner;

/**
 * Not API (see the package): how gateway-api prints optional values, so that no text a user reads
 * says {@code Optional.empty} or {@code Optional[...]}: a present value prints as itself, an empty
 * one as {@code none}.
 *
 * <p>{@code public String toString() { return Text.record(this); }}
 */
public final class Text {
  private Text() {}

  /**
   * A record as its generated {@code toString} prints it, {@code Name[a=1, b=x]}, except that an
   * optional component prints as its value or {@code none}.
   *
   * @param record a public record whose accessors are public
   * @return the record as text
   */
  public static String record(Record record) {
    StringJoiner text = new StringJoiner(", ", record.getClass().getSimpleName() + "[", "]");
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(record);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("record component " + c.getName() + " of " + record.getClass().getName(), e);
      }
      text.add(c.getName() + "=" + valueOrNone(value));
    }
    return text.toString();
  }

  /**
   * A value as a record's generated {@code toString} would print it, {@code Name[a=1, b=x]}, except
   * that an optional value prints as itself or {@code none}: the text of the final value classes
   * that were records before, kept as it was.
   *
   * @param type the simple name of the type
   * @param namesAndValues each field's name followed by its value
   * @return the value as text
   */
  public static String fields(String type, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("namesAndValues: " + namesAndValues.length + " (expected: pairs of name and value)");
    }
    StringJoiner text = new StringJoiner(", ", type + "[", "]");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      text.add(namesAndValues[i] + "=" + valueOrNone(namesAndValues[i + 1]));
    }
    return text.toString();
  }

  /**
   * An optional value for a message: the value in single quotes, or {@code none}.
   *
   * @param value the optional value
   * @return {@code 'value'} or {@code none}
   */
  public static String quotedOrNone(Optional<?> value) {
    return value.map(v -> "'" + v + "'").orElse("none");
  }

  /**
   * An optional value as text: the value itself, or {@code none}. Any other object prints as itself.
   *
   * @param value an {@link Optional}, {@link OptionalInt}, {@link OptionalLong}, {@link OptionalDouble} or any value
   * @return the text
   */
  public static String valueOrNone(Object value) {
    if (value instanceof Optional<?> o) {
      return o.map(String::valueOf).orElse("none");
    }
    if (value instanceof OptionalInt o) {
      return o.isPresent() ? String.valueOf(o.getAsInt()) : "none";
    }
    if (value instanceof OptionalLong o) {
      return o.isPresent() ? String.valueOf(o.getAsLong()) : "none";
    }
    if (value instanceof OptionalDouble o) {
      return o.isPresent() ? String.valueOf(o.getAsDouble()) : "none";
    }
    return String.valueOf(value);
  }
}
