package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.RouteExplanation.Candidate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gateway's routing ({@code handle}) and its explanation ({@code explain}) read one verdict:
 * for each request, the route that answers is the route explained, and a 404 or 405 problem says
 * in its status, title and detail exactly what the explanation's problem says, with the same
 * {@code Allow}.
 */
class RoutingVerdictTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ROUTES = List.of("orders", "order-admin", "users", "beta", "health", "docs");
  private static final Gateway CASE_SENSITIVE = gateway(false);
  private static final Gateway CASE_INSENSITIVE = gateway(true);

  private static Gateway gateway(boolean caseInsensitivePaths) {
    return Gateway.builder().caseInsensitivePaths(caseInsensitivePaths)
        .transport(call -> CompletableFuture.failedFuture(new IllegalStateException("no upstream here")))
        .route("orders", r -> r.path("/api/orders/**").methods("GET", "POST").respond(200, "text/plain", "orders"))
        .route("order-admin", r -> r.path("/api/orders/{id}").methods("DELETE").header("X-Admin")
            .respond(200, "text/plain", "order-admin"))
        .route("users", r -> r.path("/api/users/{id}").methods("GET").respond(200, "text/plain", "users"))
        .route("beta", r -> r.path("/beta/**").methods("PUT")
            .predicate("beta tester", req -> req.headers().first("X-Tester").isPresent())
            .respond(200, "text/plain", "beta"))
        .route("health", r -> r.path("/health").respond(200, "text/plain", "health"))
        .route("docs", r -> r.path("/Docs/**").methods("GET").respond(200, "text/plain", "docs"))
        .build();
  }

  @AfterAll
  static void close() {
    CASE_SENSITIVE.close();
    CASE_INSENSITIVE.close();
  }

  static Stream<Arguments> requests() {
    String anyMethod = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";
    return Stream.of(
        // matched
        row("GET", "/api/orders/7", "", Map.of(), "orders", null),
        row("POST", "/api/orders/7/items", "", Map.of(), "orders", null),
        row("DELETE", "/api/orders/7", "", Map.of("X-Admin", "yes"), "order-admin", null),
        row("GET", "/api/orders/../users/7", "", Map.of(), "users", null),
        row("PUT", "/beta/x", "", Map.of("X-Tester", "ann"), "beta", null),
        row("OPTIONS", "/health", "", Map.of(), "health", null),
        // HEAD goes where GET goes
        row("HEAD", "/api/orders/7", "", Map.of(), "orders", null),
        row("HEAD", "/api/users/7", "", Map.of(), "users", null),
        row("HEAD", "/beta/x", "", Map.of("X-Tester", "ann"), "405 Method Not Allowed: method HEAD is not allowed here (expected: PUT)", "PUT"),
        // 404
        row("GET", "/nowhere", "", Map.of(), "404 Not Found: no route matches GET /nowhere", null),
        row("GET", "/api/users/7/", "", Map.of(), "404 Not Found: no route matches GET /api/users/7/", null),
        row("GET", "/api/x/../nowhere", "", Map.of(), "404 Not Found: no route matches GET /api/nowhere", null),
        row("PUT", "/beta/x", "", Map.of(), "404 Not Found: no route matches PUT /beta/x", null),
        row("DELETE", "/nowhere", "", Map.of(), "404 Not Found: no route matches DELETE /nowhere", null),
        // 405 with Allow: the methods of every route that matched all but the method, sorted
        row("DELETE", "/api/orders/7", "", Map.of(), "405 Method Not Allowed: method DELETE is not allowed here (expected: GET, HEAD, POST)", "GET, HEAD, POST"),
        row("PUT", "/api/orders/7", "", Map.of("X-Admin", "yes"), "405 Method Not Allowed: method PUT is not allowed here (expected: DELETE, GET, HEAD, POST)", "DELETE, GET, HEAD, POST"),
        row("POST", "/api/users/7", "", Map.of(), "405 Method Not Allowed: method POST is not allowed here (expected: GET, HEAD)", "GET, HEAD"),
        row("TRACE", "/health", "", Map.of(), "405 Method Not Allowed: method TRACE is not allowed here (expected: " + anyMethod + ")", anyMethod),
        row("CONNECT", "/health", "", Map.of(), "405 Method Not Allowed: method CONNECT is not allowed here (expected: " + anyMethod + ")", anyMethod),
        // paths are case-sensitive unless the gateway says otherwise
        row("GET", "/Docs/intro", "", Map.of(), "docs", null),
        row("GET", "/docs/intro", "", Map.of(), "404 Not Found: no route matches GET /docs/intro", null),
        row("GET", "/API/users/7", "", Map.of(), "404 Not Found: no route matches GET /API/users/7", null),
        rowIgnoringCase("GET", "/docs/intro", "", Map.of(), "docs", null),
        rowIgnoringCase("HEAD", "/DOCS/intro", "", Map.of(), "docs", null),
        rowIgnoringCase("GET", "/API/Users/7", "", Map.of(), "users", null),
        rowIgnoringCase("POST", "/API/USERS/7", "", Map.of(), "405 Method Not Allowed: method POST is not allowed here (expected: GET, HEAD)", "GET, HEAD"),
        rowIgnoringCase("GET", "/nowhere/At/All", "", Map.of(), "404 Not Found: no route matches GET /nowhere/At/All", null),
        // under a mount: routes see the path after it; a 404 names the path as the client sent it
        row("GET", "/api/orders/7", "/gw", Map.of(), "orders", null),
        row("GET", "/nowhere/7", "/gw", Map.of(), "404 Not Found: no route matches GET /gw/nowhere/7", null),
        row("GET", "/a/../nowhere", "/gw", Map.of(), "404 Not Found: no route matches GET /gw/nowhere", null),
        row("DELETE", "/api/users/7", "/gw", Map.of(), "405 Method Not Allowed: method DELETE is not allowed here (expected: GET, HEAD)", "GET, HEAD"),
        rowIgnoringCase("GET", "/NOWHERE", "/Gw", Map.of(), "404 Not Found: no route matches GET /Gw/NOWHERE", null));
  }

  private static Arguments row(String method, String path, String mount, Map<String, String> headers, String verdict,
      String allow) {
    return Arguments.of(false, method, path, mount, headers, verdict, allow);
  }

  private static Arguments rowIgnoringCase(String method, String path, String mount, Map<String, String> headers,
      String verdict, String allow) {
    return Arguments.of(true, method, path, mount, headers, verdict, allow);
  }

  /**
   * @param verdict the route's id when one matches, else the problem as the explanation words it
   * @param allow the {@code Allow} header of a 405, else null
   */
  @ParameterizedTest(name = "ignoreCase={0}: {1} {3}{2} {4} -> {5}")
  @MethodSource("requests")
  void routing_and_the_explanation_reach_the_same_verdict_in_the_same_words(boolean ignoreCase, String method,
      String path, String mount, Map<String, String> headers, String verdict, String allow) throws Exception {
    Gateway gateway = ignoreCase ? CASE_INSENSITIVE : CASE_SENSITIVE;
    Request.Builder builder = Request.builder(method, path).mountPath(mount);
    headers.forEach(builder::header);
    Request request = builder.build();

    Response response = gateway.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
    RouteExplanation why = gateway.explain(request);

    String body = new String(response.body().bytes(1 << 16).toCompletableFuture().get(5, TimeUnit.SECONDS),
        StandardCharsets.UTF_8);
    if (ROUTES.contains(verdict)) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(body).isEqualTo(verdict);
      assertThat(why.matchedRoute()).as("%s", why).hasValue(verdict);
      assertThat(why.problem()).isEmpty();
      assertThat(why.candidates()).filteredOn(Candidate::matched).extracting(Candidate::routeId).containsExactly(verdict);
    } else {
      JsonNode problem = JSON.readTree(body);
      String answered = problem.get("status").asInt() + " " + problem.get("title").asText() + ": "
          + problem.get("detail").asText();
      assertThat(answered).isEqualTo(verdict);
      assertThat(response.status()).isEqualTo(problem.get("status").asInt());
      assertThat(why.problem()).as("%s", why).hasValue(verdict);
      assertThat(why.matchedRoute()).isEmpty();
      assertThat(why.candidates()).extracting(Candidate::routeId).as("every route, since none matches")
          .containsExactlyElementsOf(ROUTES);
      assertThat(why.candidates()).noneMatch(Candidate::matched);
    }
    assertThat(response.headers().first("Allow")).isEqualTo(Optional.ofNullable(allow));
  }

  @Test
  void explaining_runs_each_predicate_once_where_routing_runs_it() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (Gateway gateway = Gateway.builder()
        .transport(call -> CompletableFuture.failedFuture(new IllegalStateException("no upstream here")))
        .route("counted", r -> r.path("/counted/**").predicate("counted", req -> calls.incrementAndGet() > 1)
            .respond(200, "text/plain", "counted"))
        .route("rest", r -> r.path("/**").respond(200, "text/plain", "rest"))
        .build()) {
      RouteExplanation why = gateway.explain(Request.builder("GET", "/counted/x").build());
      assertThat(calls).hasValue(1);
      assertThat(why.matchedRoute()).hasValue("rest");
      assertThat(why.candidates().get(0).mismatches()).containsExactly("predicate 'counted' is false");

      assertThat(gateway.handle(Request.builder("GET", "/counted/x").build()).toCompletableFuture().get(5, TimeUnit.SECONDS)
          .status()).isEqualTo(200);
      assertThat(calls).hasValue(2);
      assertThat(gateway.explain(Request.builder("GET", "/other").build()).matchedRoute()).hasValue("rest");
      assertThat(calls).as("not where the path does not match").hasValue(2);
    }
  }
}
