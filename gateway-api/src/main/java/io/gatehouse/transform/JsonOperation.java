package io.gatehouse.transform;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One step of a {@link JsonTransform}, made by its methods; the steps apply in order. Paths are
 * RFC 6901 JSON Pointers ({@code /items/0/price}; {@code ~1} for {@code /}, {@code ~0} for
 * {@code ~}; {@code -} is the end of an array), checked at build().
 *
 * @since 0.3
 */
public sealed interface JsonOperation {

  /**
   * Writes a value, replacing what is there and creating missing parent objects; in an array, an
   * index replaces its element, and {@code -} or the array's size appends.
   *
   * @param pointer where
   * @param value the value
   * @since 0.3
   */
  record Set(String pointer, TransformValue value) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param pointer the pointer
     * @param value the value
     */
    public Set {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Adds a value without replacing anything: a member only if the object lacks it, an array
   * element inserted before the index (shifting the rest) or appended with {@code -}. Parents must
   * exist; otherwise nothing changes.
   *
   * @param pointer where
   * @param value the value
   * @since 0.3
   */
  record Add(String pointer, TransformValue value) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param pointer the pointer
     * @param value the value
     */
    public Add {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Removes a member or an array element; nothing changes when there is none.
   *
   * @param pointer what
   * @since 0.3
   */
  record Remove(String pointer) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param pointer the pointer
     */
    public Remove {
      Objects.requireNonNull(pointer, "pointer");
    }
  }

  /**
   * Renames a member in place, keeping its position among its siblings and replacing a sibling
   * of the new name; nothing changes when there is no such member.
   *
   * @param pointer the member
   * @param newName its new name
   * @since 0.3
   */
  record Rename(String pointer, String newName) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param pointer the pointer
     * @param newName the newName
     */
    public Rename {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(newName, "newName");
    }
  }

  /**
   * Moves a value: removes it from one place and {@linkplain Set sets} it at another; nothing
   * changes when there is nothing at {@code from}.
   *
   * @param from where it is
   * @param to where it goes
   * @since 0.3
   */
  record Move(String from, String to) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param from the from
     * @param to the to
     */
    public Move {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * Keeps only what these pointers reach (an allow-list), with the objects and arrays on the way
   * holding only what is kept; a body of which nothing is kept becomes JSON {@code null}.
   *
   * @param pointers what to keep
   * @since 0.3
   */
  record KeepOnly(List<String> pointers) implements JsonOperation {
    /**
     * Copies the list.
     *
     * @param pointers the pointers
     */
    public KeepOnly {
      pointers = List.copyOf(pointers);
    }
  }

  /**
   * Puts the whole body under a key: {@code {"key": body}}.
   *
   * @param key the member name
   * @since 0.3
   */
  record Wrap(String key) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param key the key
     */
    public Wrap {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * Replaces the whole body by the value at a pointer; nothing changes when there is none.
   *
   * @param pointer what becomes the body
   * @since 0.3
   */
  record Unwrap(String pointer) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param pointer the pointer
     */
    public Unwrap {
      Objects.requireNonNull(pointer, "pointer");
    }
  }

  /**
   * A function of the user's over the body as a neutral tree: {@code Map<String, Object>} (in
   * member order, mutable), {@code List<Object>} (mutable), {@code String}, {@code Boolean},
   * numbers ({@code Integer}, {@code Long}, {@code BigInteger}, {@code BigDecimal}) and {@code null}
   * for JSON null. It may change the tree it is given and return it, or return a new one of the
   * same types. It runs on the thread that delivered the body's last bytes, often an I/O thread:
   * it must not block. If it throws, the request gets 500 (the response: 502) and the failure is
   * logged.
   *
   * @param function the function
   * @since 0.3
   */
  record Custom(UnaryOperator<Object> function) implements JsonOperation {
    /**
     * Checks that nothing is null.
     *
     * @param function the function
     */
    public Custom {
      Objects.requireNonNull(function, "function");
    }
  }
}
