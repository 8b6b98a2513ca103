package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.metering.Metering;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.testing.raw.RefusingPort;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin endpoints over real sockets: a traffic listener and an admin listener of its own. */
class AdminHandlerTest {
  private static final String TOKEN = "admin-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Gateway> gateways = new ArrayList<>();
  private final List<GatewayServer> servers = new ArrayList<>();
  private final List<Undertow> admins = new ArrayList<>();
  private final List<RefusingPort> held = new ArrayList<>();

  @AfterEach
  void stop() {
    admins.forEach(Undertow::stop);
    servers.forEach(s -> s.stop(Duration.ofSeconds(5)));
    gateways.forEach(Gateway::close);
    held.forEach(RefusingPort::close);
  }

  // --- authentication -------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/routes", "/usage", "/metrics", "/nowhere"})
  void rejects_a_call_without_a_token_with_401_and_a_bearer_challenge(String path) throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN).metrics(() -> "m 1\n"));

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(admin, path).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"gatehouse-admin\"");
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(JSON.readTree(res.body()).path("status").asInt()).isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer wrong-token-0123456789abcdef", "Bearer " + TOKEN + "x", "Basic " + TOKEN, "Bearer"})
  void rejects_a_wrong_token_without_echoing_it(String authorization) throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(admin, "/health")
        .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.body()).doesNotContain(TOKEN).doesNotContain("wrong-token");
  }

  @Test
  void accepts_the_scheme_in_any_case() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(admin, "/health")
        .header("Authorization", "bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(200);
  }

  @Test
  void build_without_a_token_fails_naming_the_field() {
    AdminHandler.Builder builder = UndertowGateway.admin(() -> null);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bearerToken: none (expected: a token of at least 16 characters; the admin endpoints are never open)");
  }

  @Test
  void a_short_token_is_refused_without_echoing_it() {
    AdminHandler.Builder builder = UndertowGateway.admin(() -> null);

    assertThatThrownBy(() -> builder.bearerToken("short-secret"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bearerToken: 12 characters (expected: at least 16)");
    assertThatThrownBy(() -> builder.bearerToken("has a space in it, 0123"))
        .hasMessage("bearerToken: a character outside visible ASCII at index 3 (expected: visible ASCII without spaces)");
  }

  // --- endpoints ------------------------------------------------------------------------------

  @Test
  void health_answers_up_with_the_configuration_version() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(build(b -> b.version("v7")
        .route("hello", r -> r.path("/hello").respond(200, "text/plain", "hi"))))).bearerToken(TOKEN));

    HttpResponse<String> res = get(admin, "/health");

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(res.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(JSON.readTree(res.body())).isEqualTo(JSON.readTree("{\"status\":\"UP\",\"version\":\"v7\"}"));
  }

  @Test
  void ready_lists_the_upstream_groups_when_each_has_an_available_target() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = get(admin, "/ready");

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode doc = JSON.readTree(res.body());
    assertThat(doc.path("status").asText()).isEqualTo("READY");
    assertThat(doc.path("upstreams").findValuesAsText("name")).contains("orders");
    JsonNode orders = doc.path("upstreams").get(0);
    assertThat(orders.path("available").asInt()).isEqualTo(2);
    assertThat(orders.path("targets").get(0).path("health").asText()).isEqualTo("HEALTHY");
  }

  @Test
  void ready_answers_503_once_the_only_target_is_ejected() throws Exception {
    RefusingPort closed = RefusingPort.open();
    held.add(closed);
    Gateway gateway = build(b -> b.route("down", r -> r.path("/down/**")
        .upstream(Upstream.of(closed.url().toString()).named("down")
            .outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(Duration.ofMinutes(5))))));
    GatewayServer traffic = traffic(gateway);
    int admin = admin(UndertowGateway.admin(traffic).bearerToken(TOKEN));
    assertThat(get(admin, "/ready").statusCode()).isEqualTo(200);

    HttpResponse<String> proxied = Servers.CLIENT.send(Servers.request(traffic.port(), "/down/x").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(proxied.statusCode()).isBetween(500, 599);

    HttpResponse<String> res = get(admin, "/ready");
    assertThat(res.statusCode()).isEqualTo(503);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode doc = JSON.readTree(res.body());
    assertThat(doc.path("status").asText()).isEqualTo("NOT_READY");
    assertThat(doc.path("upstreams").get(0).path("name").asText()).isEqualTo("down");
    assertThat(doc.path("upstreams").get(0).path("available").asInt()).isZero();
    assertThat(doc.path("upstreams").get(0).path("targets").get(0).path("health").asText()).isEqualTo("EJECTED");
  }

  @Test
  void routes_shows_the_compiled_table_in_declaration_order() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = get(admin, "/routes");

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode routes = JSON.readTree(res.body());
    assertThat(routes.findValuesAsText("id")).containsExactly("hello", "orders");

    JsonNode hello = routes.get(0);
    assertThat(hello.path("response").path("status").asInt()).isEqualTo(200);
    assertThat(hello.path("auth").asText()).isEqualTo("Auth.none()");
    assertThat(hello.path("circuitBreaker").asBoolean()).isFalse();

    JsonNode orders = routes.get(1);
    assertThat(texts(orders.path("paths"))).containsExactly("/api/orders/**");
    assertThat(texts(orders.path("methods"))).containsExactly("GET", "POST");
    assertThat(texts(orders.path("hosts"))).containsExactly("shop.example.com");
    assertThat(texts(orders.path("conditions"))).containsExactly("header X-Beta = true");
    assertThat(texts(orders.path("predicates"))).containsExactly("weekdays only");
    assertThat(orders.path("auth").asText()).startsWith("Auth.apiKey(");
    assertThat(orders.path("authInherited").asBoolean()).isFalse();
    assertThat(texts(orders.path("rateLimits"))).containsExactly("orders-per-ip");
    assertThat(orders.path("upstream").path("name").asText()).isEqualTo("orders");
    assertThat(texts(orders.path("upstream").path("targets")))
        .containsExactly("http://orders-1.invalid:8080", "http://orders-2.invalid:8080");
    assertThat(orders.path("upstream").path("balancing").asText()).isEqualTo("LEAST_REQUESTS");
    assertThat(orders.path("timeouts").path("timeout").asText()).isEqualTo("PT2S");
    assertThat(orders.path("retry").path("maxRetries").asInt()).isEqualTo(2);
    assertThat(orders.path("circuitBreaker").asBoolean()).isTrue();
    List<String> chain = texts(orders.path("chain"));
    assertThat(chain).isNotEmpty();
    assertThat(chain.get(chain.size() - 1)).contains("orders");
  }

  @Test
  void upstreams_shows_every_group_and_target() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    JsonNode doc = JSON.readTree(get(admin, "/upstreams").body());

    assertThat(doc.isArray()).isTrue();
    assertThat(doc.get(0).path("name").asText()).isEqualTo("orders");
    assertThat(doc.get(0).path("targets").findValuesAsText("url"))
        .containsExactly("http://orders-1.invalid:8080", "http://orders-2.invalid:8080");
  }

  @Test
  void usage_shows_the_metered_windows_with_iso_instants() throws Exception {
    GatewayServer traffic = traffic(demoGateway());
    int admin = admin(UndertowGateway.admin(traffic).bearerToken(TOKEN));
    assertThat(Servers.CLIENT.send(Servers.request(traffic.port(), "/hello").build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    HttpResponse<String> res = get(admin, "/usage");

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode window = JSON.readTree(res.body()).path("windows").get(0);
    assertThat(Instant.parse(window.path("start").asText())).isBefore(Instant.parse(window.path("end").asText()));
    JsonNode hello = window.path("usage").get(0);
    assertThat(hello.path("route").asText()).isEqualTo("hello");
    assertThat(hello.path("consumer").asText()).isEqualTo("(anonymous)");
    assertThat(hello.path("requests").asLong()).isEqualTo(1);
    assertThat(hello.path("success").asLong()).isEqualTo(1);
  }

  @Test
  void metrics_serves_the_suppliers_text_on_each_call() throws Exception {
    AtomicInteger scrapes = new AtomicInteger();
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN)
        .metrics(() -> "gatehouse_scrapes_total " + scrapes.incrementAndGet() + "\n"));

    HttpResponse<String> first = get(admin, "/metrics");
    HttpResponse<String> second = get(admin, "/metrics");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(first.body()).isEqualTo("gatehouse_scrapes_total 1\n");
    assertThat(second.body()).isEqualTo("gatehouse_scrapes_total 2\n");
  }

  @Test
  void metrics_without_a_supplier_is_a_404_problem() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = get(admin, "/metrics");

    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(JSON.readTree(res.body()).path("detail").asText()).isEqualTo("No metrics are configured.");
  }

  @Test
  void a_failing_metrics_supplier_is_a_500_problem() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN)
        .metrics(() -> {
          throw new IllegalStateException("registry closed");
        }));

    HttpResponse<String> res = get(admin, "/metrics");

    assertThat(res.statusCode()).isEqualTo(500);
    assertThat(res.body()).doesNotContain("registry closed");
  }

  @Test
  void an_unknown_path_is_a_404_problem_that_lists_the_endpoints() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = get(admin, "/nowhere");

    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(res.body()).path("detail").asText())
        .isEqualTo("There is no admin endpoint here (expected: one of /health, /ready, /routes, /upstreams, /usage, /metrics, /cache/purge).");
  }

  @Test
  void other_methods_get_405_with_allow() throws Exception {
    int admin = admin(UndertowGateway.admin(traffic(demoGateway())).bearerToken(TOKEN));

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(admin, "/routes")
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(405);
    assertThat(res.headers().firstValue("Allow")).contains("GET");
  }

  // --- separation from traffic, and swaps -----------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/ready", "/routes", "/upstreams", "/usage", "/metrics"})
  void admin_paths_are_not_reachable_through_the_traffic_listener(String path) throws Exception {
    GatewayServer traffic = traffic(demoGateway());
    admin(UndertowGateway.admin(traffic).bearerToken(TOKEN).metrics(() -> "m 1\n"));

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(traffic.port(), path)
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(res.body()).contains("no route matches GET " + path);
  }

  @Test
  void after_a_swap_routes_shows_the_new_table() throws Exception {
    GatewayServer traffic = traffic(demoGateway());
    int admin = admin(UndertowGateway.admin(traffic).bearerToken(TOKEN));
    assertThat(JSON.readTree(get(admin, "/routes").body()).findValuesAsText("id")).containsExactly("hello", "orders");

    traffic.swap(build(b -> b.route("only", r -> r.path("/only").respond(204, "text/plain", ""))));

    assertThat(JSON.readTree(get(admin, "/routes").body()).findValuesAsText("id")).containsExactly("only");
  }

  @Test
  void a_mounted_handler_can_be_followed_too() throws Exception {
    GatewayHandler handler = UndertowGateway.handler(demoGateway());
    int admin = admin(UndertowGateway.admin(handler).bearerToken(TOKEN));

    handler.swap(build(b -> b.route("mounted", r -> r.path("/m").respond(204, "text/plain", ""))));

    assertThat(JSON.readTree(get(admin, "/routes").body()).findValuesAsText("id")).containsExactly("mounted");
  }

  // --- plumbing -------------------------------------------------------------------------------

  private Gateway demoGateway() {
    Upstream orders = Upstream.of("http://orders-1.invalid:8080", "http://orders-2.invalid:8080")
        .named("orders").leastRequests();
    return build(b -> b
        .metering(Metering.every(Duration.ofMinutes(1)))
        .consumer(ApiConsumer.builder("partner").apiKey("partner-key-0123456789abcdef").build())
        .route("hello", r -> r.path("/hello").methods("GET").respond(200, "text/plain", "hi"))
        .route("orders", r -> r
            .path("/api/orders/**").methods("GET", "POST").host("shop.example.com")
            .header("X-Beta", "true")
            .predicate("weekdays only", req -> true)
            .auth(Auth.apiKey())
            .rateLimit(RateLimit.perClientIp(10).per(Duration.ofSeconds(1)).named("orders-per-ip"))
            .upstream(orders)
            .timeout(Duration.ofSeconds(2))
            .retry(Retry.times(2))
            .circuitBreaker(CircuitBreaker.of())));
  }

  private Gateway build(Consumer<Gateway.Builder> spec) {
    Gateway.Builder builder = Gateway.builder().accessLog(false);
    spec.accept(builder);
    Gateway gateway = builder.build();
    gateways.add(gateway);
    return gateway;
  }

  private GatewayServer traffic(Gateway gateway) {
    GatewayServer server = Servers.start(gateway);
    servers.add(server);
    return server;
  }

  private int admin(AdminHandler.Builder builder) {
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
        .setHandler(builder.build()).build();
    undertow.start();
    admins.add(undertow);
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return Servers.CLIENT.send(Servers.request(port, path).header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
