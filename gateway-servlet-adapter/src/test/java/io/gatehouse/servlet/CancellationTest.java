package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client that goes away, or a container that stops waiting, cancels the upstream exchange. */
class CancellationTest {
  @ParameterizedTest
  @EnumSource(Container.class)
  void a_client_that_leaves_mid_body_makes_the_gateway_close_the_upstream_connection(Container container) throws Exception {
    StringBuilder script = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 100; i++) {
      script.append("5\r\nchunk\r\n").append(RawUpstream.PAUSE);
    }
    script.append("0\r\n\r\n");
    try (RawUpstream upstream = RawUpstream.start().script(script.toString());
        Gateway gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream.url())).build();
        Container.Running running = container.start(Container.Deployment.of("", Map.of("/gw/*", GatehouseServlet.of(gateway))))) {
      try (RawHttp client = RawHttp.connect(running.port())) {
        client.send("GET /gw/stream HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(client.readHead().status()).isEqualTo(200);
        client.readExactly(5); // "5\r\nch": the stream has started
      }
      // The next chunk's write fails: the response body's subscription is cancelled, and with it the upstream call.
      assertThat(upstream.scriptedConnectionClosed().get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_container_async_timeout_cancels_the_gateways_call_and_answers_503(Container container) throws Exception {
    CompletableFuture<Response> never = new CompletableFuture<>();
    Gateway gateway = TestGateway.async(r -> never);
    GatehouseServlet servlet = GatehouseServlet.builder(gateway).asyncTimeout(Duration.ofMillis(300)).build();
    try (Container.Running running = container.start(Container.Deployment.of("", Map.of("/gw/*", servlet)));
        RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET /gw/slow HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head head = client.readHead();
      String body = new String(client.readBody(head), StandardCharsets.UTF_8);

      assertThat(head.status()).isEqualTo(503);
      assertThat(head.first("Content-Type")).contains("application/problem+json");
      assertThat(body).contains("The server stopped waiting for this request.");
      assertThat(never).isCancelled();
    }
  }
}
