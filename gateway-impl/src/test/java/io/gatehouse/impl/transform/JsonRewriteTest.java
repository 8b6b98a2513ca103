package io.gatehouse.impl.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each step of a JSON transformation, on nested members, arrays and missing paths; and hostile bodies. */
class JsonRewriteTest {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final Principal ALICE = new Principal("alice", Principal.Method.JWT, Optional.empty(), Set.of(),
      Set.of(), Map.of("tenant", "acme", "groups", List.of("a", "b"), "org", Map.of("id", 7)));
  private static final BodyRewrite.Context CONTEXT = new BodyRewrite.Context(Map.of("id", "42"),
      HttpHeaders.of("X-Tenant", "t1", "X-Tenant", "t2"), Optional.of("lang=de%20CH&lang=fr"), Optional.of(ALICE));

  static Stream<Arguments> steps() {
    String doc = "{\"a\":1,\"b\":{\"c\":2,\"d\":[10,20,30]},\"e\":null}";
    return Stream.of(
        row("set replaces a member", t -> t.set("/a", TransformValue.of("x")), doc,
            "{\"a\":\"x\",\"b\":{\"c\":2,\"d\":[10,20,30]},\"e\":null}"),
        row("set creates missing parents", t -> t.set("/n/m/o", TransformValue.of(true)), "{}",
            "{\"n\":{\"m\":{\"o\":true}}}"),
        row("set a nested member", t -> t.set("/b/c", TransformValue.of(3)), doc,
            "{\"a\":1,\"b\":{\"c\":3,\"d\":[10,20,30]},\"e\":null}"),
        row("set an array index replaces", t -> t.set("/b/d/1", TransformValue.of(21)), doc,
            "{\"a\":1,\"b\":{\"c\":2,\"d\":[10,21,30]},\"e\":null}"),
        row("set - appends", t -> t.set("/b/d/-", TransformValue.of(40)), doc,
            "{\"a\":1,\"b\":{\"c\":2,\"d\":[10,20,30,40]},\"e\":null}"),
        row("set past the array's end changes nothing", t -> t.set("/b/d/7", TransformValue.of(1)), doc, doc),
        row("set through a scalar changes nothing", t -> t.set("/a/x", TransformValue.of(1)), doc, doc),
        row("set the root replaces the body", t -> t.set("", TransformValue.of(List.of(1, 2))), doc, "[1,2]"),
        row("set a map and a list literal", t -> t.set("/m", TransformValue.of(Map.of("k", List.of("v")))), "{}",
            "{\"m\":{\"k\":[\"v\"]}}"),
        row("set JSON null", t -> t.set("/a", TransformValue.jsonNull()), "{\"a\":1}", "{\"a\":null}"),
        row("add a missing member", t -> t.add("/z", TransformValue.of(9)), "{\"a\":1}", "{\"a\":1,\"z\":9}"),
        row("add never replaces a member", t -> t.add("/a", TransformValue.of(9)), "{\"a\":1}", "{\"a\":1}"),
        row("add inserts before an index", t -> t.add("/b/d/0", TransformValue.of(5)), doc,
            "{\"a\":1,\"b\":{\"c\":2,\"d\":[5,10,20,30]},\"e\":null}"),
        row("add - appends", t -> t.add("/b/d/-", TransformValue.of(5)), doc,
            "{\"a\":1,\"b\":{\"c\":2,\"d\":[10,20,30,5]},\"e\":null}"),
        row("add under a missing parent changes nothing", t -> t.add("/x/y", TransformValue.of(5)), doc, doc),
        row("remove a member", t -> t.remove("/a", "/e"), doc, "{\"b\":{\"c\":2,\"d\":[10,20,30]}}"),
        row("remove an array element", t -> t.remove("/b/d/0"), doc, "{\"a\":1,\"b\":{\"c\":2,\"d\":[20,30]},\"e\":null}"),
        row("remove a missing path changes nothing", t -> t.remove("/x/y", "/b/d/9", "/b/d/-"), doc, doc),
        row("remove an escaped name", t -> t.remove("/a~1b", "/c~0d"), "{\"a/b\":1,\"c~d\":2,\"e\":3}", "{\"e\":3}"),
        row("rename keeps the position", t -> t.rename("/b", "B"), "{\"a\":1,\"b\":2,\"c\":3}",
            "{\"a\":1,\"B\":2,\"c\":3}"),
        row("rename a missing member changes nothing", t -> t.rename("/x", "y"), doc, doc),
        row("move a member elsewhere", t -> t.move("/b/c", "/c"), doc,
            "{\"a\":1,\"b\":{\"d\":[10,20,30]},\"e\":null,\"c\":2}"),
        row("move an array element to the end", t -> t.move("/b/d/0", "/b/d/-"), doc,
            "{\"a\":1,\"b\":{\"c\":2,\"d\":[20,30,10]},\"e\":null}"),
        row("move from a missing path changes nothing", t -> t.move("/x", "/y"), doc, doc),
        row("keepOnly keeps what the pointers reach", t -> t.keepOnly("/a", "/b/d/1"), doc,
            "{\"a\":1,\"b\":{\"d\":[20]}}"),
        row("keepOnly of nothing there is null", t -> t.keepOnly("/zz"), doc, "null"),
        row("wrap puts the body under a key", t -> t.wrap("data"), "[1]", "{\"data\":[1]}"),
        row("unwrap takes a member as the body", t -> t.unwrap("/b/d"), doc, "[10,20,30]"),
        row("unwrap of a missing path changes nothing", t -> t.unwrap("/x"), doc, doc),
        row("steps apply in order", t -> t.wrap("d").set("/v", TransformValue.of(2)).unwrap("/d"), "{\"a\":1}",
            "{\"a\":1}"),
        row("values from the request and the principal", t -> t
                .set("/id", TransformValue.pathVariable("id"))
                .set("/tenant", TransformValue.header("X-Tenant"))
                .set("/lang", TransformValue.queryParameter("lang"))
                .set("/owner", TransformValue.principalId())
                .set("/t", TransformValue.claim("tenant"))
                .set("/g", TransformValue.claim("groups"))
                .set("/o", TransformValue.claim("org.id")),
            "{}", "{\"id\":\"42\",\"tenant\":\"t1\",\"lang\":\"de CH\",\"owner\":\"alice\",\"t\":\"acme\","
                + "\"g\":[\"a\",\"b\"],\"o\":7}"),
        row("a missing value is null, so the client's own never survives", t -> t
                .set("/tenant", TransformValue.claim("nope")).set("/h", TransformValue.header("X-None"))
                .set("/q", TransformValue.queryParameter("none")),
            "{\"tenant\":\"evil\"}", "{\"tenant\":null,\"h\":null,\"q\":null}"),
        row("exact decimals survive", t -> t.remove("/x"), "{\"p\":0.1000000000000000055511151231257827}",
            "{\"p\":0.1000000000000000055511151231257827}"),
        row("a custom function over the neutral tree", t -> t.custom(body -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> map = (Map<String, Object>) body;
          map.put("count", ((List<?>) map.get("items")).size());
          List<Object> more = new ArrayList<>((List<?>) map.get("items"));
          more.add(null);
          map.put("items", more);
          return map;
        }), "{\"items\":[1,\"x\"]}", "{\"items\":[1,\"x\",null],\"count\":2}"));
  }

  private static Arguments row(String name, UnaryOperator<JsonTransform> transform, String in, String out) {
    return Arguments.of(name, transform, in, out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("steps")
  void each_step_reshapes_the_body(String name, UnaryOperator<JsonTransform> transform, String in, String out)
      throws Exception {
    byte[] result = JsonRewrite.of(transform.apply(JsonTransform.of())).rewrite(in.getBytes(StandardCharsets.UTF_8), CONTEXT);

    assertThat(JSON.readTree(result)).isEqualTo(JSON.readTree(out));
    assertThat(new String(result, StandardCharsets.UTF_8)).isEqualTo(JSON.writeValueAsString(JSON.readTree(out)));
  }

  @Test
  void a_principal_less_request_writes_null_for_its_claims() {
    BodyRewrite.Context anonymous = new BodyRewrite.Context(Map.of(), HttpHeaders.of(), Optional.empty(), Optional.empty());
    byte[] out = JsonRewrite.of(JsonTransform.of().set("/who", TransformValue.principalId())
        .set("/t", TransformValue.claim("tenant"))).rewrite("{\"who\":\"admin\"}".getBytes(StandardCharsets.UTF_8), anonymous);

    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("{\"who\":null,\"t\":null}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{\"a\":1}{\"b\":2}", "{\"a\":1,\"a\":2}", "[1,]", "nul", "{'a':1}"})
  void a_body_that_is_not_one_json_value_without_duplicates_is_refused(String body) {
    JsonRewrite rewrite = JsonRewrite.of(JsonTransform.of().remove("/a"));

    assertThatThrownBy(() -> rewrite.rewrite(body.getBytes(StandardCharsets.UTF_8), CONTEXT))
        .isInstanceOf(BadBodyException.class).hasNoCause()
        .hasMessageMatching("is (empty|not valid JSON|not one JSON value).*");
  }

  @Test
  void a_body_nested_deeper_than_64_levels_is_refused() {
    String deep = "[".repeat(65) + "]".repeat(65);
    JsonRewrite rewrite = JsonRewrite.of(JsonTransform.of().remove("/a"));

    assertThatThrownBy(() -> rewrite.rewrite(deep.getBytes(StandardCharsets.UTF_8), CONTEXT))
        .isInstanceOf(BadBodyException.class).hasMessageContaining("is not valid JSON");
  }

  @Test
  void a_failing_or_non_json_custom_function_is_the_gateways_fault() {
    JsonRewrite throwing = JsonRewrite.of(JsonTransform.of().custom(body -> {
      throw new IllegalStateException("boom");
    }));
    JsonRewrite strange = JsonRewrite.of(JsonTransform.of().custom(body -> new Object()));

    assertThatThrownBy(() -> throwing.rewrite("{}".getBytes(StandardCharsets.UTF_8), CONTEXT))
        .isInstanceOf(BadBodyException.class).hasMessage("could not be transformed: the route's custom function failed")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> strange.rewrite("{}".getBytes(StandardCharsets.UTF_8), CONTEXT))
        .isInstanceOf(BadBodyException.class).hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON",
      "application/problem+json", "application/vnd.api+json;v=2"})
  void json_types_are_transformed(String type) {
    assertThat(JsonRewrite.isJson(Optional.of(type))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-ndjson", "text/event-stream", "text/json", "application/jsonp",
      "application/xml", "multipart/form-data"})
  void other_types_are_not(String type) {
    assertThat(JsonRewrite.isJson(Optional.of(type))).isFalse();
    assertThat(JsonRewrite.isJson(Optional.empty())).isFalse();
  }
}
