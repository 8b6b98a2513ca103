package io.gatehouse.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.metering.Metering;
import io.gatehouse.micrometer.GatehouseMetrics;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
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
  private static PrometheusMeterRegistry registry;
  private static Undertow admin;
  private static final String ADMIN_TOKEN = "demo-test-admin-token-0123";
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    services = DemoServices.start();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics metrics = GatehouseMetrics.of(registry);
    gateway = DemoRoutes.gateway(services.ordersUrl(), services.catalogUrl())
        .observer(metrics)
        .metering(Metering.every(Duration.ofMinutes(1)))
        .build();
    metrics.watch(gateway);
    server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).start();
    admin = Demo.startAdmin(server, registry, 0, ADMIN_TOKEN);
  }

  @AfterAll
  static void stop() {
    admin.stop();
    server.stop(Duration.ofSeconds(5));
    gateway.close();
    services.close();
    registry.close();
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
  void the_admin_port_shows_the_route_table_usage_and_metrics_to_the_token_holder() throws Exception {
    assertThat(send(HttpRequest.newBuilder(uri("/health")).GET()).statusCode()).isEqualTo(200);
    ObjectMapper json = new ObjectMapper();

    HttpResponse<String> routes = send(adminRequest("/routes").header("Authorization", "Bearer " + ADMIN_TOKEN));
    assertThat(routes.statusCode()).isEqualTo(200);
    assertThat(json.readTree(routes.body()).findValuesAsText("id"))
        .containsExactly("health", "orders", "partner-orders", "catalog-beta", "catalog");
    JsonNode beta = json.readTree(routes.body()).get(3);
    assertThat(beta.path("conditions").get(0).asText()).isEqualTo("header X-Beta = true");

    HttpResponse<String> ready = send(adminRequest("/ready").header("Authorization", "Bearer " + ADMIN_TOKEN));
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json.readTree(ready.body()).path("status").asText()).isEqualTo("READY");

    HttpResponse<String> usage = send(adminRequest("/usage").header("Authorization", "Bearer " + ADMIN_TOKEN));
    assertThat(json.readTree(usage.body()).path("windows").findValuesAsText("route")).contains("health");

    HttpResponse<String> metrics = send(adminRequest("/metrics").header("Authorization", "Bearer " + ADMIN_TOKEN));
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("gatehouse_requests");
  }

  @Test
  void the_admin_port_needs_the_token_and_the_traffic_port_has_no_admin_endpoints() throws Exception {
    HttpResponse<String> anonymous = send(adminRequest("/routes"));
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"gatehouse-admin\"");

    HttpResponse<String> throughTraffic = send(HttpRequest.newBuilder(uri("/routes"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).GET());
    assertThat(throughTraffic.statusCode()).isEqualTo(404);
  }

  @Test
  void the_instructions_name_the_ports_and_the_admin_token() {
    assertThat(Demo.instructions(8080, 8081, "t0ken-t0ken-t0ken"))
        .contains("curl -i http://localhost:8080/health")
        .contains("curl -s -H 'Authorization: Bearer t0ken-t0ken-t0ken' http://localhost:8081/routes")
        .contains("curl -i http://localhost:8081/routes      # 401 without the token");
  }

  private static HttpRequest.Builder adminRequest(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Demo.port(admin) + path)).GET();
  }

  private static URI uri(String target) {
    return URI.create("http://127.0.0.1:" + server.port() + target);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
