package io.gatehouse.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestRequest;
import io.gatehouse.testing.TestResponse;
import io.gatehouse.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a request can be turned away by the auth stage, with the exact status and
 * {@code WWW-Authenticate} values, on one gateway: {@code /jwt} (JWT), {@code /key} (API key),
 * {@code /basic} (Basic), {@code /any} (JWT or API key), {@code /scoped} (JWT with scopes, roles
 * and a custom check per method).
 */
class AuthRejectionTableTest {
  private static final String BEARER = "Bearer realm=\"gatehouse\"";
  private static final String API_KEY = "ApiKey realm=\"gatehouse\"";
  private static final String BASIC = "Basic realm=\"internal\", charset=\"UTF-8\"";
  private static final String ISSUER = "https://idp.example.com";
  private static final String ALICE_KEY = "alice-key-0123456789abcdef";

  private static final ManualClock CLOCK = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private static final TestKey RSA = TestKeys.rsa("rsa-1");
  private static final TestKey EC = TestKeys.ec("ec-1");
  private static final TestKey HMAC = TestKeys.hmac("hmac-1");
  private static GatewayTester tester;

  @BeforeAll
  static void gateway() {
    Auth jwt = Auth.jwt().keys(RSA.jwtKey(), EC.jwtKey(), HMAC.jwtKey()).issuer(ISSUER).audience("shop");
    tester = GatewayTester.of(Gateway.builder().time(CLOCK)
        .consumer(ApiConsumer.builder("alice").groups("staff").apiKey(ALICE_KEY)
            .password(PasswordHash.of("alice-password", PasswordHash.MIN_ITERATIONS)).build())
        .route("jwt", r -> r.path("/jwt").auth(jwt).upstream("http://up:1"))
        .route("key", r -> r.path("/key").auth(Auth.apiKey()).upstream("http://up:1"))
        .route("basic", r -> r.path("/basic").auth(Auth.basic().realm("internal")).upstream("http://up:1"))
        .route("any", r -> r.path("/any").auth(Auth.anyOf(jwt, Auth.apiKey())).upstream("http://up:1"))
        .route("scoped", r -> r.path("/scoped").auth(jwt)
            .require(AccessRule.scopes("orders:read").on("GET"))
            .require(AccessRule.scopes("orders:write").on("POST"))
            .require(AccessRule.roles("admin").on("DELETE"))
            .require(AccessRule.check("tenant header matches the token",
                (p, req) -> req.headers().first("X-Tenant").equals(p.claim("tenant").map(Object::toString))).on("PUT"))
            .upstream("http://up:1")));
    tester.stubUpstream("http://up:1", s -> s.respond(200, "ok"));
  }

  @AfterAll
  static void close() {
    tester.close();
  }

  private static TestTokens.Builder token(TestKey key) {
    return TestTokens.signedBy(key).clock(CLOCK).subject("alice").issuer(ISSUER).audience("shop");
  }

  private static String invalid(String description) {
    return BEARER + ", error=\"invalid_token\", error_description=\"" + description + "\"";
  }

  private static Arguments row(String name, Function<GatewayTester, TestRequest> request, int status, String... challenges) {
    return Arguments.of(name, request, status, List.of(challenges));
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        row("no token", t -> t.get("/jwt"), 401, BEARER),
        row("other scheme", t -> t.get("/jwt").header("Authorization", "Token abc"), 401, BEARER),
        row("empty bearer", t -> t.get("/jwt").header("Authorization", "Bearer "), 401, BEARER),
        row("two Authorization headers", t -> t.get("/jwt").header("Authorization", "Bearer " + token(RSA).mint())
            .header("Authorization", "Bearer x"), 400, BEARER + ", error=\"invalid_request\", error_description=\"the request"
            + " carries several Authorization headers (expected: one)\""),
        row("not a JWT", t -> t.get("/jwt").bearer("not-a-jwt"), 401, invalid("the token is malformed")),
        row("expired", t -> t.get("/jwt").bearer(token(RSA).expiredFor(Duration.ofMinutes(5)).mint()), 401,
            invalid("the token has expired")),
        row("not yet valid", t -> t.get("/jwt").bearer(token(RSA).notValidFor(Duration.ofMinutes(5)).mint()), 401,
            invalid("the token is not valid yet")),
        row("issued in the future", t -> t.get("/jwt").bearer(token(RSA).issuedAt(CLOCK.instant().plusSeconds(600)).mint()), 401,
            invalid("the token is issued in the future")),
        row("no exp", t -> t.get("/jwt").bearer(token(RSA).withoutExpiry().mint()), 401,
            invalid("the token lacks the claim exp")),
        row("wrong issuer", t -> t.get("/jwt").bearer(token(RSA).issuer("https://evil.example.com").mint()), 401,
            invalid("the token's issuer is not accepted")),
        row("wrong audience", t -> t.get("/jwt").bearer(token(RSA).audience("other").mint()), 401,
            invalid("the token's audience is not accepted")),
        row("wrong key, same kid", t -> t.get("/jwt").bearer(TestTokens.signedBy(RSA.regenerated()).clock(CLOCK)
            .subject("alice").issuer(ISSUER).audience("shop").mint()), 401, invalid("the token's signature is invalid")),
        row("unknown kid", t -> t.get("/jwt").bearer(token(RSA).kid("rsa-2").mint()), 401,
            invalid("the token's signature is invalid")),
        row("no kid", t -> t.get("/jwt").bearer(token(RSA).withoutKid().mint()), 401,
            invalid("the token's signature is invalid")),
        row("alg none", t -> t.get("/jwt").bearer(token(RSA).mintUnsigned()), 401,
            invalid("the token's algorithm is not accepted")),
        row("HS256 signed with the RSA public key", t -> t.get("/jwt").bearer(token(RSA).mintHmacWithPublicKey()), 401,
            invalid("the token's signature is invalid")),
        row("HS256 signed with the EC public key PEM", t -> t.get("/jwt").bearer(token(EC).mintHmacWithPublicKeyPem()), 401,
            invalid("the token's signature is invalid")),
        row("header claims RS512, which no key has", t -> t.get("/jwt").bearer(token(RSA).mintWithHeaderAlg("RS512")), 401,
            invalid("the token's algorithm is not accepted")),
        row("header claims ES256 for an RS256 key", t -> t.get("/jwt").bearer(token(RSA).mintWithHeaderAlg("ES256")), 401,
            invalid("the token's signature is invalid")),
        row("tampered subject", t -> t.get("/jwt").bearer(token(RSA).mintTampered()), 401,
            invalid("the token's signature is invalid")),
        row("tampered HMAC token", t -> t.get("/jwt").bearer(token(HMAC).mintTampered("aud", "shop-admin")), 401,
            invalid("the token's signature is invalid")),
        row("no API key", t -> t.get("/key"), 401, API_KEY),
        row("unknown API key", t -> t.get("/key").header("X-API-Key", "nobody-key-0123456789abcdef"), 401, API_KEY),
        row("no Basic credentials", t -> t.get("/basic"), 401, BASIC),
        row("wrong password", t -> t.get("/basic").basic("alice", "guess"), 401, BASIC),
        row("unknown user", t -> t.get("/basic").basic("mallory", "alice-password"), 401, BASIC),
        row("malformed Basic", t -> t.get("/basic").header("Authorization", "Basic %%%"), 401, BASIC),
        row("Basic without colon", t -> t.get("/basic").header("Authorization", "Basic YWxpY2U="), 401, BASIC),
        row("anyOf without credentials", t -> t.get("/any"), 401, BEARER, API_KEY),
        row("anyOf with a bad token", t -> t.get("/any").bearer(token(RSA).expiredFor(Duration.ofMinutes(1)).mint()), 401,
            invalid("the token has expired"), API_KEY),
        row("anyOf with a bad key", t -> t.get("/any").header("X-API-Key", "nobody-key-0123456789abcdef"), 401,
            BEARER, API_KEY),
        row("missing scope for GET", t -> t.get("/scoped").bearer(token(RSA).scopes("orders:write").mint()), 403,
            BEARER + ", error=\"insufficient_scope\", scope=\"orders:read\""),
        row("missing scope for POST", t -> t.post("/scoped").bearer(token(RSA).scopes("orders:read").mint()), 403,
            BEARER + ", error=\"insufficient_scope\", scope=\"orders:write\""),
        row("missing role for DELETE", t -> t.delete("/scoped").bearer(token(RSA).claim("roles", List.of("staff")).mint()), 403),
        row("custom check fails for PUT", t -> t.put("/scoped").bearer(token(RSA).claim("tenant", "acme").mint())
            .header("X-Tenant", "other"), 403));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void every_rejection_has_its_status_challenges_and_a_problem_body(String name, Function<GatewayTester, TestRequest> request,
      int status, List<String> challenges) {
    TestResponse response = request.apply(tester).send();

    assertThat(response).hasStatus(status).isProblem().wasNotProxied();
    HttpHeaders headers = response.headers();
    assertThat(headers.all("WWW-Authenticate")).containsExactlyElementsOf(challenges);
    assertThat(response.body())
        .doesNotContain("Exception").doesNotContain("rsa-1").doesNotContain("at io.");
  }

  static Stream<Arguments> acceptances() {
    return Stream.of(
        row("RS256", t -> t.get("/jwt").bearer(token(RSA).mint()), 200),
        row("ES256", t -> t.get("/jwt").bearer(token(EC).mint()), 200),
        row("HS256", t -> t.get("/jwt").bearer(token(HMAC).mint()), 200),
        row("API key", t -> t.get("/key").header("X-API-Key", ALICE_KEY), 200),
        row("Basic", t -> t.get("/basic").basic("alice", "alice-password"), 200),
        row("anyOf by token", t -> t.get("/any").bearer(token(RSA).mint()), 200),
        row("anyOf by key", t -> t.get("/any").header("X-API-Key", ALICE_KEY), 200),
        row("anyOf with a bad token and a good key", t -> t.get("/any").bearer("garbage").header("X-API-Key", ALICE_KEY), 200),
        row("scope for GET", t -> t.get("/scoped").bearer(token(RSA).scopes("orders:read").mint()), 200),
        row("scp list for POST", t -> t.post("/scoped").bearer(token(RSA).claim("scp", List.of("orders:write")).mint()), 200),
        row("role for DELETE", t -> t.delete("/scoped").bearer(token(RSA).claim("roles", List.of("admin")).mint()), 200),
        row("custom check for PUT", t -> t.put("/scoped").bearer(token(RSA).claim("tenant", "acme").mint())
            .header("X-Tenant", "acme"), 200),
        row("no rule for PATCH", t -> t.request("PATCH", "/scoped").bearer(token(RSA).mint()), 200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("acceptances")
  void the_matching_credentials_pass(String name, Function<GatewayTester, TestRequest> request, int status, List<String> none) {
    assertThat(request.apply(tester).send()).hasStatus(status).upstreamSawHeader("X-Consumer-Id", "alice");
  }
}
