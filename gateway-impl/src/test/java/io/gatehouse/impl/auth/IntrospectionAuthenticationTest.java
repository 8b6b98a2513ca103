package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.BEARER;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.IntrospectionAuth;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.AuthHarness.StubTransport;
import io.gatehouse.spi.UpstreamCall;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Opaque bearer tokens checked at an RFC 7662 endpoint, through the auth stages as the gateway runs them. */
class IntrospectionAuthenticationTest {
  private static final String URL = "https://idp.example/oauth/introspect";
  private static final String NOT_ACTIVE = "the token is not active";

  private final AuthHarness harness = new AuthHarness();
  private final long now = harness.clock.instant().getEpochSecond();
  /** What the endpoint answers now. */
  private final AtomicReference<String> answer = new AtomicReference<>();

  IntrospectionAuthenticationTest() {
    harness.transport.on(URL, call -> CompletableFuture.completedFuture(StubTransport.json(200, answer.get())));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Routes gateway(UnaryOperator<IntrospectionAuth> config, AccessRule... rules) {
    return harness.protecting(config.apply(Auth.introspection(URL).clientCredentials("gateway", "s3cret")), rules);
  }

  private Reply send(Routes g, String token) {
    return harness.send(g, get("/r/x").header("Authorization", "Bearer " + token));
  }

  private int calls() {
    return harness.transport.callsTo(URL).size();
  }

  private String active(String members) {
    return "{\"active\":true" + (members.isEmpty() ? "" : "," + members) + "}";
  }

  @Test
  void asks_the_endpoint_with_client_credentials_and_the_form_encoded_token() throws Exception {
    answer.set(active("\"sub\":\"alice\""));
    Routes g = harness.protecting(Auth.introspection(URL).clientCredentials("gate way:1", "s3cr:et&=").timeout(Duration.ofMillis(2500)));

    Reply reply = send(g, "a+b/c=");

    assertThat(reply.status()).isEqualTo(200);
    UpstreamCall call = harness.transport.callsTo(URL).get(0);
    assertThat(call.origin()).hasToString("https://idp.example");
    assertThat(call.request().method()).isEqualTo("POST");
    assertThat(call.request().target()).isEqualTo("/oauth/introspect");
    assertThat(call.request().headers().first("Authorization")).contains("Basic "
        + Base64.getEncoder().encodeToString("gate+way%3A1:s3cr%3Aet%26%3D".getBytes(StandardCharsets.UTF_8)));
    assertThat(call.request().headers().first("Content-Type")).contains("application/x-www-form-urlencoded");
    assertThat(call.request().headers().first("Accept")).contains("application/json");
    String form = "token=a%2Bb%2Fc%3D&token_type_hint=access_token";
    assertThat(call.request().headers().first("Content-Length")).contains(Integer.toString(form.length()));
    assertThat(new String(call.request().body().bytes(1024).toCompletableFuture().get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8))
        .isEqualTo(form);
    assertThat(call.connectTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(call.responseTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void an_active_token_authenticates_its_subject_with_scopes_and_roles() {
    answer.set(active("\"sub\":\"alice\",\"scope\":\"orders:read orders:write\",\"scp\":[\"admin\"],"
        + "\"groups\":[\"staff\",\"ops\"],\"exp\":" + (now + 600) + ",\"nothing\":null"));
    Routes g = gateway(i -> i.rolesClaim("groups"), AccessRule.scopes("orders:read", "admin"), AccessRule.roles("ops"));

    Reply reply = send(g, "opaque-token");

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.upstreamHeader("X-Consumer-Id")).contains("alice");
    assertThat(reply.upstreamHeader("X-Consumer-Groups")).contains("ops,staff");
    assertThat(reply.upstreamHeader("Authorization")).contains("Bearer opaque-token");
    assertThat(reply.consumer()).contains("alice");
  }

  @Test
  void roles_come_from_the_roles_claim_by_default() {
    answer.set(active("\"sub\":\"alice\",\"roles\":\"a b\""));

    assertThat(send(gateway(i -> i), "t").upstreamHeader("X-Consumer-Groups")).contains("a,b");
  }

  @Test
  void missing_scopes_are_a_403_with_the_bearer_challenge() {
    answer.set(active("\"sub\":\"alice\",\"scope\":\"orders:read\""));

    Reply reply = send(gateway(i -> i, AccessRule.scopes("orders:write")), "t");

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.challenges()).containsExactly(BEARER + ", error=\"insufficient_scope\", scope=\"orders:write\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'\"sub\":\"alice\",\"username\":\"u\",\"client_id\":\"c\"' | alice",
      "'\"username\":\"u\",\"client_id\":\"c\"'                  | u",
      "'\"client_id\":\"c\"'                                     | c",
      "'\"sub\":\"\",\"username\":\"u\"'                         | u",
      "'\"sub\":7,\"client_id\":\"c\"'                           | c",
      "'\"sub\":null,\"username\":\"\",\"client_id\":\"c\"'      | c"})
  void the_principal_is_sub_else_username_else_client_id(String members, String id) {
    answer.set(active(members));

    assertThat(send(gateway(i -> i), "t").upstreamHeader("X-Consumer-Id")).contains(id);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"active\":false,\"sub\":\"alice\"}", "{\"sub\":\"alice\"}", "{\"active\":\"true\",\"sub\":\"alice\"}",
      "{\"active\":1,\"sub\":\"alice\"}", "{\"active\":null,\"sub\":\"alice\"}", "{\"active\":true}", "{\"active\":true,\"sub\":\"\"}",
      "{\"active\":true,\"sub\":7}"})
  void a_token_that_is_not_active_or_names_no_one_is_rejected(String json) {
    answer.set(json);

    assertRejected(send(gateway(i -> i), "t"), NOT_ACTIVE);
  }

  @ParameterizedTest(name = "exp now {0}")
  @ValueSource(longs = {-60, -1, 0})
  void an_active_answer_whose_exp_has_passed_is_not_active(long offset) {
    answer.set(active("\"sub\":\"alice\",\"exp\":" + (now + offset)));

    assertRejected(send(gateway(i -> i), "t"), NOT_ACTIVE);
  }

  @Test
  void an_active_answer_is_usable_until_its_exp() {
    answer.set(active("\"sub\":\"alice\",\"exp\":" + (now + 1)));

    assertThat(send(gateway(i -> i), "t").status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "500 | {}",
      "401 | {}",
      "201 | '{\"active\":true,\"sub\":\"alice\"}'",
      "200 | not json",
      "200 | '[{\"active\":true}]'",
      "200 | ''"})
  void an_endpoint_that_does_not_answer_properly_is_a_503_and_is_asked_again_next_time(int status, String body) {
    harness.transport.answer(URL, status, body);
    Routes g = gateway(i -> i);

    for (int i = 1; i <= 2; i++) {
      Reply reply = send(g, "t");
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.detail()).isEqualTo("the token cannot be checked now");
      assertThat(reply.challenges()).isEmpty();
      assertThat(calls()).isEqualTo(i);
    }
    answer.set(active("\"sub\":\"alice\""));
    harness.transport.on(URL, call -> CompletableFuture.completedFuture(StubTransport.json(200, answer.get())));
    assertThat(send(g, "t").status()).as("answering again").isEqualTo(200);
  }

  @Test
  void an_endpoint_that_cannot_be_reached_is_a_503() {
    harness.transport.on(URL, call -> CompletableFuture.failedFuture(new ConnectException("refused")));

    Reply reply = send(gateway(i -> i), "t");

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.detail()).isEqualTo("the token cannot be checked now");
  }

  @Test
  void an_active_answer_is_remembered_until_the_token_exp() {
    answer.set(active("\"sub\":\"alice\",\"exp\":" + (now + 60)));
    Routes g = gateway(i -> i.maxCacheTtl(Duration.ofMinutes(5)));

    assertThat(send(g, "t").status()).isEqualTo(200);
    harness.clock.advance(Duration.ofSeconds(60).minusMillis(1));
    answer.set("{\"active\":false}");
    assertThat(send(g, "t").status()).isEqualTo(200);
    assertThat(calls()).isEqualTo(1);
    harness.clock.advance(Duration.ofMillis(1));
    assertRejected(send(g, "t"), NOT_ACTIVE);
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void an_active_answer_is_remembered_at_most_the_maximum_ttl() {
    answer.set(active("\"sub\":\"alice\",\"exp\":" + (now + 3600)));
    Routes g = gateway(i -> i.maxCacheTtl(Duration.ofSeconds(90)));

    assertThat(send(g, "t").status()).isEqualTo(200);
    harness.clock.advance(Duration.ofSeconds(90).minusMillis(1));
    answer.set("{\"active\":false}");
    assertThat(send(g, "t").status()).isEqualTo(200);
    harness.clock.advance(Duration.ofMillis(1));
    assertRejected(send(g, "t"), NOT_ACTIVE);
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void an_active_answer_without_exp_is_remembered_for_the_maximum_ttl() {
    answer.set(active("\"sub\":\"alice\""));
    Routes g = gateway(i -> i.maxCacheTtl(Duration.ofSeconds(90)));

    assertThat(send(g, "t").status()).isEqualTo(200);
    harness.clock.advance(Duration.ofSeconds(90).minusMillis(1));
    assertThat(send(g, "t").status()).isEqualTo(200);
    assertThat(calls()).isEqualTo(1);
    harness.clock.advance(Duration.ofMillis(1));
    send(g, "t");
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void an_inactive_answer_is_remembered_for_the_inactive_ttl() {
    answer.set("{\"active\":false}");
    Routes g = gateway(i -> i.inactiveCacheTtl(Duration.ofSeconds(20)));

    assertRejected(send(g, "t"), NOT_ACTIVE);
    answer.set(active("\"sub\":\"alice\""));
    harness.clock.advance(Duration.ofSeconds(20).minusMillis(1));
    assertRejected(send(g, "t"), NOT_ACTIVE);
    assertThat(calls()).isEqualTo(1);
    harness.clock.advance(Duration.ofMillis(1));
    assertThat(send(g, "t").status()).isEqualTo(200);
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void with_an_inactive_ttl_of_zero_an_inactive_answer_is_not_remembered() {
    answer.set("{\"active\":false}");
    Routes g = gateway(i -> i.inactiveCacheTtl(Duration.ZERO));

    assertRejected(send(g, "t"), NOT_ACTIVE);
    assertRejected(send(g, "t"), NOT_ACTIVE);
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void answers_are_remembered_per_token() {
    Routes g = gateway(i -> i);
    answer.set(active("\"sub\":\"alice\""));
    assertThat(send(g, "token-a").upstreamHeader("X-Consumer-Id")).contains("alice");
    answer.set(active("\"sub\":\"bob\""));
    assertThat(send(g, "token-b").upstreamHeader("X-Consumer-Id")).contains("bob");
    assertThat(send(g, "token-a").upstreamHeader("X-Consumer-Id")).contains("alice");
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void with_a_cache_size_of_zero_every_request_asks() {
    answer.set(active("\"sub\":\"alice\""));
    Routes g = gateway(i -> i.cacheSize(0));

    send(g, "t");
    send(g, "t");

    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void requests_with_one_uncached_token_share_one_call() throws Exception {
    List<CompletableFuture<Response>> pending = new CopyOnWriteArrayList<>();
    harness.transport.on(URL, call -> {
      CompletableFuture<Response> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    });
    Routes g = gateway(i -> i);

    CompletableFuture<Response> first = g.handle(get("/r/x").header("Authorization", "Bearer t").build()).toCompletableFuture();
    CompletableFuture<Response> second = g.handle(get("/r/x").header("Authorization", "Bearer t").build()).toCompletableFuture();
    assertThat(pending).hasSize(1);
    pending.get(0).complete(StubTransport.json(200, active("\"sub\":\"alice\"")));

    assertThat(first.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(second.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  @Test
  void query_tokens_are_not_introspected() {
    answer.set(active("\"sub\":\"alice\""));
    Routes g = gateway(i -> i);

    Reply query = harness.send(g, get("/r/x?access_token=t"));
    assertThat(query.status()).isEqualTo(401);
    assertThat(query.challenges()).containsExactly(BEARER);
    assertThat(calls()).isZero();
  }
}
