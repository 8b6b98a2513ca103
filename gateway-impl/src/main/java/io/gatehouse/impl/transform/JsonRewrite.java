package io.gatehouse.impl.transform;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.http.Body;
import io.gatehouse.impl.aggregate.BadAnswerException;
import io.gatehouse.impl.aggregate.FieldFilter;
import io.gatehouse.impl.aggregate.JsonAnswerReader;
import io.gatehouse.impl.routing.QueryParameters;
import io.gatehouse.transform.JsonOperation;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

/**
 * A {@link JsonTransform}'s steps over Jackson's tree. The body is parsed by the aggregation's
 * {@link JsonAnswerReader} (one value, 64 levels at most, no duplicate member names, exact
 * decimals) and the keep-only step is the aggregation's {@link FieldFilter}, so both features read
 * hostile JSON by the same rules. Pointers were checked at build().
 */
final class JsonRewrite implements BodyRewrite {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final ObjectMapper TREES = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(NODES);

  /** One compiled step: the tree in, the tree out (the same one changed, or another). */
  private interface Step {
    JsonNode apply(JsonNode root, Context context);
  }

  private final List<Step> steps;

  private JsonRewrite(List<Step> steps) {
    this.steps = steps;
  }

  static JsonRewrite of(JsonTransform transform) {
    List<Step> steps = new ArrayList<>();
    for (JsonOperation op : transform.operations()) {
      steps.add(step(op));
    }
    return new JsonRewrite(List.copyOf(steps));
  }

  /** {@code application/json}, or any type whose subtype ends in {@code +json}; parameters ignored. */
  static boolean isJson(Optional<String> contentType) {
    if (contentType.isEmpty()) {
      return false;
    }
    String type = contentType.get();
    int semi = type.indexOf(';');
    type = (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }

  @Override
  public boolean accepts(Optional<String> contentType) {
    return isJson(contentType);
  }

  @Override
  public byte[] rewrite(byte[] body, Context context) {
    JsonNode root = parse(body);
    for (Step step : steps) {
      root = step.apply(root, context);
    }
    try {
      return TREES.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new BadBodyException("could not be written as JSON", e);
    }
  }

  /** Parses by the aggregation's rules; an empty body is not JSON here (there is nothing to reshape). */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw new BadBodyException("is empty (expected: one JSON value)");
    }
    JsonAnswerReader reader = new JsonAnswerReader(body.length);
    Body.of(body).subscribe(reader);
    CompletableFuture<JsonNode> result = reader.result();
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BadAnswerException bad) {
        throw new BadBodyException(bad.getMessage());
      }
      throw new BadBodyException("could not be read", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BadBodyException("could not be read", e);
    }
  }

  private static Step step(JsonOperation op) {
    if (op instanceof JsonOperation.Set set) {
      JsonPointer p = JsonPointer.compile(set.pointer());
      return (root, c) -> set(root, p, value(set.value(), c));
    }
    if (op instanceof JsonOperation.Add add) {
      JsonPointer p = JsonPointer.compile(add.pointer());
      return (root, c) -> {
        JsonNode parent = root.at(p.head());
        JsonPointer last = p.last();
        if (parent instanceof ObjectNode object) {
          if (!object.has(last.getMatchingProperty())) {
            object.set(last.getMatchingProperty(), value(add.value(), c));
          }
        } else if (parent instanceof ArrayNode array) {
          int index = index(last, array);
          if (index >= 0 && index <= array.size()) {
            array.insert(index, value(add.value(), c));
          }
        }
        return root;
      };
    }
    if (op instanceof JsonOperation.Remove remove) {
      JsonPointer p = JsonPointer.compile(remove.pointer());
      return (root, c) -> {
        remove(root, p);
        return root;
      };
    }
    if (op instanceof JsonOperation.Rename rename) {
      JsonPointer p = JsonPointer.compile(rename.pointer());
      return (root, c) -> {
        if (root.at(p.head()) instanceof ObjectNode object && object.has(p.last().getMatchingProperty())) {
          String old = p.last().getMatchingProperty();
          Map<String, JsonNode> members = new LinkedHashMap<>();
          object.properties().forEach(m -> {
            if (m.getKey().equals(old)) {
              members.put(rename.newName(), m.getValue());
            } else if (!m.getKey().equals(rename.newName())) {
              members.put(m.getKey(), m.getValue());
            }
          });
          object.removeAll();
          object.setAll(members);
        }
        return root;
      };
    }
    if (op instanceof JsonOperation.Move move) {
      JsonPointer from = JsonPointer.compile(move.from());
      JsonPointer to = JsonPointer.compile(move.to());
      return (root, c) -> {
        JsonNode value = root.at(from);
        if (value.isMissingNode()) {
          return root;
        }
        remove(root, from);
        return set(root, to, value);
      };
    }
    if (op instanceof JsonOperation.KeepOnly keep) {
      FieldFilter filter = FieldFilter.of(keep.pointers(), List.of());
      return (root, c) -> filter.apply(root);
    }
    if (op instanceof JsonOperation.Wrap wrap) {
      return (root, c) -> {
        ObjectNode object = NODES.objectNode();
        object.set(wrap.key(), root);
        return object;
      };
    }
    if (op instanceof JsonOperation.Unwrap unwrap) {
      JsonPointer p = JsonPointer.compile(unwrap.pointer());
      return (root, c) -> {
        JsonNode inner = root.at(p);
        return inner.isMissingNode() ? root : inner;
      };
    }
    UnaryOperator<Object> function = ((JsonOperation.Custom) op).function();
    return (root, c) -> {
      Object tree = TREES.convertValue(root, Object.class);
      Object changed;
      try {
        changed = function.apply(tree);
      } catch (RuntimeException e) {
        throw new BadBodyException("could not be transformed: the route's custom function failed", e);
      }
      try {
        return TREES.valueToTree(changed);
      } catch (IllegalArgumentException e) {
        throw new BadBodyException("could not be transformed: the route's custom function returned what is not JSON", e);
      }
    };
  }

  /** Writes the value, creating missing parent objects; the root when the pointer is empty. */
  private static JsonNode set(JsonNode root, JsonPointer pointer, JsonNode value) {
    if (pointer.matches()) {
      return value;
    }
    JsonNode parent = root;
    for (JsonPointer at = pointer; !at.tail().matches(); at = at.tail()) {
      JsonNode child;
      if (parent instanceof ObjectNode object) {
        child = object.get(at.getMatchingProperty());
        if (child == null) {
          child = object.putObject(at.getMatchingProperty());
        }
      } else if (parent instanceof ArrayNode array) {
        int index = at.getMatchingIndex();
        if (index < 0 || index >= array.size()) {
          return root;
        }
        child = array.get(index);
      } else {
        return root;
      }
      parent = child;
    }
    JsonPointer last = pointer.last();
    if (parent instanceof ObjectNode object) {
      object.set(last.getMatchingProperty(), value);
    } else if (parent instanceof ArrayNode array) {
      int index = index(last, array);
      if (index == array.size()) {
        array.add(value);
      } else if (index >= 0 && index < array.size()) {
        array.set(index, value);
      }
    }
    return root;
  }

  private static void remove(JsonNode root, JsonPointer pointer) {
    JsonNode parent = root.at(pointer.head());
    JsonPointer last = pointer.last();
    if (parent instanceof ObjectNode object) {
      object.remove(last.getMatchingProperty());
    } else if (parent instanceof ArrayNode array) {
      int index = last.getMatchingIndex();
      if (index >= 0 && index < array.size()) {
        array.remove(index);
      }
    }
  }

  /** An array position: {@code -} is the end; -1 for a token that is not an index. */
  private static int index(JsonPointer last, ArrayNode array) {
    return last.getMatchingProperty().equals("-") ? array.size() : last.getMatchingIndex();
  }

  private static JsonNode value(TransformValue value, Context context) {
    Object raw = switch (value.source()) {
      case LITERAL -> value.literal().orElse(null);
      case PATH_VARIABLE -> context.pathVariables().get(value.name());
      case HEADER -> context.headers().first(value.name()).orElse(null);
      case QUERY_PARAMETER -> context.rawQuery()
          .map(q -> QueryParameters.parse(q).getOrDefault(value.name(), List.of()))
          .filter(values -> !values.isEmpty()).map(values -> values.get(0)).orElse(null);
      case CLAIM -> context.principal().flatMap(p -> p.claim(value.name())).orElse(null);
      case PRINCIPAL_ID -> context.principal().map(p -> p.id()).orElse(null);
    };
    return raw == null ? NODES.nullNode() : TREES.valueToTree(raw);
  }
}
