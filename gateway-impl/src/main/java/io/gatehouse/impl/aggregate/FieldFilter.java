package io.gatehouse.impl.aggregate;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A backend's field filter: an allow-list of JSON Pointers that keeps only those parts of the
 * answer (with the objects and arrays on their way, holding only what is kept), then a deny-list
 * that removes parts. A pointer that finds nothing changes nothing.
 */
public final class FieldFilter {
  /** RFC 6901: empty, or {@code /}-separated tokens in which {@code ~} is followed by 0 or 1. */
  private static final Pattern POINTER = Pattern.compile("(/([^~/]|~[01])*)*");

  private final List<JsonPointer> allow;
  private final List<JsonPointer> deny;

  private FieldFilter(List<JsonPointer> allow, List<JsonPointer> deny) {
    this.allow = allow;
    this.deny = deny;
  }

  /** The filter of these lists, each pointer checked with {@link #pointerProblem}. */
  public static FieldFilter of(List<String> allow, List<String> deny) {
    return new FieldFilter(allow.stream().map(JsonPointer::compile).toList(),
        deny.stream().map(JsonPointer::compile).toList());
  }

  /** {@return whether the filter changes nothing} */
  public boolean keepsAll() {
    return allow.isEmpty() && deny.isEmpty();
  }

  /**
   * What is wrong with a JSON Pointer, if anything.
   *
   * @return such as {@code "'a/b' is not an RFC 6901 JSON Pointer (expected: empty, or /-separated tokens with ~0 for ~ and ~1 for /)"}
   */
  public static Optional<String> pointerProblem(String pointer) {
    if (POINTER.matcher(pointer).matches()) {
      return Optional.empty();
    }
    return Optional.of("'" + pointer
        + "' is not an RFC 6901 JSON Pointer (expected: empty, or /-separated tokens such as /address/city, with ~0 for ~ and ~1 for /)");
  }

  /** The answer with the filter applied; the answer itself is changed or replaced. */
  public JsonNode apply(JsonNode answer) {
    JsonNode kept = allow.isEmpty() ? answer : keep(answer, allow);
    if (kept == null) {
      kept = JsonNodeFactory.instance.nullNode();
    }
    for (JsonPointer pointer : deny) {
      if (pointer.matches()) {
        return JsonNodeFactory.instance.nullNode();
      }
      JsonNode parent = kept.at(pointer.head());
      JsonPointer last = pointer.last();
      if (parent instanceof ObjectNode object) {
        object.remove(last.getMatchingProperty());
      } else if (parent instanceof ArrayNode array && last.getMatchingIndex() >= 0 && last.getMatchingIndex() < array.size()) {
        array.remove(last.getMatchingIndex());
      }
    }
    return kept;
  }

  /** The parts of the node the pointers reach, or null when they reach nothing. */
  private static JsonNode keep(JsonNode node, List<JsonPointer> pointers) {
    for (JsonPointer p : pointers) {
      if (p.matches()) {
        return node;
      }
    }
    if (node instanceof ObjectNode object) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      object.properties().forEach(member -> {
        List<JsonPointer> tails = new ArrayList<>();
        for (JsonPointer p : pointers) {
          if (p.getMatchingProperty().equals(member.getKey())) {
            tails.add(p.tail());
          }
        }
        JsonNode kept = tails.isEmpty() ? null : keep(member.getValue(), tails);
        if (kept != null) {
          out.set(member.getKey(), kept);
        }
      });
      return out.isEmpty() ? null : out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < array.size(); i++) {
        List<JsonPointer> tails = new ArrayList<>();
        for (JsonPointer p : pointers) {
          if (p.getMatchingIndex() == i) {
            tails.add(p.tail());
          }
        }
        JsonNode kept = tails.isEmpty() ? null : keep(array.get(i), tails);
        if (kept != null) {
          out.add(kept);
        }
      }
      return out.isEmpty() ? null : out;
    }
    return null;
  }
}
