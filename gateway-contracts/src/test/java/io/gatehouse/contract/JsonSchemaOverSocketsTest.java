package io.gatehouse.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.UpstreamServer;
import io.gatehouse.validation.RequestValidation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code .validate(JsonSchema.from(...))} over real sockets, attacked: each row a hostile body and
 * the exact violations it gets, with nothing reaching the upstream.
 */
class JsonSchemaOverSocketsTest {
  static final String ORDER = """
      {"type": "object", "additionalProperties": false, "required": ["sku", "qty"],
       "properties": {
         "sku": {"type": "string", "pattern": "^(a+)+$", "maxLength": 64},
         "qty": {"type": "integer", "minimum": 1, "maximum": 10},
         "price": {"type": "number", "maximum": 1000},
         "email": {"type": "string", "format": "email"},
         "kind": {"enum": ["retail", "trade"]},
         "lines": {"type": "array", "items": {"type": "integer"}},
         "tree": {"$ref": "#/$defs/node"}},
       "$defs": {"node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                          "additionalProperties": false}}}
      """;
  static OverSockets sockets;

  @BeforeAll
  static void start() {
    UpstreamServer upstream = UpstreamServer.start();
    JsonSchema order = JsonSchema.from(ORDER);
    sockets = new OverSockets(b -> b
        .route("orders", r -> r.path("/orders").methods("POST").validate(order).upstream(upstream.url()))
        .route("small", r -> r.path("/small").methods("POST")
            .validate(RequestValidation.of(order).maxBodyBytes(64)).upstream(upstream.url())), upstream);
  }

  @AfterAll
  static void stop() {
    sockets.close();
  }

  @BeforeEach
  void reset() {
    sockets.upstream.resetCounts();
  }

  static Stream<Arguments> hostileBodies() {
    String deep = "[".repeat(70) + "]".repeat(70);
    return Stream.of(
        Arguments.of("extra property with additionalProperties false", "{\"sku\":\"a\",\"qty\":1,\"x\":1}", List.of("body ")),
        Arguments.of("wrong type", "{\"sku\":\"a\",\"qty\":\"1\"}", List.of("body /qty")),
        Arguments.of("missing required", "{\"sku\":\"a\"}", List.of("body ")),
        Arguments.of("bad enum", "{\"sku\":\"a\",\"qty\":1,\"kind\":\"x\"}", List.of("body /kind")),
        Arguments.of("bad format", "{\"sku\":\"a\",\"qty\":1,\"email\":\"not an address\"}", List.of("body /email")),
        Arguments.of("deep nesting", "{\"sku\":\"a\",\"qty\":1,\"lines\":" + deep + "}", List.of("body ")),
        Arguments.of("huge exponent is exact, not infinity", "{\"sku\":\"a\",\"qty\":1,\"price\":1e400}", List.of("body /price")),
        Arguments.of("huge integer", "{\"sku\":\"a\",\"qty\":" + "9".repeat(90) + "}", List.of("body /qty")),
        Arguments.of("a number longer than the parser takes", "{\"sku\":\"a\",\"qty\":" + "9".repeat(200) + "}", List.of("body ")),
        Arguments.of("duplicate key", "{\"sku\":\"a\",\"qty\":1,\"qty\":5}", List.of("body ")),
        Arguments.of("backtracking pattern on a hostile value", "{\"sku\":\"" + "a".repeat(40) + "!\",\"qty\":1}",
            List.of("body /sku")),
        Arguments.of("not JSON", "qty=1", List.of("body ")),
        Arguments.of("trailing content", "{\"sku\":\"a\",\"qty\":1} {}", List.of("body ")),
        Arguments.of("empty", "", List.of("body ")),
        Arguments.of("recursion deep in a recursive schema", "{\"sku\":\"a\",\"qty\":1,\"tree\":{\"children\":[{\"children\":[{\"x\":1}]}]}}",
            List.of("body /tree/children/0/children/0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBodies")
  void a_hostile_body_gets_400_with_exact_pointers_and_never_reaches_the_upstream(String name, String body, List<String> errors) {
    long started = System.nanoTime();
    OverSockets.Answer answer = sockets.send("POST", "/orders", "application/json", body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(answer.errors()).as(answer.body()).containsExactlyElementsOf(errors);
    assertThat(sockets.upstream.requestCount()).isZero();
    assertThat(System.nanoTime() - started).as("answered in under 5 s").isLessThan(5_000_000_000L);
  }

  @Test
  void invalid_utf8_gets_400() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("{\"sku\":\"".getBytes(StandardCharsets.US_ASCII));
    bytes.write(0xC3);
    bytes.write(0x28);
    bytes.writeBytes("\",\"qty\":1}".getBytes(StandardCharsets.US_ASCII));

    OverSockets.Answer answer = sockets.send("POST", "/orders", "application/json", bytes.toByteArray(), false);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.problem().path("errors").get(0).path("detail").asText()).isEqualTo("not valid JSON: invalid UTF-8");
    assertThat(sockets.upstream.requestCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "Application/JSON; charset=UTF-8", "application/vnd.api+json", "APPLICATION/JSON;CHARSET=utf-8"})
  void json_content_types_in_any_case_and_with_parameters_are_accepted(String contentType) {
    OverSockets.Answer answer = sockets.send("POST", "/orders", contentType, "{\"sku\":\"aaa\",\"qty\":2}");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(sockets.upstream.received().get(0).bodyText()).isEqualTo("{\"sku\":\"aaa\",\"qty\":2}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "text/json", "application/x-www-form-urlencoded", "json", "application/json/x"})
  void other_content_types_get_415_before_the_body_is_read(String contentType) {
    OverSockets.Answer answer = sockets.send("POST", "/orders", contentType, "{\"sku\":\"aaa\",\"qty\":2}");

    assertThat(answer.status()).isEqualTo(415);
    assertThat(answer.errors()).containsExactly("header Content-Type");
    assertThat(sockets.upstream.requestCount()).isZero();
  }

  @Test
  void a_body_over_the_cap_gets_413_whether_its_length_is_declared_or_chunked() {
    byte[] body = "{\"sku\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"qty\":2}".getBytes(StandardCharsets.UTF_8);

    assertThat(sockets.send("POST", "/small", "application/json", body, false).status()).isEqualTo(413);
    assertThat(sockets.send("POST", "/small", "application/json", body, true).status()).isEqualTo(413);
    assertThat(sockets.upstream.requestCount()).isZero();
  }

  @Test
  void a_problem_lists_at_most_100_violations_and_never_echoes_a_huge_value() {
    StringBuilder many = new StringBuilder("{\"sku\":\"a\",\"qty\":1,\"lines\":[");
    for (int i = 0; i < 150; i++) {
      many.append(i == 0 ? "" : ",").append("\"x\"");
    }
    OverSockets.Answer answer = sockets.send("POST", "/orders", "application/json", many.append("]}").toString());
    assertThat(answer.errors()).hasSize(100);
    assertThat(answer.problem().path("detail").asText()).contains("150 violations; the first 100 are listed");

    String huge = "{\"sku\":\"a\",\"qty\":1,\"kind\":\"" + "k".repeat(100_000) + "\"}";
    OverSockets.Answer echo = sockets.send("POST", "/orders", "application/json", huge);
    assertThat(echo.status()).isEqualTo(400);
    assertThat(echo.body().length()).isLessThan(2_000);
  }

  @Test
  void a_ref_loop_that_never_reaches_a_value_fails_at_build() {
    String loop = "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}";
    assertThatThrownBy(() -> JsonSchema.from(loop)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("json schema: the schema text: invalid (expected: a valid JSON Schema): "
            + "a loop of $refs that never reaches a value (expected: references that end)");
  }

  @Test
  void a_ref_to_a_url_is_never_fetched() throws Exception {
    try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(300);
      String remote = "{\"$ref\":\"http://127.0.0.1:" + listener.getLocalPort() + "/schema.json\"}";
      assertThatThrownBy(() -> JsonSchema.from(remote)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("json schema: the schema text: invalid");
      assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void a_schema_that_does_not_parse_fails_at_once() {
    assertThatThrownBy(() -> JsonSchema.from("{\"type\": "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("json schema: the schema text: does not parse (expected: JSON or YAML)");
    assertThatThrownBy(() -> JsonSchema.from("[1]"))
        .hasMessageContaining("json schema: the schema text: ARRAY (expected: an object or a boolean)");
  }
}
