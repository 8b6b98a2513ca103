package io.gatehouse.impl.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.adapter.AdminEndpoints;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.edge.Cors;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.metering.Metering;
import io.gatehouse.spi.AdapterServices;
import io.gatehouse.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The adapter-neutral admin endpoints in memory: a Request in, a Response out, no server. */
class AdminEndpointsTest {
  private static final String TOKEN = "admin-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Gateway> gateways = new ArrayList<>();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "admin-worker"));
  private final AtomicInteger tasks = new AtomicInteger();
  private final Executor counting = task -> {
    tasks.incrementAndGet();
    worker.execute(task);
  };

  @AfterEach
  void close() throws InterruptedException {
    gateways.forEach(Gateway::close);
    worker.shutdownNow();
    assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private Gateway gateway(String version) {
    Gateway g = Gateway.builder().accessLog(false).version(version)
        .metering(Metering.every(Duration.ofMinutes(1)))
        .route("hello", r -> r.path("/hello").respond(200, "text/plain", "hi"))
        .route("orders", r -> r.path("/api/orders/**")
            .upstream(Upstream.of("http://orders-1.invalid:8080").named("orders")))
        .build();
    gateways.add(g);
    return g;
  }

  private static Request get(String path) {
    return Request.builder("GET", path).header("Authorization", "Bearer " + TOKEN).build();
  }

  private static Response await(CompletionStage<Response> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String body(Response r) {
    return new String(r.body().inMemory().orElseThrow(), StandardCharsets.UTF_8);
  }

  private AdminEndpoints admin(Gateway g) {
    return AdminEndpoints.builder(() -> g).bearerToken(TOKEN).build();
  }

  @Test
  void routes_show_a_routes_response_cache_and_only_for_routes_with_one() throws Exception {
    Gateway g = Gateway.builder().accessLog(false)
        .route("catalog", r -> r.path("/catalog/**").cache(io.gatehouse.cache.ResponseCache.shared("catalog")
            .maxBytes(1L << 20).keyQueryParameters("currency").keyHeaders("X-Tenant").defaultTtl(Duration.ofSeconds(30)))
            .upstream("http://catalog.invalid:8080"))
        .route("plain", r -> r.path("/plain").respond(200, "text/plain", "p"))
        .build();
    gateways.add(g);

    JsonNode routes = JSON.readTree(body(await(admin(g).handle(get("/routes"), Runnable::run))));

    JsonNode cache = routes.get(0).path("cache");
    assertThat(cache.path("name").asText()).isEqualTo("catalog");
    assertThat(cache.path("store").asText()).isEqualTo("in-memory");
    assertThat(cache.path("maxBytes").asLong()).isEqualTo(1L << 20);
    assertThat(cache.path("maxEntryBytes").asLong()).isEqualTo(1L << 20);
    assertThat(cache.path("defaultTtl").asText()).isEqualTo("PT30S");
    assertThat(cache.path("keyQueryParameters").get(0).asText()).isEqualTo("currency");
    assertThat(cache.path("keyHeaders").get(0).asText()).isEqualTo("x-tenant");
    assertThat(cache.path("keyByConsumer").asBoolean()).isFalse();
    assertThat(cache.path("coalescingWait").asText()).isEqualTo("PT5S");
    assertThat(routes.get(0).path("chain").toString()).contains("response cache 'catalog' of route 'catalog'");
    assertThat(routes.get(1).has("cache")).isFalse();
  }

  @Test
  void routes_show_each_routes_cors_policy_and_whether_it_is_the_gateways() throws Exception {
    Gateway g = Gateway.builder().accessLog(false).cors(Cors.allowOrigins("https://app.example.com"))
        .route("inherits", r -> r.path("/a").respond(200, "text/plain", "a"))
        .route("public", r -> r.path("/b").cors(Cors.allowAnyOrigin()).respond(200, "text/plain", "b"))
        .route("off", r -> r.path("/c").cors(Cors.none()).respond(200, "text/plain", "c"))
        .build();
    gateways.add(g);

    JsonNode routes = JSON.readTree(body(await(admin(g).handle(get("/routes"), Runnable::run))));

    assertThat(routes.get(0).path("cors").asText()).isEqualTo(Cors.allowOrigins("https://app.example.com").toString());
    assertThat(routes.get(0).path("corsInherited").asBoolean()).isTrue();
    assertThat(routes.get(1).path("cors").asText()).startsWith("Cors[origins=any, ");
    assertThat(routes.get(1).path("corsInherited").asBoolean()).isFalse();
    assertThat(routes.get(2).path("cors").asText()).isEqualTo("Cors.none()");
    assertThat(routes.get(2).path("corsInherited").asBoolean()).isFalse();
    assertThat(routes.get(0).path("chain").get(0).asText()).isEqualTo("cors stage of route 'inherits'");
  }

  @Test
  void the_implementation_provides_the_adapter_services() {
    assertThat(ServiceLoader.load(AdapterServices.class).findFirst()).get().isInstanceOf(DefaultAdapterServices.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/routes", "/metrics", "/nowhere", "/%2e%2e/x"})
  void a_call_without_the_token_gets_401_without_running_anything_on_the_executor(String path) throws Exception {
    CompletionStage<Response> stage = admin(gateway("v1")).handle(Request.builder("GET", path).build(), counting);

    assertThat(stage.toCompletableFuture()).as("answered on the calling thread").isDone();
    Response res = await(stage);
    assertThat(res.status()).isEqualTo(401);
    assertThat(res.headers().first("WWW-Authenticate")).contains("Bearer realm=\"gatehouse-admin\"");
    assertThat(res.headers().first("Content-Type")).contains("application/problem+json");
    assertThat(tasks).hasValue(0);
  }

  @Test
  void health_is_rendered_on_the_executor_with_the_version_and_no_store() throws Exception {
    List<String> threads = new ArrayList<>();
    Gateway g = gateway("v7");
    AdminEndpoints admin = AdminEndpoints.builder(() -> {
      threads.add(Thread.currentThread().getName());
      return g;
    }).bearerToken(TOKEN).build();

    Response res = await(admin.handle(get("/health"), counting));

    assertThat(res.status()).isEqualTo(200);
    assertThat(res.headers().first("Content-Type")).contains("application/json");
    assertThat(res.headers().first("Cache-Control")).contains("no-store");
    assertThat(JSON.readTree(body(res))).isEqualTo(JSON.readTree("{\"status\":\"UP\",\"version\":\"v7\"}"));
    assertThat(threads).containsExactly("admin-worker");
    assertThat(tasks).hasValue(1);
  }

  @Test
  void percent_escapes_in_the_path_are_decoded_before_matching() throws Exception {
    Response res = await(admin(gateway("v1")).handle(get("/h%65alth"), counting));

    assertThat(res.status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nowhere", "/health/", "/HEALTH", "/%zzhealth", "/health%", "/%c3%a9", ""})
  void an_unknown_path_is_a_404_that_lists_the_endpoints(String path) throws Exception {
    Request request = Request.builder("GET", "/").path(path).header("Authorization", "Bearer " + TOKEN).build();

    Response res = await(admin(gateway("v1")).handle(request, counting));

    assertThat(res.status()).isEqualTo(404);
    assertThat(JSON.readTree(body(res)).path("detail").asText())
        .isEqualTo("There is no admin endpoint here (expected: one of /health, /ready, /routes, /upstreams, /usage, /metrics, /cache/purge).");
    assertThat(tasks).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "HEAD", "DELETE", "get"})
  void other_methods_get_405_with_allow_get(String method) throws Exception {
    Request request = Request.builder(method, "/routes").header("Authorization", "Bearer " + TOKEN).build();

    Response res = await(admin(gateway("v1")).handle(request, counting));

    assertThat(res.status()).isEqualTo(405);
    assertThat(res.headers().all("Allow")).containsExactly("GET");
  }

  @Test
  void ready_and_upstreams_and_routes_and_usage_are_documents_of_the_current_gateway() throws Exception {
    Gateway first = gateway("v1");
    SwappableGateway holder = SwappableGateway.of(first);
    AdminEndpoints admin = AdminEndpoints.builder(holder::current).bearerToken(TOKEN).build();

    JsonNode ready = JSON.readTree(body(await(admin.handle(get("/ready"), counting))));
    assertThat(ready.path("status").asText()).isEqualTo("READY");
    assertThat(JSON.readTree(body(await(admin.handle(get("/upstreams"), counting)))).get(0).path("name").asText())
        .isEqualTo("orders");
    assertThat(JSON.readTree(body(await(admin.handle(get("/usage"), counting)))).has("windows")).isTrue();

    Gateway second = Gateway.builder().accessLog(false).route("only", r -> r.path("/only").respond(204, "text/plain", ""))
        .build();
    gateways.add(second);
    holder.swap(second);

    assertThat(JSON.readTree(body(await(admin.handle(get("/routes"), counting)))).findValuesAsText("id"))
        .containsExactly("only");
  }

  @Test
  void metrics_come_from_the_supplier_as_prometheus_text_or_404_without_one() throws Exception {
    Gateway g = gateway("v1");
    AdminEndpoints with = AdminEndpoints.builder(() -> g).bearerToken(TOKEN).metrics(() -> "m 1\n").build();

    Response res = await(with.handle(get("/metrics"), counting));
    assertThat(res.headers().first("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(body(res)).isEqualTo("m 1\n");

    Response none = await(admin(g).handle(get("/metrics"), counting));
    assertThat(none.status()).isEqualTo(404);
    assertThat(JSON.readTree(body(none)).path("detail").asText()).isEqualTo("No metrics are configured.");
  }

  @Test
  void a_failing_document_is_a_500_problem_without_internals() throws Exception {
    Gateway g = gateway("v1");
    AdminEndpoints admin = AdminEndpoints.builder(() -> g).bearerToken(TOKEN)
        .metrics(() -> {
          throw new IllegalStateException("registry closed at secret-host:1234");
        }).build();

    Response res = await(admin.handle(get("/metrics"), counting));

    assertThat(res.status()).isEqualTo(500);
    assertThat(body(res)).doesNotContain("secret-host").contains("The admin endpoint failed; see the gateway log.");
  }

  @Test
  void an_executor_that_refuses_the_work_gives_503() throws Exception {
    Executor refusing = task -> {
      throw new RejectedExecutionException("shut down");
    };

    Response res = await(admin(gateway("v1")).handle(get("/routes"), refusing));

    assertThat(res.status()).isEqualTo(503);
    assertThat(res.headers().first("Content-Type")).contains("application/problem+json");
  }

  @Test
  void problems_carry_the_callers_well_formed_request_id() throws Exception {
    Request request = Request.builder("GET", "/routes").header("X-Request-Id", "ops-42").build();

    Response res = await(admin(gateway("v1")).handle(request, counting));

    assertThat(res.headers().first("X-Request-Id")).contains("ops-42");
    assertThat(JSON.readTree(body(res)).path("requestId").asText()).isEqualTo("ops-42");
  }

  @Test
  void the_token_rules_are_pinned() {
    AdminEndpoints.Builder builder = AdminEndpoints.builder(() -> null);

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("bearerToken: none (expected: a token of at least 16 characters; the admin endpoints are never open)");
    assertThatThrownBy(() -> builder.bearerToken("short-secret"))
        .hasMessage("bearerToken: 12 characters (expected: at least 16)");
    assertThatThrownBy(() -> builder.bearerToken("tab\tinside-0123456789"))
        .hasMessage("bearerToken: a character outside visible ASCII at index 3 (expected: visible ASCII without spaces)");
  }

  @Test
  void admin_endpoints_print_whether_they_serve_metrics_and_not_their_token() {
    AdminEndpoints plain = AdminEndpoints.builder(() -> null).bearerToken("a-long-admin-token-0123456789").build();
    AdminEndpoints metered = AdminEndpoints.builder(() -> null).bearerToken("a-long-admin-token-0123456789")
        .metrics(() -> "").build();

    assertThat(plain).hasToString("AdminEndpoints[no metrics]");
    assertThat(metered).hasToString("AdminEndpoints[with metrics]");
  }
}
