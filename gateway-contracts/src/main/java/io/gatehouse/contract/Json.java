package io.gatehouse.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gatehouse.validation.Violation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Reading JSON: request bodies strictly and within bounds, specs leniently. A body is refused when
 * it is not exactly one JSON value in UTF-8 (invalid UTF-8 and trailing content included), has a
 * key twice in an object (parsers disagree on which one wins, so a validator and an upstream could
 * see different values), nests deeper than {@link #MAX_DEPTH}, or has a number longer than
 * {@link #MAX_NUMBER_LENGTH} digits. Numbers are read exactly (no overflow to infinity).
 */
final class Json {
  /** The deepest nesting of arrays and objects in a body. */
  static final int MAX_DEPTH = 64;
  /** The most characters of one number in a body. */
  static final int MAX_NUMBER_LENGTH = 100;

  static final ObjectMapper BODY = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(MAX_DEPTH)
              .maxNumberLength(MAX_NUMBER_LENGTH)
              .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .disable(JsonParser.Feature.ALLOW_COMMENTS)
      .build();

  /** For specs and schemas: JSON, or YAML (a superset). */
  static final ObjectMapper SPEC = new ObjectMapper();
  static final ObjectMapper YAML = new YAMLMapper(YAMLFactory.builder().build());

  private Json() {}

  /**
   * The body as JSON, or the violation that says why it is not.
   *
   * @param body the bytes
   * @param out where the parsed value goes
   * @return empty when parsed
   */
  static Optional<Violation> parseBody(ByteBuffer body, JsonNode[] out) {
    if (!body.hasRemaining()) {
      return Optional.of(Violation.body("", "a JSON body is required"));
    }
    byte[] bytes = new byte[body.remaining()];
    body.duplicate().get(bytes);
    try {
      JsonNode node = BODY.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        return Optional.of(Violation.body("", "a JSON body is required"));
      }
      out[0] = node;
      return Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.of(Violation.body("", "not valid JSON: " + reason(e)));
    } catch (IOException e) {
      return Optional.of(Violation.body("", "not valid JSON"));
    }
  }

  /** Jackson's reason without its excerpt of the input (never echo a client's bytes back). */
  private static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "malformed";
    }
    if (message.startsWith("Duplicate field")) {
      return "a key repeats in an object";
    }
    if (message.contains("nesting depth")) {
      return "nested deeper than " + MAX_DEPTH;
    }
    if (message.contains("Number value length") || message.contains("number length")) {
      return "a number longer than " + MAX_NUMBER_LENGTH + " characters";
    }
    if (message.contains("UTF-8") || message.contains("UTF8")) {
      return "invalid UTF-8";
    }
    if (message.startsWith("Trailing token")) {
      return "content after the JSON value";
    }
    if (message.startsWith("Unexpected end-of-input")) {
      return "it ends early";
    }
    return e.getLocation() == null ? "malformed"
        : "malformed at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  /**
   * A spec or schema document, JSON or YAML.
   *
   * @param text the document
   * @return its tree
   * @throws IOException when it is neither
   */
  static JsonNode readDocument(String text) throws IOException {
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      return SPEC.readTree(text);
    }
    return YAML.readTree(text);
  }
}
