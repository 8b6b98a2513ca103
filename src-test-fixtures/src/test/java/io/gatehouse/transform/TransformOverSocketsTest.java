package io.gatehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.UpstreamServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSON body transformation in front of a real upstream over a real socket: each operation on
 * requests and responses, nested pointers, arrays, missing paths, non-JSON and invalid bodies,
 * oversize bodies either way, gzip read, transformed and recompressed, and the order with the
 * response cache.
 */
class TransformOverSocketsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDER = "{\"id\":7,\"customer\":{\"name\":\"Ann\",\"tier\":\"gold\"},"
      + "\"items\":[{\"sku\":\"a\",\"qty\":1},{\"sku\":\"b\",\"qty\":2}],\"internal\":{\"cost\":3}}";

  private final UpstreamServer upstream = UpstreamServer.start();
  private Gateway gateway;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
    upstream.close();
  }

  private void gateway(UnaryOperator<RouteBuilder> route) {
    gateway = Gateway.builder().accessLog(false)
        .route("r", r -> route.apply(r.path("/orders/{id}", "/orders/{id}/**")).upstream(upstream.url()))
        .build();
  }

  /** A whole answer: status, headers, body bytes. */
  record Answer(int status, HttpHeaders headers, byte[] bytes) {
    String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.first(name).orElse(null);
    }
  }

  private Answer send(Request.Builder request) throws Exception {
    Response r = gateway.handle(request.header("Host", "shop.example.com").build()).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    byte[] body = r.body().bytes(1 << 26).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Answer(r.status(), r.headers(), body);
  }

  private static Response json(String body, String... headers) {
    return Response.builder(200).headers(HttpHeaders.of(headers)).header("Content-Type", "application/json")
        .body(Body.of(body)).build();
  }

  static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  static Stream<Arguments> responses() {
    return Stream.of(
        Arguments.of("remove nested", JsonTransform.of().remove("/internal", "/customer/tier"),
            "{\"id\":7,\"customer\":{\"name\":\"Ann\"},\"items\":[{\"sku\":\"a\",\"qty\":1},{\"sku\":\"b\",\"qty\":2}]}"),
        Arguments.of("remove an array element and a missing path", JsonTransform.of().keepOnly("/items")
            .remove("/items/0", "/nothing/here"), "{\"items\":[{\"sku\":\"b\",\"qty\":2}]}"),
        Arguments.of("set through an index and at the end", JsonTransform.of().keepOnly("/items")
            .set("/items/1/qty", TransformValue.of(5)).set("/items/-", TransformValue.of("more")),
            "{\"items\":[{\"sku\":\"a\",\"qty\":1},{\"sku\":\"b\",\"qty\":5},\"more\"]}"),
        Arguments.of("add only where absent", JsonTransform.of().keepOnly("/id").add("/id", TransformValue.of(8))
            .add("/currency", TransformValue.of("EUR")), "{\"id\":7,\"currency\":\"EUR\"}"),
        Arguments.of("rename and move", JsonTransform.of().keepOnly("/id", "/customer/name")
            .rename("/id", "orderId").move("/customer/name", "/name").remove("/customer"),
            "{\"orderId\":7,\"name\":\"Ann\"}"),
        Arguments.of("keep only", JsonTransform.of().keepOnly("/id", "/items/1/sku"),
            "{\"id\":7,\"items\":[{\"sku\":\"b\"}]}"),
        Arguments.of("wrap", JsonTransform.of().keepOnly("/id").wrap("data"), "{\"data\":{\"id\":7}}"),
        Arguments.of("unwrap", JsonTransform.of().unwrap("/customer"), "{\"name\":\"Ann\",\"tier\":\"gold\"}"),
        Arguments.of("values from the path", JsonTransform.of().keepOnly("/id").set("/self",
            TransformValue.pathVariable("id")), "{\"id\":7,\"self\":\"7\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("responses")
  void a_response_is_reshaped_with_its_length_fixed_and_its_etag_gone(String name, JsonTransform transform,
      String expected) throws Exception {
    upstream.respond(json(ORDER, "ETag", "\"v1\"", "Content-MD5", "x"));
    gateway(r -> r.transformResponse(transform));

    Answer answer = send(Request.builder("GET", "/orders/7"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(JSON.readTree(answer.bytes())).isEqualTo(JSON.readTree(expected));
    assertThat(answer.header("Content-Length")).isEqualTo(Integer.toString(answer.bytes().length));
    assertThat(answer.header("ETag")).isNull();
    assertThat(answer.header("Content-MD5")).isNull();
    assertThat(answer.header("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void a_request_is_reshaped_before_the_upstream_sees_it() throws Exception {
    upstream.respond(200);
    gateway(r -> r.transformRequest(JsonTransform.of()
        .set("/tenant", TransformValue.header("X-Tenant"))
        .set("/orderId", TransformValue.pathVariable("id"))
        .set("/lang", TransformValue.queryParameter("lang"))
        .remove("/admin")
        .rename("/qty", "quantity")
        .add("/tags/0", TransformValue.of("first"))));

    Answer answer = send(Request.builder("POST", "/orders/9?lang=en").header("X-Tenant", "acme")
        .header("Content-Type", "application/json; charset=utf-8")
        .body(Body.of("{\"qty\":3,\"admin\":true,\"tenant\":\"evil\",\"tags\":[\"x\"]}")));

    assertThat(answer.status()).isEqualTo(200);
    RecordedRequest seen = upstream.received().get(0);
    assertThat(JSON.readTree(seen.body())).isEqualTo(JSON.readTree(
        "{\"quantity\":3,\"tenant\":\"acme\",\"tags\":[\"first\",\"x\"],\"orderId\":\"9\",\"lang\":\"en\"}"));
    assertThat(seen.headers().first("Content-Length")).hasValue(Integer.toString(seen.body().length));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "text/plain       | {\"internal\":1}",
      "application/xml  | <a><internal/></a>",
      "text/event-stream| data: {\"internal\":1}"})
  void a_body_of_another_type_passes_untouched(String type, String body) throws Exception {
    upstream.respond(Response.builder(200).header("Content-Type", type).header("ETag", "\"v1\"")
        .body(Body.of(body)).build());
    gateway(r -> r.transformResponse(JsonTransform.of().remove("/internal")).transformRequest(JsonTransform.of()
        .remove("/internal")));

    Answer answer = send(Request.builder("POST", "/orders/1").header("Content-Type", type).body(Body.of(body)));

    assertThat(answer.body()).isEqualTo(body);
    assertThat(answer.header("ETag")).isEqualTo("\"v1\"");
    assertThat(upstream.received().get(0).bodyText()).isEqualTo(body);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {"{\"a\":1,\"a\":2}", "{\"a\":", "{\"a\":1} {\"b\":2}", "not json"})
  void an_invalid_json_body_is_refused_either_way(String body) throws Exception {
    upstream.respond(json(body));
    gateway(r -> r.transformResponse(JsonTransform.of().remove("/a")));
    Answer response = send(Request.builder("GET", "/orders/1"));
    gateway.close();
    gateway(r -> r.transformRequest(JsonTransform.of().remove("/a")));
    Answer request = send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .body(Body.of(body)));

    assertThat(response.status()).isEqualTo(502);
    assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.body()).contains("the upstream's response body is not").doesNotContain("\"a\":1");
    assertThat(request.status()).isEqualTo(400);
    assertThat(request.body()).contains("the request body is not");
    assertThat(upstream.requestCount()).as("the refused request never went upstream").isEqualTo(1);
  }

  @Test
  void an_oversize_body_is_refused_by_default_and_passes_untouched_when_the_route_says_so() throws Exception {
    String big = "{\"internal\":\"" + "x".repeat(5000) + "\"}";
    upstream.respond(json(big));
    gateway(r -> r.transformResponse(JsonTransform.of().remove("/internal").maxBodyBytes(4096)));
    Answer refused = send(Request.builder("GET", "/orders/1"));
    Answer refusedRequest;
    gateway.close();
    gateway(r -> r.transformRequest(JsonTransform.of().remove("/internal").maxBodyBytes(4096)));
    refusedRequest = send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .body(Body.of(big)));
    gateway.close();
    gateway(r -> r.transformResponse(JsonTransform.of().remove("/internal").maxBodyBytes(4096).passThroughOversize())
        .transformRequest(JsonTransform.of().remove("/internal").maxBodyBytes(4096).passThroughOversize()));
    Answer passed = send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .body(Body.ofPublisher(Body.of(big), -1)));

    assertThat(refused.status()).isEqualTo(502);
    assertThat(refused.body()).contains("larger than 4096 bytes");
    assertThat(refusedRequest.status()).isEqualTo(413);
    assertThat(refusedRequest.body()).contains("larger than 4096 bytes");
    assertThat(passed.status()).isEqualTo(200);
    assertThat(passed.body()).isEqualTo(big);
    assertThat(upstream.received()).hasSize(2);
    assertThat(upstream.received().get(1).bodyText()).isEqualTo(big);
  }

  @Test
  void a_gzip_response_is_decompressed_transformed_and_recompressed_for_a_client_that_accepts_gzip()
      throws Exception {
    upstream.respondWith(req -> {
      try {
        return Response.builder(200).header("Content-Type", "application/json").header("Content-Encoding", "gzip")
            .header("ETag", "\"v1\"").body(Body.of(gzip(ORDER.getBytes(StandardCharsets.UTF_8)))).build();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    gateway(r -> r.transformResponse(JsonTransform.of().remove("/internal")).compression(Compression.gzip().minSize(0)));

    Answer gzipped = send(Request.builder("GET", "/orders/7").header("Accept-Encoding", "br, gzip;q=0.5"));
    Answer plain = send(Request.builder("GET", "/orders/7").header("Accept-Encoding", "br"));

    String expected = "{\"id\":7,\"customer\":{\"name\":\"Ann\",\"tier\":\"gold\"},"
        + "\"items\":[{\"sku\":\"a\",\"qty\":1},{\"sku\":\"b\",\"qty\":2}]}";
    assertThat(upstream.received()).allSatisfy(r ->
        assertThat(r.headers().all("Accept-Encoding")).as("asks only for what it can read").containsExactly("gzip"));
    assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(gzipped.header("Vary")).isEqualTo("Accept-Encoding");
    assertThat(gzipped.header("ETag")).isNull();
    assertThat(gzipped.header("Content-Length")).isNull();
    assertThat(JSON.readTree(gunzip(gzipped.bytes()))).isEqualTo(JSON.readTree(expected));
    assertThat(plain.header("Content-Encoding")).isNull();
    assertThat(plain.header("Vary")).isEqualTo("Accept-Encoding");
    assertThat(JSON.readTree(plain.bytes())).isEqualTo(JSON.readTree(expected));
    assertThat(plain.header("Content-Length")).isEqualTo(Integer.toString(plain.bytes().length));
  }

  @Test
  void a_gzip_request_is_decompressed_only_because_a_transformation_reads_it() throws Exception {
    upstream.respond(200);
    byte[] body = gzip("{\"a\":1,\"secret\":2}".getBytes(StandardCharsets.UTF_8));
    gateway(r -> r.transformRequest(JsonTransform.of().remove("/secret")));
    send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").body(Body.of(body)));
    gateway.close();
    gateway(UnaryOperator.identity());
    send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").body(Body.of(body)));

    RecordedRequest transformed = upstream.received().get(0);
    RecordedRequest untouched = upstream.received().get(1);
    assertThat(transformed.bodyText()).isEqualTo("{\"a\":1}");
    assertThat(transformed.headers().contains("Content-Encoding")).isFalse();
    assertThat(untouched.body()).isEqualTo(body);
    assertThat(untouched.headers().first("Content-Encoding")).hasValue("gzip");
  }

  @Test
  void a_request_decompression_bomb_is_stopped_at_the_ratio_with_413() throws Exception {
    upstream.respond(200);
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    json.writeBytes("{\"pad\":\"".getBytes(StandardCharsets.UTF_8));
    json.writeBytes(new byte[0]);
    byte[] zeros = " ".repeat(16 << 20).getBytes(StandardCharsets.UTF_8);
    json.writeBytes(zeros);
    json.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
    byte[] bomb = gzip(json.toByteArray());
    gateway(r -> r.transformRequest(JsonTransform.of().remove("/pad").maxBodyBytes(64L << 20)));

    Answer answer = send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").body(Body.of(bomb)));

    assertThat(bomb.length).isLessThan(64 << 10);
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body()).contains("decompresses more than 100 times");
    assertThat(upstream.requestCount()).isZero();
  }

  @Test
  void an_unreadable_coding_gets_415_on_a_request_and_502_on_a_response() throws Exception {
    upstream.respond(json("{}", "Content-Encoding", "br"));
    gateway(r -> r.transformRequest(JsonTransform.of().remove("/a")));
    Answer request = send(Request.builder("POST", "/orders/1").header("Content-Type", "application/json")
        .header("Content-Encoding", "br").body(Body.of("xx")));
    gateway.close();
    gateway(r -> r.transformResponse(JsonTransform.of().remove("/a")));
    Answer response = send(Request.builder("GET", "/orders/1"));

    assertThat(request.status()).isEqualTo(415);
    assertThat(request.body()).contains("cannot read the content coding 'br'");
    assertThat(response.status()).isEqualTo(502);
    assertThat(response.body()).contains("content coding 'br'");
  }

  @Test
  void the_cache_keeps_the_untransformed_body_and_every_hit_is_transformed_for_its_own_request() throws Exception {
    upstream.respond(json("{\"price\":10}", "Cache-Control", "max-age=60"));
    gateway(r -> r.cache(ResponseCache.shared("c"))
        .transformResponse(JsonTransform.of().set("/for", TransformValue.header("X-Client"))));

    Answer first = send(Request.builder("GET", "/orders/1").header("X-Client", "a"));
    Answer second = send(Request.builder("GET", "/orders/1").header("X-Client", "b"));

    assertThat(upstream.requestCount()).isEqualTo(1);
    assertThat(first.body()).isEqualTo("{\"price\":10,\"for\":\"a\"}");
    assertThat(second.body()).isEqualTo("{\"price\":10,\"for\":\"b\"}");
    assertThat(second.header("Cache-Status")).contains("hit");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"HEAD, 200", "GET, 204", "GET, 304", "GET, 206"})
  void head_and_bodiless_or_partial_answers_pass_untouched(String method, int status) throws Exception {
    upstream.respond(Response.builder(status).header("Content-Type", "application/json").header("ETag", "\"v1\"")
        .header("Content-Range", "bytes 0-1/10").body(status == 206 ? Body.of("{\"") : Body.empty()).build());
    gateway(r -> r.transformResponse(JsonTransform.of().wrap("x")));

    Answer answer = send(Request.builder(method, "/orders/1"));

    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("ETag")).isEqualTo("\"v1\"");
    assertThat(answer.body()).isEqualTo(status == 206 ? "{\"" : "");
  }

  @Test
  void a_custom_function_reshapes_what_the_operations_cannot() throws Exception {
    upstream.respond(json(ORDER));
    gateway(r -> r.transformResponse(JsonTransform.of().custom(body -> {
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> order = (java.util.Map<String, Object>) body;
      List<?> items = (List<?>) order.get("items");
      return java.util.Map.of("id", order.get("id"), "lines", items.size());
    })));

    Answer answer = send(Request.builder("GET", "/orders/7"));

    assertThat(JSON.readTree(answer.bytes())).isEqualTo(JSON.readTree("{\"id\":7,\"lines\":2}"));
  }
}
