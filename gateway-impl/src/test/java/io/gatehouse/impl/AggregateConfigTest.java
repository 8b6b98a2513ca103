package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Retry;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** build() checks aggregations and names the route and the field of every mistake. */
class AggregateConfigTest {
  private static final String U = "http://u:1";

  private static java.util.List<String> violations(String path, Aggregation aggregation) {
    return violations(r -> r.path(path).aggregate(aggregation));
  }

  private static java.util.List<String> violations(UnaryOperator<RouteBuilder> route) {
    return ConfigValidationTest.failure(ConfigValidationTest.builder().route("agg", route::apply))
        .violations().stream().map(ConfigViolation::toString).toList();
  }

  @Test
  void a_valid_aggregation_builds() {
    try (Gateway g = ConfigValidationTest.builder().route("agg", r -> r.path("/users/{id}").timeout(Duration.ofSeconds(1))
        .aggregate(Aggregation.of(Backend.of("user", U, "/users/{id}"),
                Backend.of("orders", U, "/orders?user={id}").optional().retry(Retry.times(1))
                    .circuitBreaker(CircuitBreaker.of()).allow("/items").deny("/items/0/secret"))
            .then(Backend.of("company", U, "/companies/{cid}").bind("cid", "user", "/company/id")
                .header("X-Tenant", "t-{cid}")))).build()) {
      assertThat(g.spec().routes().get(0).upstreamsUsed()).hasSize(3);
    }
  }

  @Test
  void a_template_that_does_not_parse_is_named_with_its_backend() {
    assertThat(violations("/users/{id}", Aggregation.of(Backend.of("user", U, "users/{id}"),
        Backend.of("x", U, "/x/{id").header("X-A", "{nope"))))
        .containsExactly(
            "route 'agg': aggregate[user].path: 'users/{id}' does not start with '/' (expected: a path such as /users/{id}, with an optional query)",
            "route 'agg': aggregate[x].path: '/x/{id' has a '{' without '}' (expected: {name} placeholders)",
            "route 'agg': aggregate[x].header[X-A]: '{nope' has a '{' without '}' (expected: {name} placeholders)");
  }

  @Test
  void a_variable_that_is_neither_a_path_variable_of_every_pattern_nor_bound_is_named() {
    assertThat(violations(r -> r.path("/users/{id}", "/people/{pid}")
        .aggregate(Aggregation.of(Backend.of("user", U, "/users/{id}").header("X-P", "{pid}")))))
        .containsExactly(
            "route 'agg': aggregate[user].path: '/users/{id}' uses {id} (expected: a path variable of every path pattern of the route, or a variable bound with bind(...))",
            "route 'agg': aggregate[user].header[X-P]: '{pid}' uses {pid} (expected: a path variable of every path pattern of the route, or a variable bound with bind(...))");
    assertThat(violations("/users/{id}", Aggregation.of(Backend.of("user", U, "/users/{uid}"))))
        .containsExactly("route 'agg': aggregate[user].path: '/users/{uid}' uses {uid} (expected: a path variable of every path pattern of the route, or a variable bound with bind(...): id)");
  }

  @Test
  void duplicate_keys_are_refused() {
    assertThat(violations("/u", Aggregation.of(Backend.of("a", U, "/1"), Backend.of("b", U, "/2")).then(Backend.of("a", U, "/3"))))
        .containsExactly("route 'agg': aggregate[a]: the key 'a' is used by more than one backend (expected: unique keys)");
  }

  @Test
  void a_binding_must_name_a_backend_of_an_earlier_step() {
    assertThat(violations("/u", Aggregation.of(
            Backend.of("a", U, "/a/{x}").bind("x", "b", "/id"),
            Backend.of("b", U, "/b/{y}").bind("y", "b", "/id"))
        .then(Backend.of("c", U, "/c/{z}").bind("z", "d", "/id"))
        .then(Backend.of("d", U, "/d/{w}").bind("w", "nope", "/id"))))
        .containsExactly(
            "route 'agg': aggregate[a].bind[x]: 'b' is in the same step, which runs in parallel (expected: a backend of an earlier step; add this one with then(...))",
            "route 'agg': aggregate[b].bind[y]: 'b' is the backend itself (expected: a backend of an earlier step; add this one with then(...))",
            "route 'agg': aggregate[c].bind[z]: 'd' is not a backend of an earlier step (expected: a backend of an earlier step: a, b)",
            "route 'agg': aggregate[d].bind[w]: 'nope' is not a backend of an earlier step (expected: a backend of an earlier step: a, b, c)");
  }

  @Test
  void bad_json_pointers_unused_and_hiding_bindings_are_named() {
    String grammar = " is not an RFC 6901 JSON Pointer (expected: empty, or /-separated tokens such as /address/city, with ~0 for ~ and ~1 for /)";
    assertThat(violations("/u/{id}", Aggregation.of(Backend.of("a", U, "/a").allow("name").deny("/x~2"))
        .then(Backend.of("b", U, "/b/{x}").bind("x", "a", "id").bind("unused", "a", "/id").bind("id", "a", "/id"))))
        .containsExactly(
            "route 'agg': aggregate[a].allow: 'name'" + grammar,
            "route 'agg': aggregate[a].deny: '/x~2'" + grammar,
            "route 'agg': aggregate[b].bind[x]: 'id'" + grammar,
            "route 'agg': aggregate[b].bind[unused]: 'unused' is used by neither the path nor a header (expected: {unused} in one of them)",
            "route 'agg': aggregate[b].bind[id]: 'id' hides the route's path variable {id} (expected: another name)",
            "route 'agg': aggregate[b].bind[id]: 'id' is used by neither the path nor a header (expected: {id} in one of them)");
  }

  @Test
  void an_aggregation_is_the_one_terminal_and_resilience_is_set_per_backend() {
    Aggregation one = Aggregation.of(Backend.of("a", U, "/a"));
    assertThat(violations(r -> r.path("/u").aggregate(one).upstream(U)))
        .containsExactly("route 'agg': aggregate: set together with an upstream (expected: exactly one terminal)");
    assertThat(violations(r -> r.path("/u").aggregate(one).respond(200, "text/plain", "")))
        .containsExactly("route 'agg': aggregate: set together with a static response (expected: exactly one terminal)");
    assertThat(violations(r -> r.path("/u").aggregate(one).retry(Retry.times(1)).circuitBreaker(CircuitBreaker.of())))
        .containsExactly(
            "route 'agg': retry: set on an aggregating route (expected: per backend, such as Backend.retry(...); the route's timeout bounds the aggregation)",
            "route 'agg': circuitBreaker: set on an aggregating route (expected: per backend, such as Backend.retry(...); the route's timeout bounds the aggregation)");
    assertThat(violations(r -> r.path("/u").aggregate(one).webSocket()))
        .containsExactly("route 'agg': webSocket: set on an aggregating route (expected: only on routes with an upstream)");
  }

  @Test
  void a_backends_url_is_checked_like_any_upstream() {
    assertThat(violations("/u", Aggregation.of(Backend.of("a", "ftp://x", "/a"))))
        .singleElement().asString().startsWith("route 'agg': aggregate[a]: 'ftp://x' ");
  }

  @Test
  void setters_refuse_nonsense_at_once() {
    assertThatThrownBy(() -> Backend.of("a b", U, "/"))
        .hasMessage("backend key: 'a b' (expected: 1 to 64 of letters, digits, '_', '-')");
    assertThatThrownBy(() -> Backend.of("a", U, "/").timeout(Duration.ZERO))
        .hasMessage("backend 'a': timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Backend.of("a", U, "/").maxBodyBytes(0))
        .hasMessage("backend 'a': maxBodyBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> Backend.of("a", U, "/").bind("1x", "b", "/id"))
        .hasMessage("backend 'a': bind: '1x' (expected: a letter or '_', then up to 63 of letters, digits, '_')");
    assertThatThrownBy(() -> Backend.of("a", U, "/").forwardHeaders("Bad Header"))
        .hasMessage("backend 'a': header: 'Bad Header' (expected: an RFC 9110 token)");
    assertThatThrownBy(() -> Aggregation.of()).hasMessage("aggregation step: no backends (expected: at least one)");
  }
}
