package io.gatehouse.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.UpstreamServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Swagger Petstore 3 spec imported end to end: every operation routed and reachable over real
 * sockets, valid requests reach the upstream byte for byte, and the table of invalid
 * requests gets 400 (415, 413) problems listing each violation's place, with nothing sent on.
 */
class PetstoreOverSocketsTest {
  static final Path SPEC = Path.of("src/test/resources/petstore/openapi.json");
  static final String PET = "{\"id\":10,\"name\":\"doggie\",\"category\":{\"id\":1,\"name\":\"Dogs\"},"
      + "\"photoUrls\":[\"u\"],\"tags\":[{\"id\":1,\"name\":\"t\"}],\"status\":\"available\"}";
  static OverSockets sockets;

  @BeforeAll
  static void start() {
    OpenApiRoutes petstore = OpenApiRoutes.from(SPEC).basePath("/api/v3").maxBodyBytes(4096);
    UpstreamServer upstream = UpstreamServer.start();
    sockets = new OverSockets(b -> petstore.upstream(upstream.url()).routes().forEach(b::route), upstream);
  }

  @AfterAll
  static void stop() {
    sockets.close();
  }

  @BeforeEach
  void reset() {
    sockets.upstream.resetCounts();
  }

  @Test
  void imports_one_route_per_operation_with_its_id_method_and_path() {
    OpenApiRoutes petstore = OpenApiRoutes.from(SPEC);
    assertThat(petstore.operations()).hasSize(19);
    assertThat(petstore.operation("getPetById").orElseThrow())
        .satisfies(op -> {
          assertThat(op.method()).isEqualTo("GET");
          assertThat(op.path()).isEqualTo("/pet/{petId}");
          assertThat(op.routePath()).isEqualTo("/pet/{petId}");
          assertThat(op.pointer()).isEqualTo("#/paths/~1pet~1{petId}/get");
        });
    assertThat(petstore.operation("addPet").orElseThrow().requestContentTypes())
        .containsExactly("application/json", "application/xml", "application/x-www-form-urlencoded");
    assertThat(petstore.upstream("http://pets:8080").routes()).extracting(r -> r.id())
        .containsExactlyElementsOf(petstore.operations().stream().map(ApiOperation::id).toList());
  }

  static Stream<Arguments> validRequests() {
    return Stream.of(
        Arguments.of("PUT", "/api/v3/pet", "application/json", PET),
        Arguments.of("POST", "/api/v3/pet", "application/json", PET),
        Arguments.of("POST", "/api/v3/pet", "application/xml", "<pet><name>doggie</name></pet>"),
        Arguments.of("POST", "/api/v3/pet", "Application/JSON; charset=UTF-8", PET),
        Arguments.of("GET", "/api/v3/pet/findByStatus?status=sold", null, null),
        Arguments.of("GET", "/api/v3/pet/findByTags?tags=a&tags=b%20c", null, null),
        Arguments.of("GET", "/api/v3/pet/10", null, null),
        Arguments.of("POST", "/api/v3/pet/10?name=rex&status=sold", null, null),
        Arguments.of("DELETE", "/api/v3/pet/10", null, null),
        Arguments.of("POST", "/api/v3/pet/10/uploadImage?additionalMetadata=x", "application/octet-stream", "\u0001\u0002"),
        Arguments.of("GET", "/api/v3/store/inventory", null, null),
        Arguments.of("POST", "/api/v3/store/order", "application/json",
            "{\"id\":1,\"petId\":2,\"quantity\":3,\"shipDate\":\"2026-12-08T00:00:00Z\",\"status\":\"placed\",\"complete\":true}"),
        Arguments.of("GET", "/api/v3/store/order/5", null, null),
        Arguments.of("DELETE", "/api/v3/store/order/5", null, null),
        Arguments.of("POST", "/api/v3/user", "application/json", "{\"username\":\"u\",\"userStatus\":1}"),
        Arguments.of("POST", "/api/v3/user/createWithList", "application/json", "[{\"username\":\"u\"}]"),
        Arguments.of("GET", "/api/v3/user/login?username=u&password=p", null, null),
        Arguments.of("GET", "/api/v3/user/logout", null, null),
        Arguments.of("GET", "/api/v3/user/user1", null, null),
        Arguments.of("PUT", "/api/v3/user/user1", "application/json", "{\"username\":\"user1\"}"),
        Arguments.of("DELETE", "/api/v3/user/user1", null, null));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("validRequests")
  void a_valid_request_reaches_the_upstream_unchanged(String method, String target, String contentType, String body) {
    OverSockets.Answer answer = sockets.send(method, target, contentType, body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(sockets.upstream.received()).hasSize(1);
    RecordedRequest seen = sockets.upstream.received().get(0);
    assertThat(seen.method()).isEqualTo(method);
    assertThat(seen.body()).isEqualTo(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void every_operation_is_reachable() {
    assertThat(validRequests().map(a -> a.get()[0] + " " + ((String) a.get()[1]).replaceAll("\\?.*", "")).distinct())
        .hasSizeGreaterThanOrEqualTo(19);
  }

  @Test
  void a_chunked_valid_body_is_replayed_unchanged() {
    OverSockets.Answer answer = sockets.send("POST", "/api/v3/pet", "application/json", PET.getBytes(StandardCharsets.UTF_8), true);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(sockets.upstream.received().get(0).bodyText()).isEqualTo(PET);
  }

  static Stream<Arguments> invalidRequests() {
    return Stream.of(
        Arguments.of("wrong type", "POST", "/api/v3/pet", "application/json",
            "{\"id\":\"ten\",\"name\":\"doggie\",\"photoUrls\":[]}", 400, List.of("body /id")),
        Arguments.of("missing required", "POST", "/api/v3/pet", "application/json", "{\"id\":10}", 400,
            List.of("body ", "body ")),
        Arguments.of("wrong type deep in an array", "POST", "/api/v3/pet", "application/json",
            "{\"name\":\"d\",\"photoUrls\":[\"a\",7],\"tags\":[{\"id\":\"x\"}]}", 400,
            List.of("body /photoUrls/1", "body /tags/0/id")),
        Arguments.of("bad enum", "POST", "/api/v3/pet", "application/json",
            "{\"name\":\"d\",\"photoUrls\":[],\"status\":\"lost\"}", 400, List.of("body /status")),
        Arguments.of("bad format", "POST", "/api/v3/store/order", "application/json",
            "{\"shipDate\":\"yesterday\"}", 400, List.of("body /shipDate")),
        Arguments.of("bad enum in a query", "GET", "/api/v3/pet/findByStatus?status=lost", null, null, 400,
            List.of("query status")),
        Arguments.of("missing required query", "GET", "/api/v3/pet/findByStatus", null, null, 400,
            List.of("query status")),
        Arguments.of("bad query style: a repeated single value", "GET",
            "/api/v3/pet/findByStatus?status=sold&status=pending", null, null, 400, List.of("query status")),
        Arguments.of("bad query style: percent-encoded invalid UTF-8", "GET", "/api/v3/pet/findByStatus?status=%C3%28",
            null, null, 400, List.of("query status", "query status")),
        Arguments.of("path parameter not an integer", "GET", "/api/v3/pet/ten", null, null, 400, List.of("path petId")),
        Arguments.of("path parameter with trailing text", "GET", "/api/v3/store/order/1x", null, null, 400, List.of("path orderId")),
        Arguments.of("not JSON", "POST", "/api/v3/pet", "application/json", "{\"name\":", 400, List.of("body ")),
        Arguments.of("duplicate key", "POST", "/api/v3/pet", "application/json",
            "{\"name\":\"a\",\"name\":\"b\",\"photoUrls\":[]}", 400, List.of("body ")),
        Arguments.of("missing required body", "POST", "/api/v3/pet", "application/json", "", 400, List.of("body ")),
        Arguments.of("unsupported content type", "POST", "/api/v3/pet", "text/plain", "{}", 415,
            List.of("header Content-Type")),
        Arguments.of("no content type", "POST", "/api/v3/pet", null, "{}", 415, List.of("header Content-Type")),
        Arguments.of("oversize", "POST", "/api/v3/pet", "application/json",
            "{\"name\":\"" + "x".repeat(5000) + "\",\"photoUrls\":[]}", 413, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRequests")
  void an_invalid_request_gets_a_problem_listing_each_violation_and_reaches_nothing(String name, String method,
      String target, String contentType, String body, int status, List<String> errors) {
    OverSockets.Answer answer = sockets.send(method, target, contentType, body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.errors()).containsExactlyElementsOf(errors);
    assertThat(sockets.upstream.requestCount()).isZero();
  }

  @Test
  void a_problem_names_each_violation_with_a_reason_and_the_request_id() {
    OverSockets.Answer answer = sockets.send("POST", "/api/v3/pet", "application/json",
        "{\"id\":\"ten\",\"name\":\"doggie\",\"photoUrls\":[]}");

    assertThat(answer.problem().path("status").asInt()).isEqualTo(400);
    assertThat(answer.problem().path("type").asText()).isEqualTo("urn:gatehouse:problem:bad-request");
    assertThat(answer.problem().path("requestId").asText()).isNotEmpty();
    assertThat(answer.problem().path("errors").get(0).path("detail").asText()).contains("type").contains("integer");
  }

  @Test
  void a_chunked_body_over_the_cap_gets_413_and_nothing_reaches_the_upstream() {
    // Just over the 4096-byte cap: the client has sent it all before the 413 closes the connection
    // (a larger body would race the close and see a reset instead of the answer).
    byte[] big = ("{\"name\":\"" + "x".repeat(4_200) + "\",\"photoUrls\":[]}").getBytes(StandardCharsets.UTF_8);

    OverSockets.Answer answer = sockets.send("POST", "/api/v3/pet", "application/json", big, true);

    assertThat(answer.status()).isEqualTo(413);
    assertThat(sockets.upstream.requestCount()).isZero();
  }
}
