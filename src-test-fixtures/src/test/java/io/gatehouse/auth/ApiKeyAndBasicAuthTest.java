package io.gatehouse.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiKeyAndBasicAuthTest {
  private static final String UP = "http://up:8080";
  private static final String KEY = "k3y-of-billing-0123456789";
  private static final ApiConsumer BILLING = ApiConsumer.builder("billing").groups("internal", "finance").plan("pro")
      .apiKey(KEY).password(PasswordHash.of("billing-password", PasswordHash.MIN_ITERATIONS)).build();
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private GatewayTester tester(Gateway.Builder builder) {
    tester = GatewayTester.of(builder);
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  @Test
  void an_api_key_is_removed_before_the_request_goes_upstream_and_the_consumer_is_named() {
    tester(Gateway.builder().auth(Auth.apiKey()).consumer(BILLING).route("r", r -> r.path("/**").upstream(UP)));

    assertThat(tester.get("/invoices").header("X-API-Key", KEY).send())
        .hasStatus(200)
        .upstreamSawNoHeader("X-API-Key")
        .upstreamSawHeader("X-Consumer-Id", "billing")
        .upstreamSawHeader("X-Consumer-Groups", "finance,internal")
        .upstreamSawHeader("X-Consumer-Plan", "pro");
  }

  @Test
  void a_key_in_the_query_is_accepted_when_configured_and_removed_from_the_query() {
    tester(Gateway.builder().auth(Auth.apiKey().header("X-Api-Token").query("api_key")).consumer(BILLING)
        .route("r", r -> r.path("/**").upstream(UP)));

    assertThat(tester.get("/invoices?year=2026&api_key=" + KEY + "&page=2").send())
        .hasStatus(200).upstreamSawQuery("year=2026&page=2");
    assertThat(tester.get("/invoices?api_key=" + KEY).send()).hasStatus(200).upstreamSawPath("/invoices");
    assertThat(tester.upstream(UP).received().get(1).rawQuery()).isEmpty();
    assertThat(tester.get("/invoices").header("X-Api-Token", KEY).send()).hasStatus(200).upstreamSawNoHeader("X-Api-Token");
    assertThat(tester.get("/invoices").header("X-API-Key", KEY).send()).as("the default header no longer counts").hasStatus(401);
  }

  @Test
  void forwardKey_keeps_the_key_for_upstreams_that_need_it() {
    tester(Gateway.builder().auth(Auth.apiKey().forwardKey(true)).consumer(BILLING).route("r", r -> r.path("/**").upstream(UP)));

    assertThat(tester.get("/x").header("X-API-Key", KEY).send()).hasStatus(200).upstreamSawHeader("X-API-Key", KEY);
  }

  @Test
  void the_store_holds_only_hashes_and_a_custom_store_may_answer_later() {
    assertThat(BILLING.toString()).doesNotContain(KEY);
    assertThat(BILLING.apiKeyHashes()).containsExactly(ApiConsumer.hashApiKey(KEY))
        .noneMatch(h -> h.contains(KEY));
    AtomicReference<String> askedFor = new AtomicReference<>();
    ConsumerStore slow = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String hash) {
        askedFor.set(hash);
        return CompletableFuture.supplyAsync(() -> Optional.of(BILLING).filter(c -> c.apiKeyHashes().contains(hash)));
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
    };
    tester(Gateway.builder().auth(Auth.apiKey()).consumers(slow).route("r", r -> r.path("/**").upstream(UP)));

    assertThat(tester.get("/x").header("X-API-Key", KEY).send()).hasStatus(200).upstreamSawHeader("X-Consumer-Id", "billing");
    assertThat(askedFor.get()).isEqualTo(ApiConsumer.hashApiKey(KEY));
  }

  @Test
  void a_failing_consumer_store_gets_503_not_401_or_500() {
    ConsumerStore down = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String hash) {
        return CompletableFuture.failedFuture(new IllegalStateException("database is down"));
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        throw new IllegalStateException("database is down");
      }
    };
    tester(Gateway.builder().consumers(down)
        .route("key", r -> r.path("/key").auth(Auth.apiKey()).upstream(UP))
        .route("basic", r -> r.path("/basic").auth(Auth.basic()).upstream(UP)));

    assertThat(tester.get("/key").header("X-API-Key", KEY).send()).hasStatus(503).isProblem()
        .bodyContains("the credentials cannot be checked now").wasNotProxied();
    assertThat(tester.get("/basic").basic("billing", "x").send()).hasStatus(503).isProblem();
  }

  @Test
  void basic_auth_checks_the_password_hash_off_the_calling_thread_and_strips_the_credentials() {
    AtomicReference<String> thread = new AtomicReference<>();
    tester(Gateway.builder().auth(Auth.basic()).consumer(BILLING)
        .route("r", r -> r.path("/**").filter((exchange, chain) -> {
          thread.set(Thread.currentThread().getName());
          return chain.proceed(exchange);
        }).upstream(UP)));

    TestResponse response = tester.get("/ledger").basic("billing", "billing-password").send();

    assertThat(response).hasStatus(200).upstreamSawNoHeader("Authorization").upstreamSawHeader("X-Consumer-Id", "billing");
    // The chain goes on on the password thread, or on the caller's if the check ended first: the
    // proof that the hash was not computed on the caller is that a password thread ran it.
    assertThat(Thread.getAllStackTraces().keySet())
        .anyMatch(t -> t.getName().startsWith("gatehouse-password-"));
    assertThat(tester.get("/ledger").basic("billing", "billing-password").send())
        .as("a password that matched is remembered").hasStatus(200);
    assertThat(thread.get()).doesNotStartWith("gatehouse-password-");
    assertThat(tester.get("/ledger").basic("billing", "billing-passwort").send()).hasStatus(401);
  }

  @Test
  void a_consumer_without_a_password_cannot_use_basic() {
    ApiConsumer keyOnly = ApiConsumer.builder("robot").apiKey("robot-key-0123456789abcd").build();
    tester(Gateway.builder().auth(Auth.basic()).consumer(keyOnly).route("r", r -> r.path("/**").upstream(UP)));

    assertThat(tester.get("/x").basic("robot", "").send()).hasStatus(401);
    assertThat(tester.get("/x").basic("robot", "robot-key-0123456789abcd").send()).hasStatus(401);
  }

  @Test
  void closing_the_gateway_stops_the_password_threads() throws Exception {
    tester(Gateway.builder().auth(Auth.basic()).consumer(BILLING).route("r", r -> r.path("/**").upstream(UP)));
    assertThat(tester.get("/x").basic("billing", "billing-password").send()).hasStatus(200);

    tester.close();

    long left = Poll.within(Duration.ofSeconds(10)).until(() -> threadsNamed("gatehouse-password-"), n -> n == 0);
    assertThat(left).isZero();
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).count();
  }

  @Test
  void recorded_requests_never_carry_a_credential_the_gateway_consumed() {
    tester(Gateway.builder().consumer(BILLING)
        .route("key", r -> r.path("/key").auth(Auth.apiKey()).upstream(UP))
        .route("basic", r -> r.path("/basic").auth(Auth.basic()).upstream(UP)));
    tester.get("/key").header("X-API-Key", KEY).send();
    tester.get("/basic").basic("billing", "billing-password").send();

    List<RecordedRequest> seen = tester.upstream(UP).received();
    assertThat(seen).hasSize(2)
        .allSatisfy(r -> assertThat(r.headers().toString())
            .doesNotContain(KEY).doesNotContain("Basic "));
  }
}
