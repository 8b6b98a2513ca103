package io.gatehouse.aggregate;

import java.util.Map;

/**
 * Makes an aggregated response's body from its backends' answers. The answers come as plain
 * JSON values: {@code Map<String, Object>} for an object (in member order), {@code List<Object>}
 * for an array, {@code String}, {@code Number} ({@code Long} or {@code java.math.BigInteger} for
 * integers, {@code java.math.BigDecimal} otherwise), {@code Boolean}, and {@code null}. The map
 * holds every backend's key, in declaration order; an optional backend that failed is there with
 * {@code null}. What {@code merge} returns (the same kinds of values) is written as the response
 * body; when it throws, the client gets 500 and the gateway log says why.
 *
 * <p>{@code merge} runs on the thread that finished the last call (an I/O thread): it must not
 * block.
 *
 * <pre>{@code
 * Aggregation.of(user, orders).merger(bodies -> Map.of("name", ((Map<?, ?>) bodies.get("user")).get("name"),
 *     "orderCount", bodies.get("orders") instanceof List<?> l ? l.size() : 0))
 * }</pre>
 *
 * @since 0.2
 */
@FunctionalInterface
public interface Merger {

  /**
   * Makes the response body.
   *
   * @param answers each backend's answer by key, after its field filter; unmodifiable
   * @return the body, as a JSON value
   */
  Object merge(Map<String, Object> answers);

  /**
   * Each backend's answer under its key: {@code {"user": {...}, "orders": [...]}}. The default.
   *
   * @return the merger
   */
  static Merger byKey() {
    return BuiltInMerger.BY_KEY;
  }

  /**
   * The backends' objects merged into one, in declaration order: where two have a member of one
   * name, two objects are merged member by member and otherwise the later value wins (arrays are
   * replaced, not joined). An answer that is not an object (an array, a value, a failed optional
   * backend's {@code null}) is put under its key instead, so nothing is lost.
   *
   * @return the merger
   */
  static Merger deepMerge() {
    return BuiltInMerger.DEEP_MERGE;
  }
}
