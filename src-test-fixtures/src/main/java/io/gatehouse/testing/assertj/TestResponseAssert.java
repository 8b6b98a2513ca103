package io.gatehouse.testing.assertj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.TestResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link TestResponse}: status, headers, body, the route that matched and what the
 * upstream received. Failures show the actual values.
 *
 * <p>{@code assertThat(res).hasStatus(404).isProblem().wasNotRouted();}
 *
 * <p>The {@code upstreamSaw...} assertions expect exactly one upstream call; for a route that
 * calls more than once (retries, mirrors), count the calls with {@link #upstreamCalls(int)} and
 * choose which call the assertions that follow look at:
 * {@code assertThat(res).upstreamCalls(3).lastUpstreamCall().upstreamSawPath("/orders/7")} or
 * {@code .anyUpstreamCall().upstreamSawHeader("X-Mirror", "1")}.
 *
 * @since 0.1
 */
public final class TestResponseAssert extends AbstractAssert<TestResponseAssert, TestResponse> {
  // ObjectReader is immutable, so sharing it is no shared mutable state.
  private static final ObjectReader JSON = new ObjectMapper().reader();

  /** Which upstream call the {@code upstreamSaw...} assertions look at. */
  private enum Calls { SINGLE, LAST, ANY }

  private Calls calls = Calls.SINGLE;
  private String origin; // when set, only the calls to this origin are looked at

  TestResponseAssert(TestResponse actual) {
    super(actual, TestResponseAssert.class);
  }

  /**
   * The status is this.
   *
   * @param expected the status
   * @return this assertion
   */
  public TestResponseAssert hasStatus(int expected) {
    isNotNull();
    if (actual.status() != expected) {
      failWithMessage("expected status %s but was %s%n  response: %s", expected, actual.status(), actual);
    }
    return this;
  }

  /**
   * A header has this first value.
   *
   * @param name the field name
   * @param expected the value
   * @return this assertion
   */
  public TestResponseAssert hasHeader(String name, String expected) {
    isNotNull();
    Optional<String> value = actual.header(name);
    if (!value.equals(Optional.of(expected))) {
      failWithMessage("expected header %s: %s but was %s%n  headers: %s", name, expected,
          value.orElse("(absent)"), actual.headers());
    }
    return this;
  }

  /**
   * A header is present.
   *
   * @param name the field name
   * @return this assertion
   */
  public TestResponseAssert hasHeader(String name) {
    isNotNull();
    if (!actual.headers().contains(name)) {
      failWithMessage("expected header %s to be present%n  headers: %s", name, actual.headers());
    }
    return this;
  }

  /**
   * A header is absent.
   *
   * @param name the field name
   * @return this assertion
   */
  public TestResponseAssert doesNotHaveHeader(String name) {
    isNotNull();
    if (actual.headers().contains(name)) {
      failWithMessage("expected no header %s but found %s", name, actual.headers().all(name));
    }
    return this;
  }

  /**
   * The body, as UTF-8, is exactly this.
   *
   * @param expected the body
   * @return this assertion
   */
  public TestResponseAssert hasBody(String expected) {
    isNotNull();
    if (!actual.body().equals(expected)) {
      failWithMessage("expected body%n  '%s'%nbut was%n  '%s'", expected, actual.body());
    }
    return this;
  }

  /**
   * The body, as UTF-8, contains this.
   *
   * @param expected a part of the body
   * @return this assertion
   */
  public TestResponseAssert bodyContains(String expected) {
    isNotNull();
    if (!actual.body().contains(expected)) {
      failWithMessage("expected body to contain%n  '%s'%nbut was%n  '%s'", expected, actual.body());
    }
    return this;
  }

  /**
   * The body is this JSON value: compared as JSON trees, so whitespace and the order of object
   * members do not matter, while array order and number values do. Fits a response a
   * {@code JsonTransform} reshaped.
   *
   * <p>{@code assertThat(res).hasJsonBody("{\"order\":{\"id\":7}}")}
   *
   * @param expected the JSON
   * @return this assertion
   * @since 0.3
   */
  public TestResponseAssert hasJsonBody(String expected) {
    isNotNull();
    JsonNode want = json(expected, "the expected JSON");
    JsonNode got = tryJson(actual.body());
    if (got == null || !got.equals(want)) {
      failWithMessage("expected JSON body%n  %s%nbut was%n  '%s'", want, actual.body());
    }
    return this;
  }

  /**
   * The JSON body has this value at a JSON Pointer.
   *
   * <p>{@code assertThat(res).hasJsonAt("/customer/tier", "\"gold\"")}
   *
   * @param pointer an RFC 6901 pointer, such as {@code /items/0/id}
   * @param expected the value, as JSON ({@code "\"text\""}, {@code 7}, {@code null})
   * @return this assertion
   * @since 0.3
   */
  public TestResponseAssert hasJsonAt(String pointer, String expected) {
    isNotNull();
    JsonNode want = json(expected, "the expected JSON");
    JsonNode got = tryJson(actual.body());
    JsonNode at = got == null ? null : got.at(pointer);
    if (at == null || at.isMissingNode() || !at.equals(want)) {
      failWithMessage("expected %s at %s but found %s%n  body: '%s'", want, pointer,
          at == null ? "a body that is not JSON" : at.isMissingNode() ? "nothing" : at, actual.body());
    }
    return this;
  }

  /**
   * The JSON body has nothing at a JSON Pointer: what a transformation removed stays removed.
   *
   * @param pointer an RFC 6901 pointer
   * @return this assertion
   * @since 0.3
   */
  public TestResponseAssert hasNoJsonAt(String pointer) {
    isNotNull();
    JsonNode got = tryJson(actual.body());
    if (got == null) {
      failWithMessage("expected a JSON body without %s but the body is not JSON: '%s'", pointer, actual.body());
    } else if (!got.at(pointer).isMissingNode()) {
      failWithMessage("expected nothing at %s but found %s%n  body: '%s'", pointer, got.at(pointer), actual.body());
    }
    return this;
  }

  /**
   * The upstream received this JSON body, compared as JSON trees (see {@link #hasJsonBody}): what
   * a request {@code JsonTransform} sent on.
   *
   * @param expected the JSON
   * @return this assertion
   * @since 0.3
   */
  public TestResponseAssert upstreamSawJsonBody(String expected) {
    JsonNode want = json(expected, "the expected JSON");
    return upstreamSaw("JSON body " + want, r -> want.equals(tryJson(r.bodyText())), r -> "body '" + r.bodyText() + "'");
  }

  private static JsonNode json(String text, String what) {
    JsonNode node = tryJson(text);
    if (node == null) {
      throw new IllegalArgumentException(what + " is not JSON: '" + text + "'");
    }
    return node;
  }

  private static JsonNode tryJson(String text) {
    try {
      return text.isEmpty() ? null : JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The response is a problem (RFC 9457) made by the gateway, carrying the request id: its
   * {@code Content-Type} is {@code application/problem+json} and its body a JSON object whose
   * {@code status} is the response's and whose {@code requestId} is the request's.
   *
   * @return this assertion
   */
  public TestResponseAssert isProblem() {
    isNotNull();
    String type = actual.header("Content-Type").orElse("(absent)");
    if (!type.startsWith("application/problem+json")) {
      failWithMessage("expected Content-Type application/problem+json but was %s%n  response: %s", type, actual);
    }
    String status = "\"status\":" + actual.status();
    if (!namesStatusAndRequestId(actual)) {
      failWithMessage("expected a problem body with %s and the request id %s but was%n  %s", status,
          actual.requestId(), actual.body());
    }
    return this;
  }

  /** Whether the body is a JSON object with the response's status and request id, however it is spaced or ordered. */
  private static boolean namesStatusAndRequestId(TestResponse response) {
    JsonNode problem;
    try {
      problem = JSON.readTree(response.bodyBytes());
    } catch (IOException e) {
      return false;
    }
    return problem != null && problem.isObject()
        && problem.path("status").isIntegralNumber() && problem.path("status").asLong() == response.status()
        && problem.path("requestId").isTextual() && problem.path("requestId").textValue().equals(response.requestId());
  }

  /**
   * The request was routed to this route. A failure shows the route explanation: which route
   * matched, and why each route declared before it did not.
   *
   * @param routeId the expected route id
   * @return this assertion
   */
  public TestResponseAssert wasRoutedTo(String routeId) {
    isNotNull();
    if (!actual.routeId().equals(Optional.of(routeId))) {
      failWithMessage("expected the request to be routed to '%s' but it was %s%n  response: %s%n%s", routeId,
          actual.routeId().map(r -> "routed to '" + r + "'").orElse("not routed"), actual, explained(routeId));
    }
    return this;
  }

  /**
   * No route matched. A failure shows the route explanation.
   *
   * @return this assertion
   */
  public TestResponseAssert wasNotRouted() {
    isNotNull();
    if (actual.routeId().isPresent()) {
      failWithMessage("expected no route to match but '%s' did%n  response: %s%n%s", actual.routeId().get(), actual,
          explained(null));
    }
    return this;
  }

  /** The explanation, indented, and where {@code expected} (if not null) stands in it. */
  private String explained(String expected) {
    RouteExplanation why;
    try {
      why = actual.explanation();
    } catch (RuntimeException e) {
      return "  (no route explanation: " + e + ")";
    }
    StringBuilder text = new StringBuilder("  route explanation:\n    ")
        .append(why.toString().replace("\n", "\n    "));
    boolean tried = why.candidates().stream().anyMatch(c -> c.routeId().equals(expected));
    if (expected != null && !tried && why.problem().isEmpty()) {
      text.append("\n  route '").append(expected).append("' was not tried: routes are tried in declaration order, and '")
          .append(why.matchedRoute().orElseThrow()).append("' matched first");
    } else if (expected != null && !tried && !why.candidates().isEmpty()) {
      text.append("\n  there is no route '").append(expected).append("' (routes: ")
          .append(why.candidates().stream().map(RouteExplanation.Candidate::routeId).collect(Collectors.joining(", ")))
          .append(")");
    }
    return text.toString();
  }

  /**
   * What the route's response cache did, read from the gateway's own entry in
   * {@code Cache-Status} (RFC 9211). A failure shows the header and the outcomes it could have been.
   *
   * <p>{@code assertThat(tester.get("/catalog/7").send()).hasCacheOutcome(CacheOutcome.HIT);}
   *
   * @param expected the outcome
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert hasCacheOutcome(CacheOutcome expected) {
    isNotNull();
    Optional<String> status = actual.headers().all("Cache-Status").stream()
        .flatMap(line -> java.util.Arrays.stream(line.split(",")))
        .map(String::trim)
        .filter(member -> member.equals("gatehouse") || member.startsWith("gatehouse;"))
        .findFirst();
    if (status.isEmpty()) {
      failWithMessage("expected the response cache's outcome %s but the response has no gatehouse entry in Cache-Status"
          + " (%s): is the route cached (RouteBuilder.cache), and was the method GET or HEAD?%n  response: %s", expected,
          actual.headers().all("Cache-Status"), actual);
    }
    CacheOutcome seen = outcome(status.get());
    if (seen != expected) {
      failWithMessage("expected the response cache's outcome %s but it was %s (Cache-Status: %s; outcomes: %s)%n"
          + "  response: %s", expected, seen, status.get(), java.util.Arrays.toString(CacheOutcome.values()), actual);
    }
    return this;
  }

  /**
   * Answered from a fresh stored response, without an upstream call of its own:
   * {@code hasCacheOutcome(CacheOutcome.HIT)}.
   *
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert wasCacheHit() {
    return hasCacheOutcome(CacheOutcome.HIT);
  }

  /**
   * Nothing usable was stored and the upstream answered: {@code hasCacheOutcome(CacheOutcome.MISS)}.
   *
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert wasCacheMiss() {
    return hasCacheOutcome(CacheOutcome.MISS);
  }

  /**
   * Answered from a stale stored response (stale-while-revalidate or stale-if-error):
   * {@code hasCacheOutcome(CacheOutcome.STALE)}.
   *
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert wasServedStale() {
    return hasCacheOutcome(CacheOutcome.STALE);
  }

  /** The outcome a gatehouse {@code Cache-Status} member stands for (the gateway writes these forms). */
  private static CacheOutcome outcome(String member) {
    if (member.contains("detail=stale-while-revalidate") || member.contains("detail=stale-if-error")) {
      return CacheOutcome.STALE;
    }
    if (member.contains("; hit") || member.contains("; collapsed")) {
      return CacheOutcome.HIT;
    }
    if (member.contains("fwd=stale; fwd-status=304")) {
      return CacheOutcome.REVALIDATED;
    }
    if (member.contains("fwd=bypass")) {
      return CacheOutcome.BYPASS;
    }
    return CacheOutcome.MISS;
  }

  /**
   * No upstream was called.
   *
   * @return this assertion
   */
  public TestResponseAssert wasNotProxied() {
    isNotNull();
    if (!actual.upstreamRequests().isEmpty()) {
      failWithMessage("expected no upstream call but saw %s", actual.upstreamRequests());
    }
    return this;
  }

  /**
   * The upstream was called exactly this many times (retries and mirror copies count).
   *
   * <p>{@code assertThat(res).upstreamCalls(2);}
   *
   * @param expected zero or more
   * @return this assertion
   */
  public TestResponseAssert upstreamCalls(int expected) {
    isNotNull();
    List<RecordedRequest> seen = actual.upstreamRequests();
    if (seen.size() != expected) {
      failWithMessage("expected %s upstream call(s) but saw %s: %s", expected, seen.size(), seen);
    }
    return this;
  }

  /**
   * From here on, the {@code upstreamSaw...} assertions look at the last upstream call (the one
   * whose answer the client got, after retries).
   *
   * <p>{@code assertThat(res).lastUpstreamCall().upstreamSawPath("/b");}
   *
   * @return this assertion
   */
  public TestResponseAssert lastUpstreamCall() {
    calls = Calls.LAST;
    return this;
  }

  /**
   * From here on, each {@code upstreamSaw...} assertion passes if at least one upstream call
   * satisfies it.
   *
   * <p>{@code assertThat(res).anyUpstreamCall().upstreamSawHeader("X-Shadow", "1");}
   *
   * @return this assertion
   */
  public TestResponseAssert anyUpstreamCall() {
    calls = Calls.ANY;
    return this;
  }

  /**
   * From here on, the {@code upstreamSaw...} assertions look only at the calls to this origin, the
   * one call there unless {@link #lastUpstreamCall()} or {@link #anyUpstreamCall()} says otherwise:
   * for a route that calls several upstreams, such as an aggregation.
   *
   * <p>{@code assertThat(res).upstreamCallTo("http://users:8080").upstreamSawPath("/users/7");}
   *
   * @param origin the origin as stubbed, such as {@code http://users:8080}
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert upstreamCallTo(String origin) {
    java.net.URI uri = java.net.URI.create(java.util.Objects.requireNonNull(origin, "origin").trim());
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("origin: '" + origin + "' (expected: an absolute URL such as http://users:8080)");
    }
    // Spelled as the stubs record it (io.gatehouse.testing.Origins): http://Users/ is http://users:80.
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    this.origin = scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + ":" + port;
    return this;
  }

  /**
   * The response is an aggregation's in which every backend answered:
   * {@code Gatehouse-Completed: true}.
   *
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert isComplete() {
    isNotNull();
    String completed = actual.header("Gatehouse-Completed").orElse("(absent)");
    if (!completed.equals("true")) {
      failWithMessage("expected Gatehouse-Completed: true but was %s (Gatehouse-Missing: %s)%n  response: %s", completed,
          actual.header("Gatehouse-Missing").orElse("(absent)"), actual);
    }
    return this;
  }

  /**
   * The response is an aggregation's without the answers of exactly these optional backends:
   * {@code Gatehouse-Completed: false} and {@code Gatehouse-Missing} listing them, in declaration order.
   *
   * @param missing the backends' keys
   * @return this assertion
   * @since 0.2
   */
  public TestResponseAssert isPartial(String... missing) {
    isNotNull();
    String completed = actual.header("Gatehouse-Completed").orElse("(absent)");
    String listed = actual.header("Gatehouse-Missing").orElse("(absent)");
    String expected = String.join(", ", missing);
    if (!completed.equals("false") || !listed.equals(expected)) {
      failWithMessage("expected Gatehouse-Completed: false and Gatehouse-Missing: %s but was %s and %s%n  response: %s",
          expected, completed, listed, actual);
    }
    return this;
  }

  /**
   * The upstream received this path (without query).
   *
   * @param expected the percent-encoded path
   * @return this assertion
   */
  public TestResponseAssert upstreamSawPath(String expected) {
    return upstreamSaw("path " + expected, r -> r.path().equals(expected), r -> "path " + r.path());
  }

  /**
   * The upstream received this raw query.
   *
   * @param expected the raw query without {@code ?}
   * @return this assertion
   */
  public TestResponseAssert upstreamSawQuery(String expected) {
    return upstreamSaw("query " + expected, r -> r.rawQuery().equals(Optional.of(expected)),
        r -> "query " + r.rawQuery().orElse("(none)"));
  }

  /**
   * The upstream received this method.
   *
   * @param expected the method
   * @return this assertion
   */
  public TestResponseAssert upstreamSawMethod(String expected) {
    return upstreamSaw("method " + expected, r -> r.method().equals(expected), r -> "method " + r.method());
  }

  /**
   * The upstream received a header with this first value.
   *
   * @param name the field name
   * @param expected the value
   * @return this assertion
   */
  public TestResponseAssert upstreamSawHeader(String name, String expected) {
    return upstreamSaw("header " + name + ": " + expected, r -> r.headers().first(name).equals(Optional.of(expected)),
        r -> "header " + name + ": " + r.headers().first(name).orElse("(absent)") + "\n  upstream headers: " + r.headers());
  }

  /**
   * The upstream did not receive a header.
   *
   * @param name the field name
   * @return this assertion
   */
  public TestResponseAssert upstreamSawNoHeader(String name) {
    return upstreamSaw("no header " + name, r -> !r.headers().contains(name),
        r -> "header " + name + ": " + r.headers().all(name));
  }

  /**
   * The upstream received this body, as UTF-8.
   *
   * @param expected the body
   * @return this assertion
   */
  public TestResponseAssert upstreamSawBody(String expected) {
    return upstreamSaw("body '" + expected + "'", r -> r.bodyText().equals(expected), r -> "body '" + r.bodyText() + "'");
  }

  /** Checks the chosen call(s); a failure says what was expected and what each call looked at saw. */
  private TestResponseAssert upstreamSaw(String expected, Predicate<RecordedRequest> holds,
      Function<RecordedRequest, String> saw) {
    isNotNull();
    List<RecordedRequest> seen = actual.upstreamRequests();
    if (origin != null) {
      String to = origin;
      seen = seen.stream().filter(r -> r.origin().equals(to)).toList();
      if (seen.isEmpty()) {
        failWithMessage("expected a call to %s but saw none; the calls went to %s%n  response: %s", to,
            actual.upstreamRequests().stream().map(RecordedRequest::origin).distinct().toList(), actual);
      }
    }
    switch (calls) {
      case SINGLE -> {
        if (seen.size() != 1) {
          failWithMessage("expected exactly one upstream call but saw %s: %s%n  response: %s%n"
              + "  (for several calls: upstreamCalls(n), lastUpstreamCall(), anyUpstreamCall())", seen.size(), seen, actual);
        }
        check(expected, holds, saw, seen.get(0), "the upstream");
      }
      case LAST -> {
        if (seen.isEmpty()) {
          failWithMessage("expected an upstream call but saw none%n  response: %s", actual);
        }
        check(expected, holds, saw, seen.get(seen.size() - 1), "the last upstream call");
      }
      case ANY -> {
        if (seen.stream().noneMatch(holds)) {
          failWithMessage("expected some upstream call to see %s but none did:%n  %s", expected,
              seen.stream().map(saw).collect(Collectors.joining("\n  ")));
        }
      }
      default -> throw new IllegalStateException("calls: " + calls);
    }
    return this;
  }

  private void check(String expected, Predicate<RecordedRequest> holds, Function<RecordedRequest, String> saw,
      RecordedRequest call, String who) {
    if (!holds.test(call)) {
      failWithMessage("expected %s to see %s but it saw %s%n  upstream request: %s", who, expected, saw.apply(call), call);
    }
  }
}
