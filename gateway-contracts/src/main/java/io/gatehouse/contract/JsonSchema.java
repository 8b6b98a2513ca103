package io.gatehouse.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import io.gatehouse.filter.Exchange;
import io.gatehouse.validation.RequestValidator;
import io.gatehouse.validation.ValidationResult;
import io.gatehouse.validation.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A JSON Schema that a route's request body must match: a {@link RequestValidator} for
 * {@code RouteBuilder.validate}. The request must say it is JSON ({@code application/json} or a
 * {@code +json} type, any parameters and case; else 415), the body must be one well-formed JSON
 * value (UTF-8, no repeated key, bounded nesting and number length; else 400), and it must match
 * the schema (else 400 listing every violation with its JSON Pointer).
 *
 * <pre>{@code
 * JsonSchema order = JsonSchema.from(Path.of("schemas/order.json"));
 * Gateway.builder().route("orders", r -> r.path("/orders").methods("POST").validate(order).upstream("http://orders:8080"));
 * }</pre>
 *
 * <p>The dialect is the schema's {@code $schema} (drafts 4, 6, 7, 2019-09 and 2020-12), 2020-12
 * when it names none. Formats are asserted, not only annotated. {@code $ref}s resolve within the
 * schema only: nothing is fetched. {@code pattern}s run on {@link java.util.regex} (not ECMA 262)
 * with a budget per match, so a backtracking pattern cannot hold a thread on a hostile value.
 * Immutable and thread-safe.
 *
 * @since 0.2
 */
public final class JsonSchema implements RequestValidator {
  private final Schema schema;
  private final String source;

  private JsonSchema(Schema schema, String source) {
    this.schema = schema;
    this.source = source;
  }

  /**
   * A schema from its JSON text.
   *
   * @param schemaJson the schema, JSON or YAML
   * @return the schema
   * @throws IllegalArgumentException when it does not parse or is not a valid schema
   */
  public static JsonSchema from(String schemaJson) {
    Objects.requireNonNull(schemaJson, "schemaJson");
    return compile(schemaJson, "the schema text");
  }

  /**
   * A schema from a file.
   *
   * @param file the schema, JSON or YAML
   * @return the schema
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it does not parse or is not a valid schema
   */
  public static JsonSchema from(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return compile(Files.readString(file, StandardCharsets.UTF_8), "'" + file + "'");
    } catch (IOException e) {
      throw new UncheckedIOException("json schema: " + file + ": cannot be read", e);
    }
  }

  private static JsonSchema compile(String text, String source) {
    JsonNode node;
    try {
      node = Json.readDocument(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("json schema: " + source + ": does not parse (expected: JSON or YAML): "
          + e.getMessage(), e);
    }
    if (!node.isObject() && !node.isBoolean()) {
      throw new IllegalArgumentException("json schema: " + source + ": " + node.getNodeType()
          + " (expected: an object or a boolean)");
    }
    Dialect dialect = SpecificationVersion.fromSchemaNode(node).map(JsonSchema::dialect).orElse(Dialects.getDraft202012());
    try {
      Schema schema = new SchemaEngine(dialect, iri -> null).schema(node);
      return new JsonSchema(schema, source);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("json schema: " + source + ": invalid (expected: a valid JSON Schema): "
          + e.getMessage(), e);
    }
  }

  private static Dialect dialect(SpecificationVersion version) {
    return switch (version) {
      case DRAFT_4 -> Dialects.getDraft4();
      case DRAFT_6 -> Dialects.getDraft6();
      case DRAFT_7 -> Dialects.getDraft7();
      case DRAFT_2019_09 -> Dialects.getDraft201909();
      case DRAFT_2020_12 -> Dialects.getDraft202012();
    };
  }

  /**
   * Accepts a JSON content type only: 415 otherwise, before the body is read.
   *
   * @param exchange the request
   * @return the result
   */
  @Override
  public ValidationResult validateHead(Exchange exchange) {
    Optional<String> contentType = exchange.request().headers().first("Content-Type");
    Optional<String> essence = contentType.flatMap(MediaTypes::essence);
    if (essence.isEmpty() || !MediaTypes.isJson(essence.get())) {
      return ValidationResult.rejected(415, "the request body must be JSON (application/json)",
          List.of(Violation.parameter(Violation.Location.HEADER, "Content-Type",
              contentType.isEmpty() ? "missing (expected: application/json)" : "not JSON (expected: application/json)")));
    }
    return ValidationResult.valid();
  }

  /**
   * Parses the body and matches it against the schema.
   *
   * @param exchange the request
   * @param body the whole body
   * @return the result, with a JSON Pointer for each violation
   */
  @Override
  public ValidationResult validateBody(Exchange exchange, ByteBuffer body) {
    return ValidationResult.invalid(validate(schema, body));
  }

  static List<Violation> validate(Schema schema, ByteBuffer body) {
    JsonNode[] parsed = new JsonNode[1];
    Optional<Violation> malformed = Json.parseBody(body, parsed);
    if (malformed.isPresent()) {
      return List.of(malformed.get());
    }
    return SchemaEngine.validate(schema, parsed[0], Violation::body);
  }

  @Override
  public String toString() {
    return "JsonSchema[" + source + "]";
  }
}
