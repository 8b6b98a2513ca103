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
 * <p>{@code public String toString() { return Text.fields(this, "paths", paths, "hosts", hosts); }}
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
   * A value class printed the way a record prints, {@code Name[a=1, b=x]}, with each optional
   * field as its value or {@code none}: the {@code toString} of gateway-api's final-class specs.
   *
   * @param value the object printed; its simple class name starts the text
   * @param namesAndValues each field's name followed by its value, in the order printed
   * @return the object as text
   * @throws IllegalArgumentException if a name has no value, or is not a {@code String}
   */
  public static String fields(Object value, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("namesAndValues: " + namesAndValues.length + " (expected: an even count)");
    }
    StringJoiner text = new StringJoiner(", ", value.getClass().getSimpleName() + "[", "]");
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (!(namesAndValues[i] instanceof String name)) {
        throw new IllegalArgumentException("namesAndValues[" + i + "]: " + namesAndValues[i] + " (expected: a field name)");
      }
      text.add(name + "=" + valueOrNone(namesAndValues[i + 1]));
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
