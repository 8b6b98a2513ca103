package io.gatehouse.contract;

import com.networknt.schema.Schema;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Request;
import io.gatehouse.validation.RequestValidator;
import io.gatehouse.validation.ValidationResult;
import io.gatehouse.validation.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Validates requests against one operation: its parameters (path, query, header, cookie), its
 * request body's presence and content type (415 for one it does not accept), and a JSON body
 * against the schema of its media type. Bodies of other media types (XML, forms, binary) pass
 * with their content type checked only.
 */
final class OperationValidator implements RequestValidator {
  private final String operationId;
  private final List<String> template;
  private final List<ParameterRule> parameters;
  private final Optional<BodyRule> body;

  /**
   * The operation's request body.
   *
   * @param required whether a request must have one
   * @param media the accepted media ranges in spec order, each with its schema (JSON types only)
   */
  record BodyRule(boolean required, Map<String, Optional<Schema>> media) {}

  OperationValidator(String operationId, List<String> template, List<ParameterRule> parameters, Optional<BodyRule> body) {
    this.operationId = operationId;
    this.template = List.copyOf(template);
    this.parameters = List.copyOf(parameters);
    this.body = body;
  }

  @Override
  public ValidationResult validateHead(Exchange exchange) {
    Request request = exchange.request();
    List<Violation> violations = new ArrayList<>();
    Map<String, List<String>> query = queryParameters(request, violations);
    Map<String, String> path = pathParameters(request);
    Map<String, List<String>> cookies = null;
    for (ParameterRule rule : parameters) {
      List<String> values;
      switch (rule.in) {
        case PATH -> {
          String v = path.get(rule.name);
          values = v == null ? List.of() : List.of(v);
        }
        case QUERY -> values = query.getOrDefault(rule.name, List.of());
        case HEADER -> values = request.headers().all(rule.name);
        default -> {
          if (cookies == null) {
            cookies = cookies(request);
          }
          values = cookies.getOrDefault(rule.name, List.of());
        }
      }
      rule.check(values, violations);
    }
    if (body.isPresent()) {
      OptionalLong length = request.body().contentLength();
      if (length.isPresent() && length.getAsLong() == 0) {
        if (body.get().required()) {
          violations.add(Violation.body("", "a request body is required"));
        }
      } else {
        Optional<String> type = request.headers().first("Content-Type");
        Optional<String> essence = type.flatMap(MediaTypes::essence);
        if (essence.isEmpty() || media(essence.get()).isEmpty()) {
          return ValidationResult.rejected(415, "the operation does not accept this content type",
              List.of(Violation.parameter(Violation.Location.HEADER, "Content-Type",
                  (type.isEmpty() ? "missing" : "not accepted") + " (expected: one of "
                      + String.join(", ", body.get().media().keySet()) + ")")));
        }
      }
    }
    return ValidationResult.invalid(violations);
  }

  @Override
  public boolean readsBody(Exchange exchange) {
    if (body.isEmpty()) {
      return false;
    }
    OptionalLong length = exchange.request().body().contentLength();
    if (length.isPresent() && length.getAsLong() == 0) {
      return false;
    }
    return schemaFor(exchange.request()).isPresent() || body.get().required();
  }

  @Override
  public ValidationResult validateBody(Exchange exchange, ByteBuffer bytes) {
    if (body.isEmpty()) {
      return ValidationResult.valid();
    }
    if (!bytes.hasRemaining()) {
      return body.get().required() ? ValidationResult.invalid(List.of(Violation.body("", "a request body is required")))
          : ValidationResult.valid();
    }
    Optional<Schema> schema = schemaFor(exchange.request());
    return schema.isEmpty() ? ValidationResult.valid() : ValidationResult.invalid(JsonSchema.validate(schema.get(), bytes));
  }

  private Optional<Schema> schemaFor(Request request) {
    return request.headers().first("Content-Type").flatMap(MediaTypes::essence)
        .filter(MediaTypes::isJson).flatMap(this::media).flatMap(s -> s);
  }

  /** The most specific accepted range for a media type: an exact type before {@code type/*} before {@code *}{@code /*}. */
  private Optional<Optional<Schema>> media(String essence) {
    Map<String, Optional<Schema>> media = body.get().media();
    if (media.containsKey(essence)) {
      return Optional.of(media.get(essence));
    }
    String wildcard = essence.substring(0, essence.indexOf('/')) + "/*";
    if (media.containsKey(wildcard)) {
      return Optional.of(media.get(wildcard));
    }
    return Optional.ofNullable(media.get("*/*"));
  }

  /** The path parameters: the last segments of the path, one per template segment. */
  private Map<String, String> pathParameters(Request request) {
    Map<String, String> values = new LinkedHashMap<>();
    String[] segments = request.path().split("/", -1);
    int offset = segments.length - template.size();
    if (offset < 0) {
      return values;
    }
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      if (t.startsWith("{") && t.endsWith("}")) {
        decode(segments[offset + i], false).ifPresent(v -> values.put(t.substring(1, t.length() - 1), v));
      }
    }
    return values;
  }

  private static Map<String, List<String>> queryParameters(Request request, List<Violation> violations) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    Optional<String> raw = request.rawQuery();
    if (raw.isEmpty() || raw.get().isEmpty()) {
      return values;
    }
    for (String pair : raw.get().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      Optional<String> name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
      Optional<String> value = decode(eq < 0 ? "" : pair.substring(eq + 1), true);
      if (name.isEmpty() || value.isEmpty()) {
        violations.add(Violation.parameter(Violation.Location.QUERY, name.orElse("?"),
            "malformed percent-encoding or UTF-8"));
        continue;
      }
      values.computeIfAbsent(name.get(), k -> new ArrayList<>()).add(value.get());
    }
    return values;
  }

  private static Map<String, List<String>> cookies(Request request) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (String header : request.headers().all("Cookie")) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.computeIfAbsent(pair.substring(0, eq).strip(), k -> new ArrayList<>()).add(pair.substring(eq + 1).strip());
        }
      }
    }
    return values;
  }

  /** Percent-decodes as UTF-8 ({@code +} is a space in a query); empty when malformed. */
  static Optional<String> decode(String text, boolean plusIsSpace) {
    if (text.indexOf('%') < 0 && (!plusIsSpace || text.indexOf('+') < 0)) {
      return Optional.of(text);
    }
    byte[] out = new byte[text.length()];
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out[n++] = ' ';
      } else if (c < 0x80) {
        out[n++] = (byte) c;
      } else {
        return Optional.empty(); // a raw non-ASCII character: not a valid URI
      }
    }
    java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    try {
      return Optional.of(utf8.decode(ByteBuffer.wrap(out, 0, n)).toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "OpenAPI operation '" + operationId + "'";
  }
}
