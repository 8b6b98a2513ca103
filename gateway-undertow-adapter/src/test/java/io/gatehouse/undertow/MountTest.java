package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.raw.RawHttp;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MountTest {
  private final TestGateway gateway = TestGateway.text(200, "from the gateway");
  private final HttpHandler app = exchange -> {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
    exchange.getResponseSender().send("from the app: " + exchange.getRelativePath());
  };
  private Undertow undertow;

  @AfterEach
  void stop() {
    if (undertow != null) {
      undertow.stop();
    }
  }

  private int start(HttpHandler root) {
    undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2).setHandler(root).build();
    undertow.start();
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  private String get(int port, String target) throws Exception {
    return Servers.CLIENT.send(Servers.request(port, target).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @ParameterizedTest(name = "{0} reaches the gateway as {1}")
  @CsvSource(delimiter = '|', value = {
      "/gw/orders/7      | /orders/7",
      "/gw               | /",
      "/gw/              | /",
      "/gw/a%20b/c%2Fd   | /a%20b/c%2Fd",
      "/gw;jsessionid=1/x | /x",
      "/g%77/orders      | /orders",
  })
  void strips_the_mount_prefix_and_keeps_the_rest_raw(String target, String path) throws Exception {
    int port = start(Handlers.path()
        .addPrefixPath("/gw", UndertowGateway.handler(gateway))
        .addPrefixPath("/", app));

    assertThat(get(port, target)).isEqualTo("from the gateway");
    assertThat(gateway.lastRequest().path()).isEqualTo(path);
  }

  @Test
  void leaves_the_apps_own_handlers_reachable_beside_the_gateway() throws Exception {
    int port = start(Handlers.path()
        .addPrefixPath("/gw", UndertowGateway.handler(gateway))
        .addPrefixPath("/", app));

    assertThat(get(port, "/gw/orders/7?expand=lines")).isEqualTo("from the gateway");
    assertThat(gateway.lastRequest().target()).isEqualTo("/orders/7?expand=lines");
    assertThat(get(port, "/app/page")).isEqualTo("from the app: /app/page");
    assertThat(get(port, "/gwx/not-the-gateway")).isEqualTo("from the app: /gwx/not-the-gateway");
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void matches_a_prefix_that_needs_percent_decoding() throws Exception {
    int port = start(Handlers.path().addPrefixPath("/caf\u00e9 bar", UndertowGateway.handler(gateway)));

    assertThat(get(port, "/caf%C3%A9%20bar/x%20y")).isEqualTo("from the gateway");
    assertThat(gateway.lastRequest().path()).isEqualTo("/x%20y");
  }

  @Test
  void answers_400_problem_when_the_raw_target_does_not_line_up_with_the_mount_point() throws Exception {
    HttpHandler gw = UndertowGateway.handler(gateway);
    int port = start(exchange -> {
      exchange.setResolvedPath("/elsewhere"); // a routing handler that rewrote the path
      gw.handleRequest(exchange);
    });

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(port, "/gw/x").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(res.body()).contains("\"status\":400", "\"title\":\"Bad Request\"", "\"type\":\"urn:gatehouse:problem:bad-request\"", "\"requestId\":", "\"detail\":");
    assertThat(gateway.requests).isEmpty();
  }

  @Test
  void calls_the_gateway_when_the_handler_runs_on_a_worker_thread() throws Exception {
    HttpHandler gw = UndertowGateway.handler(gateway);
    int port = start(exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(gw); // the app moved the request to a worker before reaching us
        return;
      }
      gw.handleRequest(exchange);
    });

    assertThat(get(port, "/w")).isEqualTo("from the gateway");
  }
  @Test
  void a_mounted_handler_is_bound_by_the_apps_max_entity_size() throws Exception {
    TestGateway echo = TestGateway.echo();
    int port = start(Handlers.path().addPrefixPath("/gw", UndertowGateway.handler(echo)));
    // Undertow's default MAX_ENTITY_SIZE (2 MiB) applies: a larger declared length is refused before
    // the gateway runs, and the connection closed as the body is not read; GatewayServer sets it to
    // 0 (LargeBodyTest).
    try (RawHttp c = RawHttp.connect(port)) {
      c.send("POST /gw/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3000000\r\n\r\n");

      RawHttp.Head head = c.readHead();
      assertThat(head.status()).isEqualTo(413);
      assertThat(head.first("Content-Type")).hasValue("application/problem+json");
      // RFC 9110's phrase, as in every problem the gateway makes (Undertow's own is "Request Entity Too Large").
      assertThat(new String(c.readBody(head), java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"title\":\"Content Too Large\"", "\"type\":\"urn:gatehouse:problem:content-too-large\"");
      assertThat(c.closedWithin(3000)).isTrue();
    }
    assertThat(echo.requests).isEmpty();
  }
}
