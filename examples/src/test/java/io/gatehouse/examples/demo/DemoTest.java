package io.gatehouse.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo as a user runs it: real services, a real gateway server, real sockets. */
class DemoTest {
  private static DemoServices services;
  private static Gateway gateway;
  private static GatewayServer server;
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    services = DemoServices.start();
    gateway = DemoRoutes.gateway(services.ordersUrl(), services.catalogUrl()).build();
    server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).start();
  }

  @AfterAll
  static void stop() {
    server.stop(Duration.ofSeconds(5));
    gateway.close();
    services.close();
  }

  @Test
  void an_order_goes_through_the_gateway_to_the_orders_service() throws Exception {
    HttpResponse<String> res = send(HttpRequest.newBuilder(uri("/api/orders/7?expand=lines"))
        .header("X-Request-Id", "demo-test-1").GET());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body())
        .contains("\"service\":\"orders\"")
        .contains("\"path\":\"/orders/7\"")
        .contains("\"query\":\"expand=lines\"")
        .contains("\"requestId\":\"demo-test-1\"")
        .contains("\"forwardedFor\":\"127.0.0.1\"")
        .contains("\"gateway\":\"gatehouse\"");
  }

  @Test
  void a_post_body_reaches_the_service() throws Exception {
    HttpResponse<String> res = send(HttpRequest.newBuilder(uri("/api/orders"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"item\":\"tea\"}")));
    assertThat(res.statusCode()).isEqualTo(201);
    assertThat(res.body()).contains("\"body\":\"{\\\"item\\\":\\\"tea\\\"}\"");
  }

  @Test
  void the_catalog_is_rewritten_and_beta_users_see_v2() throws Exception {
    assertThat(send(HttpRequest.newBuilder(uri("/catalog/tea")).GET()).body()).contains("\"path\":\"/v1/items/tea\"");
    assertThat(send(HttpRequest.newBuilder(uri("/catalog/tea")).header("X-Beta", "true").GET()).body())
        .contains("\"path\":\"/v2/items/tea\"");
  }

  @Test
  void the_partner_route_needs_the_demo_api_key_and_tells_the_service_who_called() throws Exception {
    HttpResponse<String> denied = send(HttpRequest.newBuilder(uri("/partner/orders/7")).GET());
    assertThat(denied.statusCode()).isEqualTo(401);
    assertThat(denied.headers().firstValue("WWW-Authenticate")).contains("ApiKey realm=\"gatehouse\"");

    HttpResponse<String> res = send(HttpRequest.newBuilder(uri("/partner/orders/7"))
        .header("X-API-Key", DemoRoutes.DEMO_API_KEY).header("X-Consumer-Id", "someone-else").GET());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).contains("\"path\":\"/orders/7\"").contains("\"consumer\":\"demo-partner\"");
  }

  @Test
  void errors_are_problem_json() throws Exception {
    HttpResponse<String> res = send(HttpRequest.newBuilder(uri("/api/orders/%2F")).GET());
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(res.body()).contains("\"status\":400");
  }

  @Test
  void the_instructions_name_the_port() {
    assertThat(Demo.instructions(8080)).contains("curl -i http://localhost:8080/health");
  }

  private static URI uri(String target) {
    return URI.create("http://127.0.0.1:" + server.port() + target);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
