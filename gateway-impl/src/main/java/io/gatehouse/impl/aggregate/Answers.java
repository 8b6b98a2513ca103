package io.gatehouse.impl.aggregate;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.aggregate.Merger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backends' answers of one request, as JSON trees, and what is made of them: a value a later
 * step binds, and the response body. The built-in mergers work on the trees; a user's
 * {@link Merger} gets them as plain Java values.
 */
public final class Answers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Answers() {}

  /**
   * The value at a pointer, as a template variable: a string as it is, a number in its JSON form,
   * a boolean as {@code true} or {@code false}.
   *
   * @return the value, or empty when the pointer finds nothing, null, an object or an array
   */
  public static Optional<String> scalarAt(JsonNode answer, JsonPointer pointer) {
    JsonNode node = answer.at(pointer);
    if (node.isTextual()) {
      return Optional.of(node.textValue());
    }
    if (node.isNumber() || node.isBoolean()) {
      return Optional.of(node.toString());
    }
    return Optional.empty();
  }

  /**
   * The response body.
   *
   * @param answers every backend's answer by key in declaration order; a JSON null for a missing one
   * @param merger how to merge them
   * @return UTF-8 JSON
   * @throws RuntimeException when a user's merger throws or returns what cannot be written as JSON
   */
  public static byte[] merged(Map<String, JsonNode> answers, Merger merger) {
    try {
      if (merger == Merger.byKey()) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        answers.forEach(out::set);
        return JSON.writeValueAsBytes(out);
      }
      if (merger == Merger.deepMerge()) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        answers.forEach((key, answer) -> {
          if (answer instanceof ObjectNode object) {
            deepMerge(out, object);
          } else {
            out.set(key, answer);
          }
        });
        return JSON.writeValueAsBytes(out);
      }
      Map<String, Object> plain = new LinkedHashMap<>();
      answers.forEach((key, answer) -> plain.put(key, plain(answer)));
      return JSON.writeValueAsBytes(merger.merge(Collections.unmodifiableMap(plain)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the merger's result cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static void deepMerge(ObjectNode target, ObjectNode source) {
    source.properties().forEach(member -> {
      JsonNode earlier = target.get(member.getKey());
      if (earlier instanceof ObjectNode e && member.getValue() instanceof ObjectNode v) {
        deepMerge(e, v);
      } else {
        target.set(member.getKey(), member.getValue());
      }
    });
  }

  /** A tree as the plain values {@link Merger} documents. */
  static Object plain(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(m -> map.put(m.getKey(), plain(m.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(e -> list.add(plain(e)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.asText();
  }
}
