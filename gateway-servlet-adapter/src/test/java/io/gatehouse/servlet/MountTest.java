package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import jakarta.servlet.Servlet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mounting on each container: at any context path and servlet mapping, beside the application's
 * own servlet; what the gateway sees as path, query and mount; what the upstream is told in
 * {@code X-Forwarded-Prefix}, whatever the client claims.
 */
class MountTest {
  private static String exchange(int port, String target, String extraHead) throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send("GET " + target + " HTTP/1.1\r\nHost: gw\r\n" + extraHead + "\r\n");
      RawHttp.Head head = client.readHead();
      return head.status() + " " + new String(client.readBody(head), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Servlet> servlets(String mapping, Servlet gateway, Servlet app) {
    Map<String, Servlet> servlets = new LinkedHashMap<>();
    servlets.put(mapping, gateway);
    if (!mapping.equals("/")) {
      servlets.put("/", app);
    }
    return servlets;
  }

  @ParameterizedTest(name = "{0}: context ''{1}'', mapping {2}: {3} -> {4} under ''{5}''")
  @CsvSource(delimiter = '|', nullValues = "<none>", value = {
      "JETTY  | /ctx | /gw/*     | /ctx/gw/orders/7?expand=a%20b | /orders/7   | /ctx/gw | expand=a%20b",
      "TOMCAT | /ctx | /gw/*     | /ctx/gw/orders/7?expand=a%20b | /orders/7   | /ctx/gw | expand=a%20b",
      "JETTY  |      | /gw/*     | /gw/a%20b/c%C3%A9             | /a%20b/c%C3%A9 | /gw  | <none>",
      "TOMCAT |      | /gw/*     | /gw/a%20b/c%C3%A9             | /a%20b/c%C3%A9 | /gw  | <none>",
      "JETTY  | /ctx | /gw/*     | /ctx/gw                       | /           | /ctx/gw | <none>",
      "TOMCAT | /ctx | /gw/*     | /ctx/gw                       | /           | /ctx/gw | <none>",
      "JETTY  | /ctx | /gw/*     | /ctx/gw/?                     | /           | /ctx/gw | <none>",
      "TOMCAT | /ctx | /gw/*     | /ctx/gw/?                     | /           | /ctx/gw | <none>",
      "JETTY  | /ctx | /*        | /ctx/orders/7                 | /orders/7   | /ctx    | <none>",
      "TOMCAT | /ctx | /*        | /ctx/orders/7                 | /orders/7   | /ctx    | <none>",
      "JETTY  |      | /*        | /orders/7                     | /orders/7   |         | <none>",
      "TOMCAT |      | /*        | /orders/7                     | /orders/7   |         | <none>",
      "JETTY  | /ctx | /         | /ctx/orders/7                 | /orders/7   | /ctx    | <none>",
      "TOMCAT | /ctx | /         | /ctx/orders/7                 | /orders/7   | /ctx    | <none>",
      "JETTY  | /ctx | /api/v1/* | /ctx/api/v1/x;p/y?q           | /x;p/y      | /ctx/api/v1 | q",
      "TOMCAT | /ctx | /api/v1/* | /ctx/api/v1/x;p/y?q           | /x;p/y      | /ctx/api/v1 | q",
      "JETTY  | /ctx | /gw/*     | /c%74x/g%77;jsessionid=1/z    | /z          | /ctx/gw | <none>",
      "TOMCAT | /ctx | /gw/*     | /c%74x/g%77;jsessionid=1/z    | /z          | /ctx/gw | <none>",
  })
  void the_gateway_sees_the_raw_path_below_the_mount_and_the_mount_itself(Container container, String context,
      String mapping, String target, String path, String mountPath, String query) throws Exception {
    TestGateway gateway = TestGateway.text(200, "from the gateway");
    AppServlet app = new AppServlet();
    try (Container.Running running = container.start(Container.Deployment.of(context == null ? "" : context,
        servlets(mapping, GatehouseServlet.of(gateway), app)))) {
      assertThat(exchange(running.port(), target, "")).isEqualTo("200 from the gateway");
      Request seen = gateway.lastRequest();
      assertThat(seen.path()).isEqualTo(path);
      assertThat(seen.mountPath()).isEqualTo(mountPath == null ? "" : mountPath);
      assertThat(seen.rawQuery()).isEqualTo(Optional.ofNullable(query));
      assertThat(seen.method()).isEqualTo("GET");
      assertThat(seen.headers().first("Host")).contains("gw");
      assertThat(seen.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
      assertThat(seen.scheme()).isEqualTo("http");
      assertThat(app.calls).hasValue(0);
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void leaves_the_applications_own_servlet_reachable_beside_the_gateway(Container container) throws Exception {
    TestGateway gateway = TestGateway.text(200, "from the gateway");
    try (Container.Running running = container.start(Container.Deployment.of("/ctx",
        servlets("/gw/*", GatehouseServlet.of(gateway), new AppServlet())))) {
      assertThat(exchange(running.port(), "/ctx/gw/x", "")).isEqualTo("200 from the gateway");
      assertThat(exchange(running.port(), "/ctx/app/page", "")).isEqualTo("200 from the app: /app/page");
      assertThat(exchange(running.port(), "/ctx/gwx/not-the-gateway", "")).isEqualTo("200 from the app: /gwx/not-the-gateway");
      assertThat(gateway.requests).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void passes_every_header_value_in_order_and_multiple_values_of_a_name(Container container) throws Exception {
    TestGateway gateway = TestGateway.text(200, "ok");
    try (Container.Running running = container.start(Container.Deployment.of("", Map.of("/*", GatehouseServlet.of(gateway))))) {
      assertThat(exchange(running.port(), "/h", "X-Multi: one\r\nAccept: text/plain\r\nx-multi: two\r\nX-Empty:\r\nX-Multi: three, four\r\n"))
          .isEqualTo("200 ok");
      Request seen = gateway.lastRequest();
      assertThat(seen.headers().all("X-Multi")).containsExactly("one", "two", "three, four");
      assertThat(seen.headers().first("accept")).contains("text/plain");
      assertThat(seen.headers().first("X-Empty")).contains("");
      assertThat(seen.body().isEmpty()).isTrue();
    }
  }

  /**
   * The upstream learns the mount from {@code X-Forwarded-Prefix}; a client's own
   * {@code X-Forwarded-Prefix} (the client is no trusted proxy) never reaches it, in any case or
   * number ({@code ^} separates two header lines in a row).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "JETTY  | <none>",
      "TOMCAT | <none>",
      "JETTY  | X-Forwarded-Prefix: /admin",
      "TOMCAT | X-Forwarded-Prefix: /admin",
      "JETTY  | x-forwarded-prefix: /evil ^ X-FORWARDED-PREFIX: /worse",
      "TOMCAT | x-forwarded-prefix: /evil ^ X-FORWARDED-PREFIX: /worse",
  })
  void the_upstream_is_told_the_mount_in_x_forwarded_prefix_and_never_the_clients(Container container, String forged)
      throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream.url())).build();
        Container.Running running = container.start(Container.Deployment.of("/ctx",
            servlets("/gw/*", GatehouseServlet.of(gateway), new AppServlet())))) {
      String extra = forged.equals("<none>") ? "" : forged.replace(" ^ ", "\r\n") + "\r\n";
      assertThat(exchange(running.port(), "/ctx/gw/orders/7", extra)).isEqualTo("200 ok");
      assertThat(upstream.awaitRequests(1, Duration.ofSeconds(5))).isTrue();
      String received = upstream.requests().get(0)
          .replaceAll("\r\nX-Request-Id: [0-9a-f]{32}\r\n", "\r\nX-Request-Id: {id}\r\n")
          .replaceAll("\r\ntraceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\r\n", "\r\ntraceparent: {trace}\r\n");
      assertThat(received).isEqualTo("GET /orders/7 HTTP/1.1\r\n"
          + "Host: " + upstream.url().substring("http://".length()) + "\r\n"
          + "X-Forwarded-For: 127.0.0.1\r\n"
          + "X-Forwarded-Proto: http\r\n"
          + "X-Forwarded-Host: gw\r\n"
          + "X-Forwarded-Prefix: /ctx/gw\r\n"
          + "Forwarded: for=127.0.0.1;proto=http;host=gw\r\n"
          + "X-Request-Id: {id}\r\n"
          + "traceparent: {trace}\r\n"
          + "\r\n");
    }
  }
}
