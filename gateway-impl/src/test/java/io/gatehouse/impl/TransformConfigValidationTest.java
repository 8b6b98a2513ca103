package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.transform.Compression;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every mistake in a route's body transformations fails build(), naming the route and the field, all at once. */
class TransformConfigValidationTest {

  private static List<String> violations(Gateway.Builder builder) {
    try {
      builder.build().close();
    } catch (GatewayConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected build() to fail");
  }

  private static Gateway.Builder builder() {
    return Gateway.builder().transport(RecordingTransport.answering(200));
  }

  @Test
  void every_bad_pointer_is_reported_with_its_route_and_field() {
    assertThat(violations(builder()
        .route("orders", r -> r.path("/orders/{id}").upstream("http://o:1")
            .transformRequest(JsonTransform.of().set("a/b", TransformValue.of(1)).remove("").rename("/x~2", "y"))
            .transformResponse(JsonTransform.of().move("/a", "/a/b").keepOnly("/ok", "bad").unwrap("")
                .add("/p", TransformValue.pathVariable("nope"))))))
        .containsExactly(
            "route 'orders': transformRequest.set: 'a/b' is not an RFC 6901 JSON Pointer (expected: empty, or"
                + " /-separated tokens such as /address/city, with ~0 for ~ and ~1 for /)",
            "route 'orders': transformRequest.remove: '' is the whole body (expected: a pointer below the root, such as /name)",
            "route 'orders': transformRequest.rename: '/x~2' is not an RFC 6901 JSON Pointer (expected: empty, or"
                + " /-separated tokens such as /address/city, with ~0 for ~ and ~1 for /)",
            "route 'orders': transformResponse.move: '/a' to '/a/b' (expected: a target outside what moves)",
            "route 'orders': transformResponse.keepOnly: 'bad' is not an RFC 6901 JSON Pointer (expected: empty, or"
                + " /-separated tokens such as /address/city, with ~0 for ~ and ~1 for /)",
            "route 'orders': transformResponse.unwrap: '' is the whole body (expected: a pointer below the root, such as /name)",
            "route 'orders': transformResponse.add: pathVariable 'nope' (expected: a variable of every path pattern"
                + " of the route: [id])");
  }

  @Test
  void a_request_transformation_needs_a_route_that_sends_the_request_on() {
    assertThat(violations(builder()
        .route("fixed", r -> r.path("/f").respond(200, "application/json", "{}")
            .transformRequest(JsonTransform.of().remove("/a")))
        .route("agg", r -> r.path("/a/{id}").aggregate(Aggregation.of(Backend.of("u", "http://o:1", "/u/{id}")))
            .transformRequest(JsonTransform.of().remove("/a")))))
        .containsExactly(
            "route 'fixed': transformRequest: on a route that answers with a fixed response (expected: a route"
                + " with an upstream, which receives the request)",
            "route 'agg': transformRequest: on a route that aggregates (expected: a route with an upstream,"
                + " which receives the request)");
  }

  @Test
  void a_response_transformation_may_reshape_a_fixed_or_aggregated_answer() {
    builder()
        .route("fixed", r -> r.path("/f").respond(200, "application/json", "{}")
            .transformResponse(JsonTransform.of().wrap("data")))
        .route("agg", r -> r.path("/a/{id}").aggregate(Aggregation.of(Backend.of("u", "http://o:1", "/u/{id}")))
            .transformResponse(JsonTransform.of().remove("/u/secret").set("/id", TransformValue.pathVariable("id"))))
        .build().close();
  }

  @Test
  void setters_reject_nonsense_at_once() {
    assertThatThrownBy(() -> JsonTransform.of().maxBodyBytes(0))
        .hasMessage("maxBodyBytes: 0 (expected: >= 1)");
    assertThatThrownBy(() -> JsonTransform.of().maxCompressionRatio(0))
        .hasMessage("maxCompressionRatio: 0 (expected: >= 1)");
    assertThatThrownBy(() -> JsonTransform.of().keepOnly())
        .hasMessage("keepOnly: no pointers (expected: at least one)");
    assertThatThrownBy(() -> TransformValue.of(new Object()))
        .hasMessageContaining("value: java.lang.Object (expected: a String, a finite number, a Boolean, or a List or Map");
    assertThatThrownBy(() -> TransformValue.of(Double.NaN)).hasMessageContaining("value: java.lang.Double");
    assertThatThrownBy(() -> TransformValue.of(Map.of(1, "x"))).hasMessage("value: a map key 1 (expected: string keys)");
    assertThatThrownBy(() -> TransformValue.pathVariable("1d"))
        .hasMessageContaining("pathVariable: '1d' (expected: a letter or '_'");
    assertThatThrownBy(() -> TransformValue.header(" ")).hasMessage("header: ' ' (expected: a name)");
    assertThatThrownBy(() -> Compression.gzip().level(10)).hasMessage("compression.level: 10 (expected: 1 to 9)");
    assertThatThrownBy(() -> Compression.gzip().minSize(-1)).hasMessage("compression.minSize: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Compression.gzip().contentTypes("json"))
        .hasMessage("compression.contentTypes: 'json' (expected: a media type such as application/json, text/* or"
            + " application/*+json)");
    assertThatThrownBy(() -> Compression.gzip().contentTypes(new String[0]))
        .hasMessage("compression.contentTypes: none (expected: at least one media type)");
  }

  @Test
  void values_are_immutable_and_equal_by_content() {
    JsonTransform base = JsonTransform.of().remove("/a");
    assertThat(base.wrap("d")).isNotEqualTo(base);
    assertThat(base.operations()).hasSize(1);
    assertThat(JsonTransform.of().remove("/a")).isEqualTo(base).hasSameHashCodeAs(base).hasToString(base.toString());
    assertThat(Compression.gzip().level(3)).isEqualTo(Compression.gzip().level(3)).isNotEqualTo(Compression.gzip());
    assertThat(Compression.none().enabled()).isFalse();
    assertThat(TransformValue.claim("tenant")).isEqualTo(TransformValue.claim("tenant"))
        .hasToString("claim 'tenant'");
  }
}
