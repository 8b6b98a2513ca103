package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link GatehouseFilter} in front of an application in context {@code /ctx}: with
 * {@link NoRoute#PASS_THROUGH}, what no route matches reaches the application's servlet and
 * nothing else does (refused spellings are the gateway's 400, never the application's); with
 * {@link NoRoute#RESPOND_404}, the gateway answers everything.
 */
class FilterTest {
  private final Gateway gateway = Gateway.builder().accessLog(false)
      .route("hello", r -> r.path("/api/hello/{name}").methods("GET").respond(200, "text/plain", "hello from the gateway"))
      .build();

  @AfterEach
  void close() {
    gateway.close();
  }

  private static String get(int port, String method, String target) throws Exception {
    try (RawHttp client = RawHttp.connect(port)) {
      client.send(method + " " + target + " HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
      RawHttp.Head head = client.readHead();
      String body = new String(client.readBody(head), StandardCharsets.UTF_8);
      return head.status() + " " + (body.startsWith("{") ? body.replaceAll(".*\"title\":\"([^\"]*)\".*", "problem: $1") : body);
    }
  }

  @ParameterizedTest(name = "{0} {1}: {2} {3}")
  @CsvSource(delimiter = '|', value = {
      "JETTY  | PASS_THROUGH | GET    | /ctx/api/hello/you       | 200 hello from the gateway",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/api/hello/you       | 200 hello from the gateway",
      "JETTY  | PASS_THROUGH | GET    | /ctx/page                | 200 from the app: /page",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/page                | 200 from the app: /page",
      "JETTY  | PASS_THROUGH | GET    | /ctx/api/other           | 200 from the app: /api/other",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/api/other           | 200 from the app: /api/other",
      "JETTY  | PASS_THROUGH | GET    | /ctx/api/hello/a/../you  | 200 hello from the gateway",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/api/hello/a/../you  | 200 hello from the gateway",
      "JETTY  | PASS_THROUGH | GET    | /ctx/api/hello;x=1/you   | 400 problem: Bad Request",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/api/hello;x=1/you   | 400 problem: Bad Request",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/api/hello/..;/you   | 400 problem: Bad Request",
      "TOMCAT | PASS_THROUGH | GET    | /ctx/api/%2e%2e/page     | 200 from the app: /page",
      "JETTY  | PASS_THROUGH | POST   | /ctx/api/hello/you       | 405 problem: Method Not Allowed",
      "TOMCAT | PASS_THROUGH | POST   | /ctx/api/hello/you       | 405 problem: Method Not Allowed",
      "JETTY  | PASS_THROUGH | get    | /ctx/api/hello/you       | 501 problem: Not Implemented",
      "TOMCAT | PASS_THROUGH | get    | /ctx/api/hello/you       | 501 problem: Not Implemented",
      "JETTY  | RESPOND_404  | GET    | /ctx/api/hello/you       | 200 hello from the gateway",
      "TOMCAT | RESPOND_404  | GET    | /ctx/api/hello/you       | 200 hello from the gateway",
      "JETTY  | RESPOND_404  | GET    | /ctx/page                | 404 problem: Not Found",
      "TOMCAT | RESPOND_404  | GET    | /ctx/page                | 404 problem: Not Found",
  })
  void routes_what_the_gateway_matches_and_passes_on_only_what_no_route_matches(Container container, NoRoute noRoute,
      String method, String target, String expected) throws Exception {
    AppServlet app = new AppServlet();
    GatehouseFilter filter = GatehouseFilter.builder(gateway).onNoRoute(noRoute).build();
    try (Container.Running running = container.start(new Container.Deployment("/ctx", Map.of("/", app), Map.of("/*", filter)))) {
      assertThat(get(running.port(), method, target)).isEqualTo(expected);
      assertThat(app.calls.get()).isEqualTo(expected.contains("from the app") ? 1 : 0);
    }
  }
}
