package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.UPSTREAM;
import static io.gatehouse.impl.auth.AuthHarness.get;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.BEARER;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.invalid;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.TestJwts.Signer;
import io.gatehouse.observe.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The auth stage of a route, in memory: identity headers stripped and set,
 * the order and outcome of several kinds ({@code anyOf}), challenges, access rules and their 403s.
 */
class AuthStageTest {
  private static final String API_KEY = "ApiKey realm=\"gatehouse\"";
  private static final String BASIC = "Basic realm=\"gatehouse\", charset=\"UTF-8\"";
  private static final String ALICE_KEY = "alice-key-0123456789abcdef";
  private static final ApiConsumer ALICE = ApiConsumer.builder("alice").groups("staff", "admin").plan("gold").apiKey(ALICE_KEY)
      .password(PasswordHash.of("pw", PasswordHash.MIN_ITERATIONS)).build();
  private static final Signer KEY = TestJwts.rsa("k", JwtAlgorithm.RS256);
  private static final JwtAuth JWT = Auth.jwt().keys(KEY.key());
  private static final String INTROSPECTION_URL = "https://idp.example/introspect";

  private final AuthHarness harness = new AuthHarness();
  private final long now = harness.clock.instant().getEpochSecond();

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Routes gateway(Auth auth, AccessRule... rules) {
    return harness.routes(b -> AuthHarness.protect(b.consumer(ALICE), auth, rules));
  }

  private String jwt(UnaryOperator<TestJwts.Token> claims) {
    return claims.apply(TestJwts.token(KEY, now)).mint();
  }

  private static String basic(String pair) {
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  // --- identity headers ---------------------------------------------------------------------

  @Test
  void a_public_route_strips_identity_headers_and_leaves_the_rest() {
    Routes g = gateway(Auth.apiKey());

    Reply spoofed = harness.send(g, get("/public/x").header("X-Consumer-Id", "admin").header("x-consumer-groups", "admin")
        .header("X-Consumer-Plan", "platinum").header("X-Other", "1"));

    assertThat(spoofed.status()).isEqualTo(200);
    assertThat(spoofed.upstreamHeader("X-Consumer-Id")).isEmpty();
    assertThat(spoofed.upstreamHeader("X-Consumer-Groups")).isEmpty();
    assertThat(spoofed.upstreamHeader("X-Consumer-Plan")).isEmpty();
    assertThat(spoofed.upstreamHeader("X-Other")).contains("1");
    assertThat(spoofed.consumer()).isEmpty();
    Reply plain = harness.send(g, get("/public/x?q=1").header("X-Other", "2"));
    assertThat(plain.upstreamHeader("X-Other")).contains("2");
    assertThat(plain.upstream().rawQuery()).contains("q=1");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"X-Consumer-Id", "X-Consumer-Groups", "X-Consumer-Plan", "X-Tenant"})
  void an_authenticated_request_cannot_bring_its_own_identity_headers(String header) {
    Routes g = harness.routes(b -> AuthHarness.protect(b, Auth.jwt().keys(KEY.key()))
        .identityHeaders(IdentityHeaders.defaults().claim("tenant", "X-Tenant")));

    Reply reply = harness.send(g, get("/r/x").header(header, "spoofed").header(header, "spoofed-again")
        .header("Authorization", "Bearer " + jwt(t -> t)));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.upstream().headers().all(header)).doesNotContain("spoofed", "spoofed-again");
  }

  @Test
  void identity_header_names_are_configurable_and_none_sets_none() {
    Routes custom = harness.routes(b -> AuthHarness.protect(b.consumer(ALICE), Auth.apiKey())
        .identityHeaders(IdentityHeaders.none().consumerId("X-User").groups("X-Roles").plan("X-Tier")));
    Reply reply = harness.send(custom, get("/r/x").header("X-API-Key", ALICE_KEY).header("X-Consumer-Id", "kept"));
    assertThat(reply.upstreamHeader("X-User")).contains("alice");
    assertThat(reply.upstreamHeader("X-Roles")).contains("admin,staff");
    assertThat(reply.upstreamHeader("X-Tier")).contains("gold");
    assertThat(reply.upstreamHeader("X-Consumer-Id")).as("not the gateway's header here").contains("kept");

    Routes none = harness.routes(b -> AuthHarness.protect(b.consumer(ALICE), Auth.apiKey()).identityHeaders(IdentityHeaders.none()));
    Reply bare = harness.send(none, get("/r/x").header("X-API-Key", ALICE_KEY).header("X-Consumer-Id", "as sent"));
    assertThat(bare.status()).isEqualTo(200);
    assertThat(bare.upstreamHeader("X-Consumer-Id")).contains("as sent");
    assertThat(bare.upstreamHeader("X-API-Key")).isEmpty();
    assertThat(bare.consumer()).contains("alice");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'\"acme\"'             | acme",
      "'42'                   | 42",
      "'4.5'                  | 4.5",
      "'true'                 | true",
      "'[\"a\",\"b\"]'        | a,b",
      "'[]'                   | ",
      "'\"\"'                 | ",
      "'[\"a\",1]'            | ",
      "'{\"id\":\"acme\"}'    | ",
      "'null'                 | ",
      "'\"a\\r\\nX-Admin: 1\"' | ",
      "'\"a\\nb\"'            | ",
      "'\"a\\u0000b\"'        | "})
  void mapped_claims_become_headers_only_when_they_are_safe_text(String json, String header) {
    Routes g = harness.routes(b -> AuthHarness.protect(b, Auth.jwt().keys(KEY.key()))
        .identityHeaders(IdentityHeaders.defaults().claim("tenant", "X-Tenant").claim("org.id", "X-Org")));
    String token = TestJwts.raw(KEY.algorithm(), "{\"alg\":\"RS256\",\"kid\":\"k\"}",
        "{\"sub\":\"alice\",\"exp\":" + (now + 60) + ",\"tenant\":" + json + ",\"org\":{\"id\":\"o1\"}}");

    Reply reply = harness.send(g, get("/r/x").header("Authorization", "Bearer " + token));

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.upstreamHeader("X-Tenant")).isEqualTo(Optional.ofNullable(header));
    assertThat(reply.upstreamHeader("X-Org")).as("a claim path").contains("o1");
    assertThat(reply.upstream().headers().contains("X-Admin")).isFalse();
  }

  @Test
  void a_principal_without_roles_or_plan_sets_no_such_header() {
    Routes g = gateway(JWT);

    Reply reply = harness.send(g, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("roles", List.of())))
        .header("X-Consumer-Groups", "spoofed").header("X-Consumer-Plan", "spoofed"));

    assertThat(reply.upstreamHeader("X-Consumer-Id")).contains("alice");
    assertThat(reply.upstreamHeader("X-Consumer-Groups")).isEmpty();
    assertThat(reply.upstreamHeader("X-Consumer-Plan")).isEmpty();
  }

  // --- several kinds ----------------------------------------------------------------------

  @Test
  void without_credentials_every_kind_is_challenged_once_in_order() {
    Reply reply = harness.send(gateway(Auth.anyOf(Auth.apiKey(), Auth.basic(), JWT,
        Auth.introspection(INTROSPECTION_URL).clientCredentials("gw", "s"))), get("/r/x"));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly(API_KEY, BASIC, BEARER);
    assertThat(reply.detail()).isEqualTo("credentials are required");
    assertThat(reply.rejection()).contains(Rejection.UNAUTHENTICATED);
    assertThat(reply.proxied()).isFalse();
  }

  @Test
  void any_kind_whose_credentials_are_right_is_enough() {
    Routes g = gateway(Auth.anyOf(JWT, Auth.apiKey(), Auth.basic()));

    Reply key = harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY));
    assertThat(key.status()).isEqualTo(200);
    assertThat(key.upstreamHeader("X-Consumer-Id")).contains("alice");
    Reply badJwtGoodKey = harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY)
        .header("Authorization", "Bearer " + jwt(t -> t.claim("exp", now - 3600))));
    assertThat(badJwtGoodKey.status()).isEqualTo(200);
    Reply goodJwtBadKey = harness.send(g, get("/r/x").header("X-API-Key", "wrong-key-0123456789abcdef")
        .header("Authorization", "Bearer " + jwt(t -> t.claim("sub", "bob"))));
    assertThat(goodJwtBadKey.status()).isEqualTo(200);
    assertThat(goodJwtBadKey.upstreamHeader("X-Consumer-Id")).contains("bob");
    Reply basicOnly = harness.send(g, get("/r/x").header("Authorization", basic("alice:pw")));
    assertThat(basicOnly.status()).isEqualTo(200);
    assertThat(basicOnly.upstreamHeader("Authorization")).isEmpty();
  }

  @Test
  void when_all_fail_the_first_rejection_is_told_and_its_challenge_carries_the_error() {
    Routes jwtFirst = gateway(Auth.anyOf(JWT, Auth.apiKey()));
    Reply reply = harness.send(jwtFirst, get("/r/x").header("X-API-Key", "wrong-key-0123456789abcdef")
        .header("Authorization", "Bearer " + jwt(t -> t.claim("exp", now - 3600))));
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.detail()).isEqualTo("the token has expired");
    assertThat(reply.challenges()).containsExactly(invalid("the token has expired"), API_KEY);

    Routes keyFirst = gateway(Auth.anyOf(Auth.apiKey(), JWT));
    Reply other = harness.send(keyFirst, get("/r/x").header("X-API-Key", "wrong-key-0123456789abcdef")
        .header("Authorization", "Bearer " + jwt(t -> t.claim("exp", now - 3600))));
    assertThat(other.detail()).isEqualTo("the API key is not valid");
    assertThat(other.challenges()).containsExactly(API_KEY, BEARER);

    Reply onlyJwt = harness.send(keyFirst, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("exp", now - 3600))));
    assertThat(onlyJwt.challenges()).containsExactly(API_KEY, invalid("the token has expired"));
  }

  @Test
  void two_bearer_kinds_share_one_challenge_and_a_rejection_takes_the_first_place() {
    harness.transport.answer(INTROSPECTION_URL, 200, "{\"active\":false}");
    Routes g = gateway(Auth.anyOf(Auth.apiKey(), JWT, Auth.introspection(INTROSPECTION_URL).clientCredentials("gw", "s")));

    Reply none = harness.send(g, get("/r/x"));
    assertThat(none.challenges()).containsExactly(API_KEY, BEARER);

    Reply opaque = harness.send(g, get("/r/x").header("Authorization", "Bearer opaque"));
    assertThat(opaque.status()).isEqualTo(401);
    assertThat(opaque.detail()).isEqualTo("the token is malformed");
    assertThat(opaque.challenges()).startsWith(API_KEY, invalid("the token is malformed"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"access_token", "ACCESS_TOKEN", "access%5Ftoken"})
  void a_query_token_never_reaches_the_upstream_whichever_kind_accepts_the_request(String name) {
    Routes g = gateway(Auth.anyOf(Auth.jwt().keys(KEY.key()).allowQueryToken(), Auth.apiKey()));
    String forged = TestJwts.token(TestJwts.impostor(KEY), now).claim("sub", "admin").mint();

    Reply reply = harness.send(g, get("/r/x?a=1&" + name + "=" + forged).header("X-API-Key", ALICE_KEY));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.upstreamHeader("X-Consumer-Id")).contains("alice");
    assertThat(reply.upstream().rawQuery()).as("the unverified token must not reach the upstream").contains("a=1");
    Reply only = harness.send(g, get("/r/x?" + name + "=" + forged).header("X-API-Key", ALICE_KEY));
    assertThat(only.upstream().rawQuery()).isEmpty();
  }

  @Test
  void where_query_tokens_are_not_credentials_the_query_is_left_alone() {
    Routes g = gateway(Auth.anyOf(JWT, Auth.apiKey()));

    Reply reply = harness.send(g, get("/r/x?a=1&access_token=x").header("X-API-Key", ALICE_KEY));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.upstream().rawQuery()).contains("a=1&access_token=x");
  }

  /** A store that is down. */
  private static ConsumerStore down() {
    return new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
      }
    };
  }

  @Test
  void an_outage_outranks_a_rejection_whatever_the_order() {
    String expiredJwt = "Bearer " + jwt(t -> t.claim("exp", now - 3600));
    Request.Builder both = get("/r/x").header("X-API-Key", ALICE_KEY).header("Authorization", expiredJwt);

    for (Auth auth : List.of(Auth.anyOf(JWT, Auth.apiKey()), Auth.anyOf(Auth.apiKey(), JWT))) {
      Routes g = harness.routes(b -> AuthHarness.protect(b.consumers(down()), auth));
      Reply reply = harness.send(g, both);
      assertThat(reply.status()).as(auth.toString()).isEqualTo(503);
      assertThat(reply.detail()).isEqualTo("the credentials cannot be checked now");
      assertThat(reply.challenges()).isEmpty();
      assertThat(reply.proxied()).isFalse();
    }
  }

  @Test
  void an_outage_then_an_acceptance_is_an_acceptance() {
    Routes g = harness.routes(b -> AuthHarness.protect(b.consumers(down()), Auth.anyOf(Auth.apiKey(), JWT)));

    Reply reply = harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY).header("Authorization", "Bearer " + jwt(t -> t)));

    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void of_two_outages_the_first_is_told() {
    Routes g = harness.routes(b -> AuthHarness.protect(b.consumers(down()),
        Auth.anyOf(Auth.jwt().jwks("https://idp.example/jwks"), Auth.apiKey())));

    Reply reply = harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY).header("Authorization", "Bearer " + jwt(t -> t)));

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.detail()).isEqualTo("the keys to verify the token cannot be fetched");
  }

  // --- ambiguity ------------------------------------------------------------------------------

  @Test
  void ambiguous_credentials_are_a_400_with_a_bearer_challenge_only_on_bearer_routes() {
    String detail = "the Authorization header holds more than one scheme and credential (expected: one)";
    Request.Builder request = get("/r/x").header("Authorization", basic("alice:pw") + ", Bearer x");

    Reply basicRoute = harness.send(gateway(Auth.basic()), request);
    assertThat(basicRoute.status()).isEqualTo(400);
    assertThat(basicRoute.detail()).isEqualTo(detail);
    assertThat(basicRoute.challenges()).isEmpty();
    assertThat(basicRoute.rejection()).contains(Rejection.UNAUTHENTICATED);
    assertThat(basicRoute.proxied()).isFalse();

    Reply bearerRoute = harness.send(gateway(Auth.anyOf(Auth.basic(), JWT)), request);
    assertThat(bearerRoute.status()).isEqualTo(400);
    assertThat(bearerRoute.challenges())
        .containsExactly(BEARER + ", error=\"invalid_request\", error_description=\"" + detail + "\"");

    Reply introspectionRoute = harness.send(gateway(Auth.introspection(INTROSPECTION_URL).clientCredentials("gw", "s")),
        get("/r/x?access_token=a&access_token=b"));
    assertThat(introspectionRoute.status()).isEqualTo(400);
    assertThat(introspectionRoute.challenges()).hasSize(1);
    assertThat(harness.send(gateway(Auth.apiKey()), get("/r/x?access_token=a&access_token=b")).status())
        .as("not a bearer route").isEqualTo(401);
  }

  @Test
  void two_authorization_headers_are_a_400_on_any_protected_route() {
    Reply reply = harness.send(gateway(Auth.basic()), get("/r/x").header("Authorization", basic("alice:pw"))
        .header("Authorization", basic("alice:pw")));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.detail()).isEqualTo("the request carries several Authorization headers (expected: one)");
    assertThat(harness.send(gateway(Auth.basic()), get("/public/x").header("Authorization", "a").header("Authorization", "b"))
        .status()).as("a public route does not look").isEqualTo(200);
  }

  // --- access rules -----------------------------------------------------------------------

  @ParameterizedTest(name = "{0} with scope [{1}]")
  @CsvSource(delimiter = '|', value = {
      "GET     | orders:read              | 200",
      "HEAD    | orders:read              | 200",
      "GET     | orders:write             | 403",
      "HEAD    | ''                       | 403",
      "POST    | orders:write             | 200",
      "POST    | orders:read              | 403",
      "POST    | orders:read orders:write | 200",
      "PUT     | ''                       | 200",
      "DELETE  | orders:read orders:write | 403"})
  void scopes_are_required_per_method(String method, String scopes, int status) {
    Routes g = gateway(JWT, AccessRule.scopes("orders:read").on("GET"), AccessRule.scopes("orders:write").on("POST"),
        AccessRule.scopes("orders:read", "orders:admin").on("DELETE"));

    Reply reply = harness.send(g, Request.builder(method, "/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("scope", scopes))));

    assertThat(reply.status()).isEqualTo(status);
    if (status == 403) {
      String required = switch (method) {
        case "POST" -> "orders:write";
        case "DELETE" -> "orders:read orders:admin";
        default -> "orders:read";
      };
      assertThat(reply.challenges()).containsExactly(BEARER + ", error=\"insufficient_scope\", scope=\"" + required + "\"");
      assertThat(reply.detail()).isEqualTo("the credentials lack a scope this request needs");
      assertThat(reply.rejection()).contains(Rejection.FORBIDDEN);
      assertThat(reply.proxied()).isFalse();
      assertThat(reply.consumer()).as("a principal is recorded only when it may go on").isEmpty();
    } else {
      assertThat(reply.consumer()).contains("alice");
    }
  }

  @Test
  void a_missing_scope_of_a_non_bearer_principal_is_a_403_without_a_challenge() {
    Reply reply = harness.send(gateway(Auth.apiKey(), AccessRule.scopes("orders:read")), get("/r/x").header("X-API-Key", ALICE_KEY));

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.challenges()).isEmpty();
    assertThat(reply.detail()).isEqualTo("the credentials lack a scope this request needs");
  }

  @ParameterizedTest(name = "roles {0}")
  @CsvSource(delimiter = '|', value = {
      "admin          | 200",
      "staff,admin    | 200",
      "ops            | 200",
      "staff          | 403",
      "''             | 403",
      "Admin          | 403"})
  void one_of_the_roles_is_required(String roles, int status) {
    Routes g = gateway(JWT, AccessRule.roles("admin", "ops"));
    List<String> list = roles.isEmpty() ? List.of() : List.of(roles.split(","));

    Reply reply = harness.send(g, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("roles", list))));

    assertThat(reply.status()).isEqualTo(status);
    if (status == 403) {
      assertThat(reply.challenges()).isEmpty();
      assertThat(reply.detail()).isEqualTo("the credentials lack a role this request needs");
      assertThat(reply.rejection()).contains(Rejection.FORBIDDEN);
    }
  }

  @Test
  void consumer_groups_are_roles() {
    assertThat(harness.send(gateway(Auth.apiKey(), AccessRule.roles("admin")), get("/r/x").header("X-API-Key", ALICE_KEY)).status())
        .isEqualTo(200);
    assertThat(harness.send(gateway(Auth.apiKey(), AccessRule.roles("ops")), get("/r/x").header("X-API-Key", ALICE_KEY)).status())
        .isEqualTo(403);
  }

  @Test
  void a_check_sees_the_principal_and_the_request_without_its_credential() {
    List<Request> seen = new CopyOnWriteArrayList<>();
    List<Principal> principals = new CopyOnWriteArrayList<>();
    AccessRule tenant = AccessRule.check("tenant header matches the key's plan", (p, r) -> {
      seen.add(r);
      principals.add(p);
      return r.headers().first("X-Tenant").equals(p.plan());
    });
    Routes g = gateway(Auth.apiKey(), tenant);

    assertThat(harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY).header("X-Tenant", "gold")).status()).isEqualTo(200);
    Reply denied = harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY).header("X-Tenant", "silver"));
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.detail()).isEqualTo("the request is not allowed: tenant header matches the key's plan");
    assertThat(denied.challenges()).isEmpty();
    assertThat(denied.rejection()).contains(Rejection.FORBIDDEN);
    assertThat(seen).allSatisfy(r -> assertThat(r.headers().contains("X-API-Key")).isFalse());
    assertThat(principals).allSatisfy(p -> assertThat(p.id()).isEqualTo("alice"));
  }

  @Test
  void rules_are_checked_in_order_and_the_first_denial_answers() {
    Routes g = gateway(JWT, AccessRule.roles("admin"), AccessRule.scopes("a"), AccessRule.check("never", (p, r) -> false));

    Reply noRoleNoScope = harness.send(g, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t)));
    assertThat(noRoleNoScope.detail()).isEqualTo("the credentials lack a role this request needs");
    Reply roleNoScope = harness.send(g, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("roles", "admin"))));
    assertThat(roleNoScope.detail()).isEqualTo("the credentials lack a scope this request needs");
    Reply all = harness.send(g, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("roles", "admin").claim("scope", "a"))));
    assertThat(all.detail()).isEqualTo("the request is not allowed: never");
  }

  @Test
  void a_rule_that_names_methods_leaves_the_others_alone() {
    Routes g = gateway(JWT, AccessRule.check("never", (p, r) -> false).on("DELETE"), AccessRule.roles("admin").on("POST", "PUT"));
    String token = "Bearer " + jwt(t -> t);

    assertThat(harness.send(g, Request.builder("GET", "/r/x").header("Authorization", token)).status()).isEqualTo(200);
    assertThat(harness.send(g, Request.builder("PATCH", "/r/x").header("Authorization", token)).status()).isEqualTo(200);
    assertThat(harness.send(g, Request.builder("DELETE", "/r/x").header("Authorization", token)).status()).isEqualTo(403);
    assertThat(harness.send(g, Request.builder("PUT", "/r/x").header("Authorization", token)).status()).isEqualTo(403);
  }

  @Test
  void the_principal_is_recorded_for_what_follows() {
    Routes g = gateway(JWT);

    Reply reply = harness.send(g, get("/r/x").header("Authorization", "Bearer " + jwt(t -> t.claim("sub", "carol"))));

    assertThat(reply.consumer()).contains("carol");
    assertThat(reply.rejection()).isEmpty();
  }
}
