package io.gatehouse.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregationTest {
  private static final Upstream USERS = Upstream.of("http://users:8080");

  @Test
  void a_backend_is_a_value_whose_setters_return_changed_copies() {
    Backend base = Backend.of("user", USERS, "/users/{id}");
    Backend changed = base.optional().timeout(Duration.ofMillis(300)).retry(Retry.times(1))
        .circuitBreaker(CircuitBreaker.of()).forwardHeaders("Authorization").header("X-T", "{id}")
        .bind("cid", "first", "/companyId").allow("/name").deny("/secret").maxBodyBytes(1024);

    assertThat(base.required()).isTrue();
    assertThat(base.timeout()).isEmpty();
    assertThat(base.maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(base.forwardHeaders()).isEmpty();
    assertThat(changed.required()).isFalse();
    assertThat(changed.timeout()).hasValue(Duration.ofMillis(300));
    assertThat(changed.retry()).hasValue(Retry.times(1));
    assertThat(changed.circuitBreaker()).hasValue(CircuitBreaker.of());
    assertThat(changed.forwardHeaders()).containsExactly("Authorization");
    assertThat(changed.headers()).containsExactly(Map.entry("X-T", "{id}"));
    assertThat(changed.bindings()).containsExactly(Map.entry("cid", new Backend.Binding("first", "/companyId")));
    assertThat(changed.allow()).containsExactly("/name");
    assertThat(changed.deny()).containsExactly("/secret");
    assertThat(changed.maxBodyBytes()).isEqualTo(1024);
    assertThat(changed.key()).isEqualTo("user");
    assertThat(changed.upstream()).isEqualTo(USERS);
    assertThat(changed.path()).isEqualTo("/users/{id}");
    assertThat(changed).isEqualTo(Backend.of("user", "http://users:8080", "/users/{id}").optional()
        .timeout(Duration.ofMillis(300)).retry(Retry.times(1)).circuitBreaker(CircuitBreaker.of())
        .forwardHeaders("Authorization").header("X-T", "{id}").bind("cid", "first", "/companyId").allow("/name")
        .deny("/secret").maxBodyBytes(1024)).hasSameHashCodeAs(changed.optional()).isNotEqualTo(base);
    assertThatThrownBy(() -> changed.headers().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> changed.allow().add("/x")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(changed.toString()).startsWith("Backend[key=user, upstream=").contains("required=false");
  }

  @Test
  void an_aggregation_keeps_its_steps_in_order_and_its_merger() {
    Backend a = Backend.of("a", USERS, "/a");
    Backend b = Backend.of("b", USERS, "/b");
    Backend c = Backend.of("c", USERS, "/c");
    Aggregation one = Aggregation.of(a, b);
    Aggregation two = one.then(c).merger(Merger.deepMerge());

    assertThat(one.steps()).containsExactly(List.of(a, b));
    assertThat(one.merger()).isSameAs(Merger.byKey());
    assertThat(two.steps()).containsExactly(List.of(a, b), List.of(c));
    assertThat(two.backends()).containsExactly(a, b, c);
    assertThat(two.merger()).isSameAs(Merger.deepMerge());
    assertThat(two).isEqualTo(Aggregation.of(a, b).then(c).merger(Merger.deepMerge())).isNotEqualTo(one)
        .hasSameHashCodeAs(Aggregation.of(a, b).then(c).merger(Merger.deepMerge()));
    assertThatThrownBy(() -> one.then()).hasMessage("aggregation step: no backends (expected: at least one)");
    assertThatThrownBy(() -> two.steps().get(0).add(c)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_route_keeps_its_aggregation_through_to_builder_and_lists_its_backends_upstreams() {
    Upstream orders = Upstream.of("http://orders:8080");
    Aggregation aggregation = Aggregation.of(Backend.of("user", USERS, "/u"), Backend.of("orders", orders, "/o"));
    RouteSpec route = RouteSpec.builder("profile").path("/p").aggregate(aggregation).build();

    assertThat(route.destination().aggregation()).hasValue(aggregation);
    assertThat(route.toBuilder().build()).isEqualTo(route);
    assertThat(route.upstreamsUsed()).containsExactly(USERS, orders);
    assertThat(route.toString()).contains("aggregation=Aggregation[steps=");
  }

  @Test
  void the_built_in_mergers_merge_plain_values_as_documented() {
    Map<String, Object> answers = new LinkedHashMap<>();
    answers.put("a", new LinkedHashMap<>(Map.of("o", new LinkedHashMap<>(Map.of("x", 1)))));
    answers.put("b", new LinkedHashMap<>(Map.of("o", Map.of("y", 2))));
    answers.put("c", List.of(3));
    answers.put("d", null);

    assertThat(Merger.byKey().merge(answers)).isEqualTo(answers);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("o", Map.of("x", 1, "y", 2));
    expected.put("c", List.of(3));
    expected.put("d", null);
    assertThat(Merger.deepMerge().merge(answers)).isEqualTo(expected);
  }
}
