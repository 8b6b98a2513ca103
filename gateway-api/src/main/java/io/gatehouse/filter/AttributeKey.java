package io.gatehouse.filter;

import java.util.Objects;

/**
 * A typed key for per-exchange state that filters share, compared by identity.
 *
 * <pre>{@code
 * static final AttributeKey<String> TENANT = AttributeKey.of("tenant", String.class);
 * exchange.attribute(TENANT, "acme");
 * exchange.attribute(TENANT).orElse("none");
 * }</pre>
 *
 * @param <T> the type of the value
 * @since 0.1
 */
public final class AttributeKey<T> {
  private final String name;
  private final Class<T> type;

  private AttributeKey(String name, Class<T> type) {
    this.name = name;
    this.type = type;
  }

  /**
   * A new key; two calls give two distinct keys.
   *
   * @param name a name for diagnostics
   * @param type the type of the value
   * @param <T> the type of the value
   * @return the key
   */
  public static <T> AttributeKey<T> of(String name, Class<T> type) {
    return new AttributeKey<>(Objects.requireNonNull(name, "name"), Objects.requireNonNull(type, "type"));
  }

  /**
   * The name given at creation.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The type of the value.
   *
   * @return the value's class
   */
  public Class<T> type() {
    return type;
  }

  @Override
  public String toString() {
    return "AttributeKey[" + name + "]";
  }
}
