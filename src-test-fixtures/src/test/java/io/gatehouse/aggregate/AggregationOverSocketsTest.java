package io.gatehouse.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.UpstreamServer;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Aggregation over real sockets: {@link UpstreamServer}s (and {@link RawUpstream}s where the test
 * needs the bytes) behind a gateway with its own httpclient5 transport. Timings are asserted only
 * as generous bounds.
 */
class AggregationOverSocketsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(closeables);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  private UpstreamServer server(String body) {
    return closing(UpstreamServer.start()).respond(200, JSON_TYPE, body);
  }

  private Gateway gateway(Aggregation aggregation, Duration timeout) {
    return gateway(aggregation, timeout, true);
  }

  private Gateway gateway(Aggregation aggregation, Duration timeout, boolean observed) {
    Gateway.Builder builder = Gateway.builder();
    if (!observed) {
      return closing(builder.accessLog(false)
          .route("profile", r -> r.path("/profile/{id}").aggregate(aggregation).timeout(timeout)).build());
    }
    return closing(builder
        .observer(new GatewayObserver() {
          @Override
          public void onRequest(RequestRecord record) {
            records.add(record);
          }
        })
        .route("profile", r -> {
          r.path("/profile/{id}").aggregate(aggregation);
          if (timeout != null) {
            r.timeout(timeout);
          }
        })
        .build());
  }

  private static Response send(Gateway gateway, String path, String... headers) throws Exception {
    Request.Builder request = Request.builder("GET", path).header("Host", "gw.test");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return gateway.handle(request.build()).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String text(Response response) {
    return new String(response.body().bytes(1 << 20).toCompletableFuture().join(), StandardCharsets.UTF_8);
  }

  private static JsonNode json(Response response) throws Exception {
    return JSON.readTree(text(response));
  }

  @Test
  void three_backends_two_in_parallel_then_a_chained_one_merge_by_key() throws Exception {
    UpstreamServer users = server("{\"name\":\"ann\",\"companyId\":\"c/1\",\"password\":\"x\"}");
    UpstreamServer orders = server("[{\"id\":1},{\"id\":2}]");
    UpstreamServer companies = server("{\"name\":\"Acme\"}");
    Gateway gateway = gateway(Aggregation.of(
            Backend.of("user", users.url(), "/users/{id}").deny("/password").forwardHeaders("Authorization"),
            Backend.of("orders", orders.url(), "/orders?user={id}&limit=2"))
        .then(Backend.of("company", companies.url(), "/companies/{cid}").bind("cid", "user", "/companyId")
            .header("X-Company", "{cid}")), Duration.ofSeconds(5));

    Response response = send(gateway, "/profile/7", "Authorization", "Bearer secret", "Cookie", "s=1",
        "Accept-Language", "nb", "X-Other", "x");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers().first("Content-Type")).hasValue(JSON_TYPE);
    assertThat(response.headers().first("Gatehouse-Completed")).hasValue("true");
    assertThat(response.headers().contains("Gatehouse-Missing")).isFalse();
    assertThat(text(response)).isEqualTo(
        "{\"user\":{\"name\":\"ann\",\"companyId\":\"c/1\"},\"orders\":[{\"id\":1},{\"id\":2}],\"company\":{\"name\":\"Acme\"}}");

    RecordedRequest toUsers = users.received().get(0);
    assertThat(toUsers.method()).isEqualTo("GET");
    assertThat(toUsers.path()).isEqualTo("/users/7");
    assertThat(toUsers.headers().first("Authorization")).hasValue("Bearer secret");
    RecordedRequest toOrders = orders.received().get(0);
    assertThat(toOrders.path()).isEqualTo("/orders");
    assertThat(toOrders.rawQuery()).hasValue("user=7&limit=2");
    RecordedRequest toCompanies = companies.received().get(0);
    assertThat(toCompanies.path()).isEqualTo("/companies/c%2F1");
    assertThat(toCompanies.headers().first("X-Company")).hasValue("c/1");
    for (RecordedRequest sent : List.of(toUsers, toOrders, toCompanies)) {
      assertThat(sent.headers().first("Accept")).hasValue(JSON_TYPE);
      assertThat(sent.headers().first("Accept-Language")).hasValue("nb");
      assertThat(sent.headers().first("X-Request-Id")).isPresent();
      assertThat(sent.headers().first("traceparent")).isPresent();
      assertThat(sent.headers().first("X-Forwarded-For")).isPresent();
      assertThat(sent.headers().contains("Cookie")).isFalse();
      assertThat(sent.headers().contains("X-Other")).isFalse();
    }
    assertThat(toOrders.headers().contains("Authorization")).isFalse();
    assertThat(toCompanies.headers().contains("Authorization")).isFalse();

    RequestRecord record = awaitRecord();
    assertThat(record.status()).isEqualTo(200);
    assertThat(record.rejection()).isEmpty();
    assertThat(record.upstreamAttempts()).isEqualTo(3);
  }

  private RequestRecord awaitRecord() throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (records.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  @Test
  void an_optional_backend_past_its_timeout_is_null_and_the_response_says_partial() throws Exception {
    UpstreamServer users = server("{\"name\":\"ann\"}");
    UpstreamServer orders = server("[]").delay(Duration.ofSeconds(3));
    UpstreamServer reco = server("[\"book\"]");
    Gateway gateway = gateway(Aggregation.of(
        Backend.of("user", users.url(), "/users/{id}"),
        Backend.of("orders", orders.url(), "/orders/{id}").optional().timeout(Duration.ofMillis(200)),
        Backend.of("reco", reco.url(), "/reco/{id}").optional()), Duration.ofSeconds(5));

    long started = System.nanoTime();
    Response response = send(gateway, "/profile/7");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers().first("Gatehouse-Completed")).hasValue("false");
    assertThat(response.headers().first("Gatehouse-Missing")).hasValue("orders");
    assertThat(text(response)).isEqualTo("{\"user\":{\"name\":\"ann\"},\"orders\":null,\"reco\":[\"book\"]}");
    assertThat(awaitRecord().rejection()).isEmpty();
  }

  @Test
  void a_required_backend_past_its_timeout_fails_the_request_with_504_naming_it() throws Exception {
    UpstreamServer users = server("{}").delay(Duration.ofSeconds(3));
    UpstreamServer orders = server("[]");
    Gateway gateway = gateway(Aggregation.of(
        Backend.of("user", users.url(), "/users/{id}").timeout(Duration.ofMillis(200)),
        Backend.of("orders", orders.url(), "/orders/{id}")), Duration.ofSeconds(5));

    long started = System.nanoTime();
    Response response = send(gateway, "/profile/7");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    assertThat(response.status()).isEqualTo(504);
    assertThat(response.headers().first("Content-Type")).hasValue("application/problem+json");
    assertThat(json(response).path("detail").asText())
        .isEqualTo("backend 'user' of route 'profile' did not answer within its timeout (PT0.2S)");
  }

  @Test
  void the_route_timeout_bounds_the_whole_aggregation() throws Exception {
    UpstreamServer users = server("{}");
    UpstreamServer slow = server("{}").delay(Duration.ofSeconds(3));
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"))
        .then(Backend.of("slow", slow.url(), "/slow/{id}")), Duration.ofMillis(300));

    long started = System.nanoTime();
    Response response = send(gateway, "/profile/7");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    assertThat(response.status()).isEqualTo(504);
    assertThat(json(response).path("detail").asText())
        .isEqualTo("backend 'slow' of route 'profile' did not answer within the route's timeout (PT0.3S)");
  }

  @Test
  void a_refused_backend_fails_a_required_call_with_502_and_leaves_an_optional_one_null() throws Exception {
    UpstreamServer users = server("{\"name\":\"ann\"}");
    UpstreamServer down = closing(UpstreamServer.start());
    String url = down.url();
    down.refuse();
    Gateway optional = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"),
        Backend.of("orders", url, "/orders/{id}").optional()), Duration.ofSeconds(5));
    Response partial = send(optional, "/profile/7");
    assertThat(partial.status()).isEqualTo(200);
    assertThat(partial.headers().first("Gatehouse-Missing")).hasValue("orders");
    assertThat(text(partial)).isEqualTo("{\"user\":{\"name\":\"ann\"},\"orders\":null}");

    Gateway required = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"),
        Backend.of("orders", url, "/orders/{id}")), Duration.ofSeconds(5));
    Response failed = send(required, "/profile/7");
    assertThat(failed.status()).isEqualTo(502);
    assertThat(json(failed).path("detail").asText()).startsWith("backend 'orders' of route 'profile' failed: ");
  }

  @ParameterizedTest(name = "a required backend answering {0} -> {1}")
  @CsvSource({"500, 502", "503, 502", "302, 502", "401, 502", "405, 502", "407, 502", "413, 502", "418, 502",
      "400, 400", "403, 403", "404, 404", "409, 409", "410, 410", "422, 422", "429, 429"})
  void a_required_backends_error_status_fails_the_request_naming_it(int status, int expected) throws Exception {
    UpstreamServer users = closing(UpstreamServer.start()).respond(status, JSON_TYPE, "{\"secret\":\"stack trace\"}");
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}")), Duration.ofSeconds(5));
    Response response = send(gateway, "/profile/7");
    assertThat(response.status()).isEqualTo(expected);
    String body = text(response);
    assertThat(JSON.readTree(body).path("detail").asText())
        .isEqualTo("backend 'user' of route 'profile' answered " + status);
    assertThat(body).doesNotContain("stack trace");
  }

  @Test
  void a_required_backends_429_is_passed_on_with_its_retry_after() throws Exception {
    UpstreamServer users = closing(UpstreamServer.start()).respond(Response.builder(429)
        .header("Retry-After", "7").header("Content-Type", JSON_TYPE).body(io.gatehouse.http.Body.of("{}")).build());
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}")), Duration.ofSeconds(5));
    Response response = send(gateway, "/profile/7");
    assertThat(response.status()).isEqualTo(429);
    assertThat(response.headers().first("Retry-After")).hasValue("7");
  }

  @Test
  void an_optional_backends_error_status_leaves_it_null() throws Exception {
    UpstreamServer users = server("{\"name\":\"ann\"}");
    UpstreamServer orders = closing(UpstreamServer.start()).respond(500, JSON_TYPE, "{}");
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"),
        Backend.of("orders", orders.url(), "/orders/{id}").optional()), Duration.ofSeconds(5));
    Response response = send(gateway, "/profile/7");
    assertThat(response.status()).isEqualTo(200);
    assertThat(text(response)).isEqualTo("{\"user\":{\"name\":\"ann\"},\"orders\":null}");
  }

  @Test
  void a_backend_retry_goes_to_the_next_target() throws Exception {
    UpstreamServer bad = closing(UpstreamServer.start()).respond(503, JSON_TYPE, "{}");
    UpstreamServer good = server("{\"ok\":true}");
    Gateway gateway = gateway(Aggregation.of(Backend.of("user",
        Upstream.of(bad.url(), good.url()), "/users/{id}").retry(Retry.times(2).onStatuses(503))), Duration.ofSeconds(5));
    for (int i = 0; i < 4; i++) {
      Response response = send(gateway, "/profile/" + i);
      assertThat(response.status()).isEqualTo(200);
      assertThat(text(response)).isEqualTo("{\"user\":{\"ok\":true}}");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"invalid", "deep", "duplicate", "two values", "html"})
  void a_hostile_or_broken_answer_fails_the_backend_with_502(String kind) throws Exception {
    String body = switch (kind) {
      case "invalid" -> "{\"a\":";
      case "deep" -> "[".repeat(5000) + "]".repeat(5000);
      case "duplicate" -> "{\"admin\":false,\"admin\":true}";
      case "two values" -> "{} {}";
      default -> "<html></html>";
    };
    UpstreamServer users = closing(UpstreamServer.start())
        .respond(200, kind.equals("html") ? "text/html" : JSON_TYPE, body);
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}")), Duration.ofSeconds(5));
    Response response = send(gateway, "/profile/7");
    assertThat(response.status()).isEqualTo(502);
    String detail = json(response).path("detail").asText();
    assertThat(detail).startsWith("backend 'user' of route 'profile' answered with ");
    assertThat(detail).contains(switch (kind) {
      case "deep" -> "nesting depth";
      case "duplicate" -> "Duplicate field 'admin'";
      case "two values" -> "is not one JSON value";
      case "html" -> "Content-Type text/html";
      default -> "is not valid JSON";
    });
  }

  @Test
  void a_backend_that_sends_more_than_its_cap_is_cut_off_and_fails() throws Exception {
    CountDownLatch cut = new CountDownLatch(1);
    RawUpstream endless = closing(RawUpstream.start(connection -> {
      connection.readHead();
      connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
      connection.write("1\r\n[\r\n");
      String chunk = Integer.toHexString(8192) + "\r\n" + "1,".repeat(4096) + "\r\n";
      try {
        for (int i = 0; i < 100_000; i++) { // 800 MB if nobody stops it
          connection.write(chunk);
        }
      } catch (java.io.IOException e) {
        cut.countDown();
      }
    }));
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", endless.url(), "/users/{id}").maxBodyBytes(64 * 1024)),
        Duration.ofSeconds(5));
    Response response = send(gateway, "/profile/7");
    assertThat(response.status()).isEqualTo(502);
    assertThat(json(response).path("detail").asText())
        .isEqualTo("backend 'user' of route 'profile' answered with a body that is larger than 65536 bytes");
    assertThat(cut.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the upstream's writes fail: its connection was dropped").isTrue();
  }

  /** Without observers the gateway takes a shorter path: cancellation must pass through it too. */
  @ParameterizedTest(name = "observed: {0}")
  @ValueSource(booleans = {true, false})
  void a_client_that_goes_away_cancels_every_backend_call_and_the_upstreams_see_eof(boolean observed) throws Exception {
    CountDownLatch heads = new CountDownLatch(3);
    CountDownLatch eofs = new CountDownLatch(3);
    List<RawUpstream> silent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      silent.add(closing(RawUpstream.start(connection -> {
        connection.readHead();
        heads.countDown();
        if (connection.closedByPeerWithin(WAIT)) {
          eofs.countDown();
        }
      })));
    }
    Gateway gateway = gateway(Aggregation.of(
        Backend.of("a", silent.get(0).url(), "/a/{id}"),
        Backend.of("b", silent.get(1).url(), "/b/{id}").optional(),
        Backend.of("c", silent.get(2).url(), "/c/{id}").timeout(Duration.ofSeconds(30))), Duration.ofSeconds(30), observed);

    CompletableFuture<Response> call = gateway.handle(Request.builder("GET", "/profile/7").header("Host", "gw.test")
        .build()).toCompletableFuture();
    assertThat(heads.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("all three calls went out").isTrue();
    call.cancel(true);

    assertThat(eofs.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("all three upstreams saw the connection end").isTrue();
  }

  @Test
  void deep_merge_and_field_filters_over_sockets() throws Exception {
    UpstreamServer users = server("{\"user\":{\"name\":\"ann\",\"email\":\"a@x\"},\"internal\":1}");
    UpstreamServer prefs = server("{\"user\":{\"theme\":\"dark\"},\"internal\":2}");
    Gateway gateway = gateway(Aggregation.of(
            Backend.of("users", users.url(), "/users/{id}").allow("/user"),
            Backend.of("prefs", prefs.url(), "/prefs/{id}").deny("/internal"))
        .merger(Merger.deepMerge()), Duration.ofSeconds(5));
    Response response = send(gateway, "/profile/7");
    assertThat(text(response)).isEqualTo("{\"user\":{\"name\":\"ann\",\"email\":\"a@x\",\"theme\":\"dark\"}}");
  }

  @Test
  void a_users_merger_shapes_the_body_and_a_failing_one_gives_500() throws Exception {
    UpstreamServer users = server("{\"name\":\"ann\"}");
    UpstreamServer orders = server("[1,2,3]");
    Gateway gateway = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"),
            Backend.of("orders", orders.url(), "/orders/{id}"))
        .merger(answers -> Map.of("name", ((Map<?, ?>) answers.get("user")).get("name"),
            "orderCount", ((List<?>) answers.get("orders")).size())), Duration.ofSeconds(5));
    assertThat(json(send(gateway, "/profile/7"))).isEqualTo(JSON.readTree("{\"name\":\"ann\",\"orderCount\":3}"));

    Gateway failing = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"))
        .merger(answers -> {
          throw new IllegalStateException("boom");
        }), Duration.ofSeconds(5));
    Response response = send(failing, "/profile/7");
    assertThat(response.status()).isEqualTo(500);
    assertThat(json(response).path("detail").asText()).startsWith("route 'profile' could not merge its backends' answers");
  }

  @Test
  void a_chained_call_whose_value_is_missing_fails_or_is_left_out() throws Exception {
    UpstreamServer users = server("{\"name\":\"ann\"}");
    UpstreamServer companies = server("{\"name\":\"Acme\"}");
    Gateway required = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"))
        .then(Backend.of("company", companies.url(), "/companies/{cid}").bind("cid", "user", "/companyId")),
        Duration.ofSeconds(5));
    Response failed = send(required, "/profile/7");
    assertThat(failed.status()).isEqualTo(502);
    assertThat(json(failed).path("detail").asText()).isEqualTo("backend 'company' of route 'profile' needs a string, "
        + "number or boolean at /companyId of backend 'user''s answer, which has none");

    Gateway optional = gateway(Aggregation.of(Backend.of("user", users.url(), "/users/{id}"))
        .then(Backend.of("company", companies.url(), "/companies/{cid}").bind("cid", "user", "/companyId").optional()),
        Duration.ofSeconds(5));
    Response partial = send(optional, "/profile/7");
    assertThat(partial.status()).isEqualTo(200);
    assertThat(partial.headers().first("Gatehouse-Missing")).hasValue("company");
    assertThat(companies.requestCount()).isZero();
  }
}
