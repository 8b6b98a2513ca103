package io.gatehouse.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.testing.GatewayTester;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every response carries the request's {@code X-Request-Id}, proxied ones too; a 404 under a mount names the full path. */
class RequestIdEchoTest {
  private static final String ORDERS = "http://orders:8080";
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester tester(boolean echo) {
    tester = GatewayTester.of(Gateway.builder().echoRequestId(echo)
            .route("orders", r -> r.path("/orders/**").upstream(ORDERS))
            .route("own-id", r -> r.path("/own-id").upstream("http://own-id:8080"))
            .route("static", r -> r.path("/static").respond(200, "text/plain", "s")))
        .stubUpstream(ORDERS, s -> s.respond(200, "text/plain", "o"))
        .stubUpstream("http://own-id:8080", s -> s.respond(Response.builder(200).header("X-Request-Id", "upstream-made").build()));
    return tester;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/orders/7, 200", "/static, 200", "/own-id, 200", "/nowhere, 404"})
  void every_response_carries_the_request_id_the_client_sent(String path, int status) {
    var res = tester(true).get(path).header("X-Request-Id", "req-0042").send();
    assertThat(res.status()).isEqualTo(status);
    assertThat(res.headers().all("X-Request-Id")).containsExactly("req-0042");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"/orders/7", "/static", "/own-id", "/nowhere"})
  void without_one_the_response_carries_the_id_the_gateway_made_and_sent_upstream(String path) {
    var res = tester(true).get(path).send();
    assertThat(res.headers().all("X-Request-Id")).hasSize(1);
    assertThat(res.header("X-Request-Id")).contains(res.requestId());
    if (path.equals("/orders/7")) {
      assertThat(tester.upstream(ORDERS).received().get(0).headers().first("X-Request-Id")).contains(res.requestId());
    }
  }

  @Test
  void turned_off_proxied_responses_are_left_as_the_upstream_sent_them_and_problems_keep_theirs() {
    tester(false);
    assertThat(tester.get("/orders/7").header("X-Request-Id", "req-0042").send().header("X-Request-Id")).isEmpty();
    assertThat(tester.get("/own-id").header("X-Request-Id", "req-0042").send().header("X-Request-Id")).contains("upstream-made");
    assertThat(tester.get("/nowhere").header("X-Request-Id", "req-0042").send().header("X-Request-Id")).contains("req-0042");
  }

  @Test
  void a_404_under_a_mount_names_the_path_the_client_sent() throws Exception {
    Gateway gateway = Gateway.builder().route("orders", r -> r.path("/orders/**").respond(200, "text/plain", "o")).build();
    try (gateway) {
      CompletableFuture<Response> res = gateway.handle(Request.builder("GET", "/nowhere/7").mountPath("/gw").build())
          .toCompletableFuture();
      Response response = res.get(5, TimeUnit.SECONDS);
      assertThat(response.status()).isEqualTo(404);
      assertThat(new String(response.body().bytes(10_000).toCompletableFuture().get(5, TimeUnit.SECONDS)))
          .contains("no route matches GET /gw/nowhere/7");
    }
  }
}
