package io.gatehouse.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.path.PathType;
import io.gatehouse.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON Schema validation on networknt's json-schema-validator, set up for hostile input: format
 * assertions on ({@code format: email} is checked, not only annotated), regular expressions with a
 * budget ({@link BudgetedRegex}), instance locations as JSON Pointers, and no resource loaded from
 * anywhere but the documents given ({@code resources}): remote fetching is off, so a {@code $ref}
 * to a URL fails at build instead of making the gateway fetch it.
 */
final class SchemaEngine {
  /**
   * The base IRI of the documents given: a name that cannot resolve (RFC 6761 {@code .invalid}),
   * under which relative references to files beside a spec resolve.
   */
  static final String BASE = "https://openapi.gatehouse.invalid/";

  private final SchemaRegistry registry;

  /**
   * @param dialect the default dialect (OpenAPI 3.0's, 3.1's, or a JSON Schema draft)
   * @param resources the documents by absolute IRI, as JSON text; null for an unknown IRI
   */
  SchemaEngine(Dialect dialect, Function<String, String> resources) {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder()
        .pathType(PathType.JSON_POINTER)
        .formatAssertionsEnabled(true)
        .regularExpressionFactory(BudgetedRegex.INSTANCE)
        .preloadSchema(true)
        .build();
    this.registry = SchemaRegistry.withDefaultDialect(dialect, b -> b
        .schemaRegistryConfig(config)
        .schemas(resources)
        .schemaLoader(loader -> loader.fetchRemoteResources(false).block(SchemaEngine::foreign)));
  }

  /** Blocks every IRI whose content the gateway would have to fetch: only given documents and networknt's bundled meta-schemas load. */
  private static boolean foreign(AbsoluteIri iri) {
    String text = iri.toString();
    String scheme = iri.getScheme();
    return scheme != null && !scheme.equals("classpath") && !scheme.equals("resource")
        && !text.startsWith("https://json-schema.org/") && !text.startsWith("http://json-schema.org/")
        && !text.startsWith("https://spec.openapis.org/") && !text.startsWith(BASE);
  }

  /**
   * The schema at a place in a registered document; its references are resolved and checked now.
   *
   * @param location the document's IRI and a fragment, such as {@code gatehouse:spec#/paths/~1pet/post/...}
   */
  Schema schema(String location) {
    return probed(registry.getSchema(SchemaLocation.of(location)));
  }

  /** A standalone schema. */
  Schema schema(JsonNode node) {
    return probed(registry.getSchema(node));
  }

  /**
   * The schema, once it validated a few values without recursing forever: a loop of references
   * that never descends into the value ({@code a -> b -> a}) would overflow the stack on every
   * request, so it fails at build instead.
   */
  private static Schema probed(Schema schema) {
    schema.initializeValidators();
    try {
      for (JsonNode probe : PROBES) {
        schema.validate(probe);
      }
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("a loop of $refs that never reaches a value (expected: references that end)");
    }
    return schema;
  }

  private static final List<JsonNode> PROBES = List.of(com.fasterxml.jackson.databind.node.NullNode.instance,
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode(),
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(""),
      com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(0));

  /**
   * Validates a value.
   *
   * @param schema the schema
   * @param value the value
   * @param violation makes a violation from a pointer into the value and a reason
   * @return the violations, in the order found
   */
  static List<Violation> validate(Schema schema, JsonNode value, ViolationMaker violation) {
    List<Error> errors;
    try {
      errors = schema.validate(value);
    } catch (StackOverflowError e) {
      // Bounded by the body's nesting (Json.MAX_DEPTH) and checked at build; kept as a last guard.
      return List.of(violation.make("", "too deeply nested to validate"));
    }
    List<Violation> violations = new ArrayList<>(errors.size());
    for (Error error : errors) {
      String pointer = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
      violations.add(violation.make(pointer, reason(error, pointer)));
    }
    return violations;
  }

  /** networknt's message without the location it starts with (the violation carries it apart). */
  static String reason(Error error, String pointer) {
    String message = error.getMessage() == null ? "" : error.getMessage();
    if (!pointer.isEmpty() && message.startsWith(pointer + ": ")) {
      message = message.substring(pointer.length() + 2);
    } else if (message.startsWith(": ")) {
      message = message.substring(2);
    }
    String keyword = error.getKeyword();
    return keyword == null || keyword.isEmpty() ? message : keyword + ": " + message;
  }

  /** Makes a violation from a pointer into the validated value and a reason. */
  interface ViolationMaker {
    Violation make(String pointer, String reason);
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
