package io.gatehouse.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.networknt.schema.Schema;
import io.gatehouse.validation.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One parameter of an operation and how its text becomes a JSON value for its schema: style
 * {@code form} (query, cookie) or {@code simple} (path, header); a primitive (string, integer,
 * number, boolean) or an array of them; exploded ({@code ?tag=a&tag=b}) or not ({@code ?tag=a,b}).
 * A value that is not of its type is reported without echoing it.
 */
final class ParameterRule {
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,99})");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,99})(\\.[0-9]{1,100})?([eE][-+]?[0-9]{1,4})?");

  final Violation.Location in;
  final String name;
  final boolean required;
  final boolean explode;
  final boolean array;
  final String type;
  final Schema schema;

  ParameterRule(Violation.Location in, String name, boolean required, boolean explode, boolean array, String type,
      Schema schema) {
    this.in = in;
    this.name = name;
    this.required = required;
    this.explode = explode;
    this.array = array;
    this.type = type;
    this.schema = schema;
  }

  /**
   * Checks the parameter's occurrences.
   *
   * @param values every occurrence's text, decoded; empty when absent
   * @param out the violations
   */
  void check(List<String> values, List<Violation> out) {
    if (values.isEmpty()) {
      if (required) {
        out.add(Violation.parameter(in, name, "required"));
      }
      return;
    }
    JsonNode value;
    if (array) {
      List<String> items = new ArrayList<>();
      if (explode && (in == Violation.Location.QUERY || in == Violation.Location.COOKIE)) {
        items.addAll(values);
      } else if (values.size() > 1 && in != Violation.Location.HEADER) {
        out.add(Violation.parameter(in, name, "repeated (expected: one comma-separated value)"));
        return;
      } else {
        for (String v : values) {
          for (String item : v.split(",", -1)) {
            items.add(in == Violation.Location.HEADER ? item.strip() : item);
          }
        }
      }
      ArrayNode node = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < items.size(); i++) {
        Optional<JsonNode> item = convert(items.get(i));
        if (item.isEmpty()) {
          out.add(Violation.parameter(in, name, "item " + i + ": not " + article(type)));
          return;
        }
        node.add(item.get());
      }
      value = node;
    } else {
      if (values.size() > 1) {
        out.add(Violation.parameter(in, name, "repeated (expected: one value)"));
        return;
      }
      Optional<JsonNode> converted = convert(values.get(0));
      if (converted.isEmpty()) {
        out.add(Violation.parameter(in, name, "not " + article(type)));
        return;
      }
      value = converted.get();
    }
    for (Violation v : SchemaEngine.validate(schema, value, (pointer, reason) -> Violation.parameter(in, name,
        pointer.isEmpty() ? reason : "item " + pointer.substring(1) + ": " + reason))) {
      out.add(v);
    }
  }

  private Optional<JsonNode> convert(String text) {
    switch (type) {
      case "integer":
        return INTEGER.matcher(text).matches()
            ? Optional.of(JsonNodeFactory.instance.numberNode(new BigInteger(text))) : Optional.empty();
      case "number":
        return NUMBER.matcher(text).matches()
            ? Optional.of(JsonNodeFactory.instance.numberNode(new BigDecimal(text))) : Optional.empty();
      case "boolean":
        return text.equals("true") || text.equals("false")
            ? Optional.of(JsonNodeFactory.instance.booleanNode(text.equals("true"))) : Optional.empty();
      default:
        return Optional.of(JsonNodeFactory.instance.textNode(text));
    }
  }

  private static String article(String type) {
    return type.equals("integer") ? "an integer" : "a " + type;
  }
}
