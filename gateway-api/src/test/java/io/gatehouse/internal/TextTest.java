package io.gatehouse.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.route.HeaderOperation;
import io.gatehouse.route.RequestCondition;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** No text that gateway-api prints says {@code Optional.empty} or {@code Optional[...]}. */
class TextTest {
  private static final Upstream A = Upstream.of("http://a:1");

  @Test
  void an_optional_prints_as_its_value_or_none() {
    assertThat(Text.valueOrNone(Optional.of("x"))).isEqualTo("x");
    assertThat(Text.valueOrNone(Optional.empty())).isEqualTo("none");
    assertThat(Text.valueOrNone(OptionalInt.of(3))).isEqualTo("3");
    assertThat(Text.valueOrNone(OptionalInt.empty())).isEqualTo("none");
    assertThat(Text.valueOrNone(OptionalLong.of(4))).isEqualTo("4");
    assertThat(Text.valueOrNone(OptionalLong.empty())).isEqualTo("none");
    assertThat(Text.valueOrNone(OptionalDouble.of(0.5))).isEqualTo("0.5");
    assertThat(Text.valueOrNone(OptionalDouble.empty())).isEqualTo("none");
    assertThat(Text.valueOrNone(7)).isEqualTo("7");
    assertThat(Text.valueOrNone(null)).isEqualTo("null");
    assertThat(Text.quotedOrNone(Optional.of("x"))).isEqualTo("'x'");
    assertThat(Text.quotedOrNone(Optional.empty())).isEqualTo("none");
  }

  @Test
  void a_final_class_prints_like_a_record_with_optional_fields_as_their_value_or_none() {
    Object value = new Object() {};
    assertThat(Text.fields(value)).isEqualTo("[]");
    assertThat(Text.fields(this, "a", 1, "b", Optional.empty(), "c", Optional.of("x"), "d", OptionalLong.of(3), "e", List.of()))
        .isEqualTo("TextTest[a=1, b=none, c=x, d=3, e=[]]");
    assertThatThrownBy(() -> Text.fields(this, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namesAndValues: 1 (expected: an even count)");
    assertThatThrownBy(() -> Text.fields(this, 1, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namesAndValues[0]: 1 (expected: a field name)");
  }

  @Test
  void a_value_given_or_missing_against_its_action_is_named_in_the_message() {
    assertThatThrownBy(() -> new HeaderOperation(HeaderOperation.Action.SET, "X-A", Optional.empty()))
        .hasMessage("header 'X-A': value none (expected: a value for set and add, none for remove)");
    assertThatThrownBy(() -> new HeaderOperation(HeaderOperation.Action.REMOVE, "X-A", Optional.of("v")))
        .hasMessage("header 'X-A': value 'v' (expected: a value for set and add, none for remove)");
    assertThatThrownBy(() -> new RequestCondition(RequestCondition.Source.QUERY, "q", RequestCondition.Match.EQUALS, Optional.empty()))
        .hasMessage("query 'q': value none (expected: a value exactly when matching)");
    assertThatThrownBy(() -> new RequestCondition(RequestCondition.Source.COOKIE, "c", RequestCondition.Match.PRESENT, Optional.of("v")))
        .hasMessage("cookie 'c': value 'v' (expected: a value exactly when matching)");
  }

  @Test
  void an_explanation_with_both_or_neither_verdict_names_them() {
    assertThatThrownBy(() -> new RouteExplanation("GET", "/x", Optional.of("/x"), Optional.empty(), List.of(), List.of(),
        Optional.empty()))
        .hasMessage("problem: none with matchedRoute none (expected: a problem exactly when no route matches)");
    assertThatThrownBy(() -> new RouteExplanation("GET", "/x", Optional.of("/x"), Optional.of("orders"), List.of(), List.of(),
        Optional.of("404 Not Found: no route matches GET /x")))
        .hasMessage("problem: '404 Not Found: no route matches GET /x' with matchedRoute 'orders'"
            + " (expected: a problem exactly when no route matches)");
  }

  @Test
  void records_print_optional_components_as_their_value_or_none() {
    assertThat(new HeaderOperation(HeaderOperation.Action.SET, "X-A", Optional.of("v")))
        .hasToString("HeaderOperation[action=SET, name=X-A, value=v]");
    assertThat(new HeaderOperation(HeaderOperation.Action.REMOVE, "X-A", Optional.empty()))
        .hasToString("HeaderOperation[action=REMOVE, name=X-A, value=none]");
    assertThat(RateLimitCost.of(2)).hasToString("RateLimitCost[permits=2, header=none, max=2]");
    assertThat(RateLimitCost.fromHeader("X-Cost", 10)).hasToString("RateLimitCost[permits=1, header=X-Cost, max=10]");
    assertThat(ExchangeDeadline.none()).hasToString("ExchangeDeadline[total=none, minBytesPerSecond=0, grace=PT1S]");
    assertThat(ExchangeDeadline.of(Duration.ofSeconds(30)).minBodyRate(1024, Duration.ofSeconds(5)))
        .hasToString("ExchangeDeadline[total=PT30S, minBytesPerSecond=1024, grace=PT5S]");
    assertThat(TrafficSplit.of(A, 1)).hasToString(
        "TrafficSplit[rules=[], branches=[Branch[upstream=" + A + ", weight=1]], stickyOn=none]");
    assertThat(TrafficSplit.of(A, 1).stickyOn(RequestKey.header("X-User"))).hasToString(
        "TrafficSplit[rules=[], branches=[Branch[upstream=" + A + ", weight=1]], stickyOn=RequestKey[kind=HEADER, name=X-User]]");
    assertThat(new RequestRecord(Instant.EPOCH, "req-1", "0".repeat(32), "127.0.0.1", Optional.of("alice"), Optional.empty(),
        "GET", "/x", Optional.empty(), 404, 0, 12, Duration.ofMillis(3), Optional.empty(), Optional.empty(), 0))
        .hasToString("RequestRecord[start=1970-01-01T00:00:00Z, requestId=req-1, traceId=" + "0".repeat(32)
            + ", clientAddress=127.0.0.1, consumer=alice, routeId=none, method=GET, path=/x, upstream=none, status=404,"
            + " bytesIn=0, bytesOut=12, duration=PT0.003S, upstreamDuration=none, rejection=none, upstreamAttempts=0, cache=none]");
    // Sets in these print in no fixed order, so only their optional parts are pinned.
    assertThat(Retry.times(2).toString()).startsWith("Retry[maxRetries=2, ").contains(", idempotencyKey=none, ")
        .doesNotContain("Optional");
    assertThat(Retry.times(2).idempotencyKey("Idempotency-Key").toString()).contains(", idempotencyKey=Idempotency-Key, ");
    RouteSpec route = RouteSpec.builder("orders").path("/orders/**").upstream(A).timeout(Duration.ofSeconds(2)).build();
    assertThat(route.toString()).startsWith("RouteSpec[id=orders, match=RouteMatch[paths=[/orders/**], ")
        .contains(", rewrite=RouteRewrite[stripPrefix=0, path=none, ", "[upstream=" + A + ", ", ", timeout=PT2S, ",
            ", retry=none, ", ", maxRequestBody=none, ipRules=none, cors=none]", ", securityHeaders=none]", ", exchangeDeadline=none]")
        .endsWith(", filters=[], cache=none, validation=none, requestTransform=none, responseTransform=none, compression=none]")
        .doesNotContain("Optional");
    assertThat(Gateway.builder().route(route).version("v7").spec().toString())
        .startsWith("GatewaySpec[routes=[" + route + "], ")
        .contains(", transport=none, ", ", defaultUsagePlan=none]", ", version=v7, ", ", tracing=none]")
        .doesNotContain("Optional");
  }
}
