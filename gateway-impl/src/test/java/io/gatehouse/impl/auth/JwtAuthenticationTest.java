package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.algorithms.Algorithm;
import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.TestJwts.Signer;
import io.gatehouse.impl.auth.TestJwts.Token;
import io.gatehouse.observe.Rejection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bearer JWTs with configured keys, through the auth stages as the gateway runs them: every algorithm, the key
 * pinning the algorithm, kid lookup, the time claims at their boundaries with and without leeway,
 * issuer, audience and required claims, and where the token may come from.
 */
class JwtAuthenticationTest {
  static final String BEARER = "Bearer realm=\"gatehouse\"";
  static final String UNVERIFIED = "the token's signature is invalid";

  private final AuthHarness harness = new AuthHarness();
  private final long now = harness.clock.instant().getEpochSecond();

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static String invalid(String description) {
    return BEARER + ", error=\"invalid_token\", error_description=\"" + description + "\"";
  }

  /** A 401 for the token, whose challenge and problem detail both say why, that did not reach the upstream. */
  static void assertRejected(Reply reply, String description) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly(invalid(description));
    assertThat(reply.detail()).isEqualTo(description);
    assertThat(reply.proxied()).isFalse();
    assertThat(reply.rejection()).contains(Rejection.UNAUTHENTICATED);
  }

  static void assertAccepted(Reply reply, String subject) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.proxied()).isTrue();
    assertThat(reply.upstreamHeader("X-Consumer-Id")).contains(subject);
    assertThat(reply.consumer()).contains(subject);
  }

  private Routes gateway(JwtAuth auth) {
    return harness.protecting(auth);
  }

  private Reply send(Routes g, String token) {
    return harness.send(g, get("/r/x").header("Authorization", "Bearer " + token));
  }

  private Token token(Signer signer) {
    return TestJwts.token(signer, now);
  }

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void accepts_a_token_signed_with_the_key_of_its_kid_in_every_algorithm(JwtAlgorithm alg) {
    Signer signer = TestJwts.signer("k1", alg);
    String token = token(signer).mint();

    Reply reply = send(gateway(Auth.jwt().keys(signer.key())), token);

    assertAccepted(reply, "alice");
    assertThat(reply.upstreamHeader("Authorization")).as("the token goes on for the upstream to read").contains("Bearer " + token);
  }

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void a_token_signed_with_another_key_of_the_same_algorithm_and_kid_is_rejected(JwtAlgorithm alg) {
    Signer configured = TestJwts.signer("k1", alg);
    String token = token(TestJwts.impostor(configured)).mint();

    assertRejected(send(gateway(Auth.jwt().keys(configured.key())), token), UNVERIFIED);
  }

  /** The same token with the payload of another: a signature that belongs to other content. */
  private String tamperedSignature(String token) {
    String[] parts = token.split("\\.");
    String other = TestJwts.b64("{\"sub\":\"mallory\",\"exp\":" + (now + 3600) + "}");
    return parts[0] + "." + other + "." + parts[2];
  }

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void a_token_whose_payload_was_changed_after_signing_is_rejected(JwtAlgorithm alg) {
    Signer signer = TestJwts.signer("k1", alg);

    assertRejected(send(gateway(Auth.jwt().keys(signer.key())), tamperedSignature(token(signer).mint())), UNVERIFIED);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "AAAA", "-_-_", "c2lnbmF0dXJl"})
  void a_token_with_an_empty_or_made_up_signature_is_rejected(String signature) {
    Signer signer = TestJwts.rsa("k1", JwtAlgorithm.RS256);
    String token = token(signer).mint();

    assertRejected(send(gateway(Auth.jwt().keys(signer.key())), token.substring(0, token.lastIndexOf('.') + 1) + signature),
        UNVERIFIED);
  }

  static Stream<Arguments> notAccepted() {
    return Stream.of(
        Arguments.of("RS512", "no key has it"),
        Arguments.of("HS256", "the key-confusion attack: HMAC keyed with the public key"),
        Arguments.of("ES256", "no key has it"),
        Arguments.of("none", "unsigned"),
        Arguments.of("None", "unsigned"),
        Arguments.of("NONE", "unsigned"),
        Arguments.of("rs256", "case matters"),
        Arguments.of("RS256 ", "no trimming"),
        Arguments.of("", "empty"),
        Arguments.of("RS1", "unknown"));
  }

  @ParameterizedTest(name = "alg {0}: {1}")
  @MethodSource("notAccepted")
  void a_token_whose_alg_no_configured_key_has_is_rejected_before_any_key_lookup(String alg, String why) {
    Signer rsa = TestJwts.rsa("k1", JwtAlgorithm.RS256);
    Signer hmacWithPublicKey = new Signer(rsa.key(), Algorithm.HMAC256(rsa.key().key().getEncoded()));
    String token = new Token(hmacWithPublicKey.algorithm()).header("alg", alg).header("kid", "k1")
        .claim("sub", "alice").claim("exp", now + 60).mint();

    assertRejected(send(gateway(Auth.jwt().keys(rsa.key(), TestJwts.ec("k2", JwtAlgorithm.ES384).key())), token),
        "the token's algorithm is not accepted");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"{}", "{\"alg\":null}", "{\"alg\":256}", "{\"alg\":[\"RS256\"]}", "{\"alg\":{\"RS256\":1}}", "{\"ALG\":\"RS256\"}"})
  void a_token_without_a_textual_alg_is_rejected(String header) {
    Signer rsa = TestJwts.rsa(null, JwtAlgorithm.RS256);

    assertRejected(send(gateway(Auth.jwt().keys(rsa.key())), TestJwts.raw(rsa.algorithm(), header, "{\"sub\":\"a\",\"exp\":" + (now + 60) + "}")),
        "the token's algorithm is not accepted");
  }

  @Test
  void the_key_of_the_kid_pins_the_algorithm_even_when_another_key_has_the_token_alg() {
    Signer rsa = TestJwts.rsa("rsa", JwtAlgorithm.RS256);
    Signer hmac = TestJwts.hmac("hmac", JwtAlgorithm.HS256);
    Routes g = gateway(Auth.jwt().keys(rsa.key(), hmac.key()));

    // HS256 keyed with the RSA public key, under the RSA key's kid: the classic confusion.
    String confused = new Token(Algorithm.HMAC256(rsa.key().key().getEncoded()))
        .header("alg", "HS256").header("kid", "rsa").claim("sub", "alice").claim("exp", now + 60).mint();
    assertRejected(send(g, confused), UNVERIFIED);
    // The RSA token under the HMAC key's kid.
    assertRejected(send(g, token(rsa).header("kid", "hmac").mint()), UNVERIFIED);
    // Both keys, each with its own kid, still work.
    assertAccepted(send(g, token(rsa).mint()), "alice");
    assertAccepted(send(g, token(hmac).mint()), "alice");
  }

  @Test
  void the_kid_selects_the_key_and_a_key_without_kid_serves_tokens_without_kid() {
    Signer a = TestJwts.rsa("a", JwtAlgorithm.RS256);
    Signer b = TestJwts.ec("b", JwtAlgorithm.ES256);
    Signer none = TestJwts.hmac(null, JwtAlgorithm.HS256);
    Routes g = gateway(Auth.jwt().keys(a.key(), b.key(), none.key()));

    assertAccepted(send(g, token(a).mint()), "alice");
    assertAccepted(send(g, token(b).mint()), "alice");
    assertAccepted(send(g, token(none).mint()), "alice");
    assertRejected(send(g, token(a).withoutHeader("kid").mint()), UNVERIFIED);
    assertRejected(send(g, token(none).header("kid", "a").mint()), UNVERIFIED);
    assertRejected(send(g, token(a).header("kid", "c").mint()), UNVERIFIED);
    assertRejected(send(g, token(a).header("kid", "A").mint()), UNVERIFIED);
    assertRejected(send(g, token(a).header("kid", "").mint()), UNVERIFIED);
  }

  @ParameterizedTest(name = "kid {0}")
  @ValueSource(strings = {"1", "null", "true", "[\"a\"]", "{\"kid\":\"a\"}"})
  void a_kid_that_is_not_a_string_is_malformed(String kid) {
    Signer a = TestJwts.rsa("a", JwtAlgorithm.RS256);
    String token = TestJwts.raw(a.algorithm(), "{\"alg\":\"RS256\",\"kid\":" + kid + "}",
        "{\"sub\":\"alice\",\"exp\":" + (now + 60) + "}");

    assertRejected(send(gateway(Auth.jwt().keys(a.key())), token), "the token is malformed");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"abc", "a.b", "a.b.c.d", "eyJhbGciOiJSUzI1NiJ9..sig", "e30.e30.", "e30.W10.sig", "!!!.e30.sig"})
  void a_token_that_is_not_a_jws_is_malformed(String token) {
    Signer a = TestJwts.rsa("a", JwtAlgorithm.RS256);

    assertRejected(send(gateway(Auth.jwt().keys(a.key())), token), token.equals("e30.e30.") ? "the token's algorithm is not accepted"
        : "the token is malformed");
  }

  @Test
  void a_token_over_16_KiB_is_malformed_even_when_signed() {
    Signer a = TestJwts.hmac("a", JwtAlgorithm.HS256);
    Routes g = gateway(Auth.jwt().keys(a.key()));
    String small = token(a).claim("pad", "").mint();
    int room = JwtClaims.MAX_TOKEN_CHARS - small.length();
    // Base64url makes 4 characters of every 3 bytes: pad so the token lands exactly on the limit, then one over.
    String atLimit = padTo(a, JwtClaims.MAX_TOKEN_CHARS, room);

    assertThat(atLimit).hasSize(JwtClaims.MAX_TOKEN_CHARS);
    assertAccepted(send(g, atLimit), "alice");
    String over = padTo(a, JwtClaims.MAX_TOKEN_CHARS + 1, room);
    assertThat(over).hasSize(JwtClaims.MAX_TOKEN_CHARS + 1);
    assertRejected(send(g, over), "the token is malformed");
  }

  /** A token of exactly the length, found by growing a claim and adding harmless header members. */
  private String padTo(Signer signer, int length, int room) {
    for (int pad = Math.max(0, room * 3 / 4 - 64); pad < room; pad++) {
      for (int extra = 0; extra < 4; extra++) {
        String t = token(signer).header("x", "y".repeat(extra)).claim("pad", "p".repeat(pad)).mint();
        if (t.length() == length) {
          return t;
        }
      }
    }
    throw new AssertionError("no token of length " + length);
  }

  // --- time claims ---------------------------------------------------------------------------

  private Routes timed(Signer signer, long leewaySeconds) {
    return gateway(Auth.jwt().keys(signer.key()).leeway(Duration.ofSeconds(leewaySeconds)));
  }

  @ParameterizedTest(name = "leeway {0}s, exp now - leeway {1}")
  @CsvSource({"0, -1", "0, 0", "0, 1", "30, -1", "30, 0", "30, 1", "30, -31", "30, 29", "3600, 0", "3600, 1"})
  void a_token_expires_at_exp_plus_leeway(long leeway, long offset) {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    String token = token(s).claim("iat", now - 7200).claim("exp", now - leeway + offset).mint();

    Reply reply = send(timed(s, leeway), token);

    if (offset > 0) {
      assertAccepted(reply, "alice");
    } else {
      assertRejected(reply, "the token has expired");
    }
  }

  @ParameterizedTest(name = "leeway {0}s, millis into the second {1}")
  @CsvSource({"0, 0", "0, 1", "0, 999", "30, 999"})
  void expiry_is_checked_in_whole_seconds(long leeway, long millis) {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    harness.clock.advance(Duration.ofMillis(millis));
    Routes g = timed(s, leeway);

    assertAccepted(send(g, token(s).claim("exp", now - leeway + 1).mint()), "alice");
    assertRejected(send(g, token(s).claim("exp", now - leeway).mint()), "the token has expired");
  }

  @ParameterizedTest(name = "leeway {0}s, nbf now + leeway {1}")
  @CsvSource({"0, -1", "0, 0", "0, 1", "30, 0", "30, 1", "30, -30", "30, 31"})
  void a_token_is_valid_from_nbf_minus_leeway(long leeway, long offset) {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    String token = token(s).claim("iat", now - 60).claim("nbf", now + leeway + offset).mint();

    Reply reply = send(timed(s, leeway), token);

    if (offset <= 0) {
      assertAccepted(reply, "alice");
    } else {
      assertRejected(reply, "the token is not valid yet");
    }
  }

  @ParameterizedTest(name = "leeway {0}s, iat now + leeway {1}")
  @CsvSource({"0, -1", "0, 0", "0, 1", "30, 0", "30, 1", "30, -30", "30, 31"})
  void a_token_issued_after_now_plus_leeway_is_rejected(long leeway, long offset) {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    String token = token(s).claim("iat", now + leeway + offset).mint();

    Reply reply = send(timed(s, leeway), token);

    if (offset <= 0) {
      assertAccepted(reply, "alice");
    } else {
      assertRejected(reply, "the token is issued in the future");
    }
  }

  @Test
  void the_default_leeway_is_30_seconds() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()));

    assertAccepted(send(g, token(s).claim("exp", now - 29).mint()), "alice");
    assertRejected(send(g, token(s).claim("exp", now - 30).mint()), "the token has expired");
    assertAccepted(send(g, token(s).claim("nbf", now + 30).mint()), "alice");
    assertRejected(send(g, token(s).claim("nbf", now + 31).mint()), "the token is not valid yet");
  }

  @Test
  void a_token_that_expires_while_the_clock_moves_is_rejected_from_then_on() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = timed(s, 0);
    String token = token(s).claim("exp", now + 10).mint();

    assertAccepted(send(g, token), "alice");
    harness.clock.advance(Duration.ofMillis(9_999));
    assertAccepted(send(g, token), "alice");
    harness.clock.advance(Duration.ofMillis(1));
    assertRejected(send(g, token), "the token has expired");
  }

  // --- claims --------------------------------------------------------------------------------

  @Test
  void exp_is_required_and_checked_before_the_signature() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()));

    assertRejected(send(g, token(s).without("exp").mint()), "the token lacks the claim exp");
    assertRejected(send(g, tamperedSignature(token(s).without("exp").mint()).replace(
        TestJwts.b64("{\"sub\":\"mallory\",\"exp\":" + (now + 3600) + "}"), TestJwts.b64("{\"sub\":\"mallory\"}"))),
        "the token lacks the claim exp");
    assertRejected(send(g, token(s).claim("exp", "tomorrow").mint()), "the token's claim exp is not a NumericDate");
  }

  @Test
  void the_subject_claim_is_required_and_must_be_a_non_empty_string() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()));

    assertRejected(send(g, token(s).without("sub").mint()), "the token lacks the claim sub");
    assertRejected(send(g, token(s).claim("sub", "").mint()), "the token's sub claim is not a string");
    assertRejected(send(g, token(s).claim("sub", 7).mint()), "the token's claim sub is not a string");
    assertRejected(send(g, token(s).claim("sub", null).mint()), "the token's claim sub is not a string");
    assertAccepted(send(g, token(s).claim("sub", "b").mint()), "b");
  }

  @Test
  void another_claim_can_name_the_principal() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()).subjectClaim("email"));

    assertAccepted(send(g, token(s).claim("email", "alice@example.com").mint()), "alice@example.com");
    assertAccepted(send(g, token(s).without("sub").claim("email", "bob@example.com").mint()), "bob@example.com");
    assertRejected(send(g, token(s).mint()), "the token lacks the claim email");
    assertRejected(send(g, token(s).claim("email", "").mint()), "the token's email claim is not a string");
  }

  @Test
  void required_claims_must_be_present() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()).requireClaims("tenant", "email"));

    assertAccepted(send(g, token(s).claim("tenant", "acme").claim("email", "a@b").mint()), "alice");
    assertRejected(send(g, token(s).claim("tenant", "acme").mint()), "the token lacks the claim email");
    assertRejected(send(g, token(s).claim("email", "a@b").claim("tenant", null).mint()), "the token lacks the claim tenant");
  }

  @Test
  void the_issuer_must_be_one_of_those_configured() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()).issuer("https://a.example", "https://b.example"));

    assertAccepted(send(g, token(s).claim("iss", "https://a.example").mint()), "alice");
    assertAccepted(send(g, token(s).claim("iss", "https://b.example").mint()), "alice");
    for (String other : List.of("https://c.example", "https://A.example", "https://a.example/", "", " https://a.example")) {
      assertRejected(send(g, token(s).claim("iss", other).mint()), "the token's issuer is not accepted");
    }
    assertRejected(send(g, token(s).mint()), "the token lacks the claim iss");
    assertRejected(send(g, token(s).claim("iss", 1).mint()), "the token's claim iss is not a string");
  }

  @Test
  void without_a_configured_issuer_any_or_none_is_accepted() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()));

    assertAccepted(send(g, token(s).claim("iss", "https://anyone.example").mint()), "alice");
    assertAccepted(send(g, token(s).mint()), "alice");
  }

  @ParameterizedTest(name = "aud {0}")
  @CsvSource(delimiter = '|', value = {
      "'\"shop\"'               | true",
      "'\"admin\"'              | true",
      "'[\"x\",\"shop\"]'       | true",
      "'[\"shop\",\"x\"]'       | true",
      "'\"other\"'              | false",
      "'\"Shop\"'               | false",
      "'[\"x\",\"y\"]'          | false",
      "'[]'                     | false",
      "                         | false"})
  void the_audience_must_include_one_of_those_configured(String aud, boolean accepted) {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()).audience("shop", "admin"));
    String payload = "{\"sub\":\"alice\",\"exp\":" + (now + 60) + (aud == null ? "" : ",\"aud\":" + aud) + "}";

    Reply reply = send(g, TestJwts.raw(s.algorithm(), "{\"alg\":\"RS256\",\"kid\":\"k\"}", payload));

    if (accepted) {
      assertAccepted(reply, "alice");
    } else {
      assertRejected(reply, aud == null ? "the token lacks the claim aud" : "the token's audience is not accepted");
    }
  }

  @Test
  void duplicate_claims_make_a_token_malformed_whichever_copy_a_reader_would_take() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()));
    String header = "{\"alg\":\"RS256\",\"kid\":\"k\"}";

    assertRejected(send(g, TestJwts.raw(s.algorithm(), header,
        "{\"sub\":\"alice\",\"sub\":\"admin\",\"exp\":" + (now + 60) + "}")), "the token is malformed");
    assertRejected(send(g, TestJwts.raw(s.algorithm(), header,
        "{\"sub\":\"alice\",\"exp\":" + (now - 60) + ",\"exp\":" + (now + 60) + "}")), "the token is malformed");
    assertRejected(send(g, TestJwts.raw(s.algorithm(), "{\"alg\":\"RS256\",\"kid\":\"k\",\"kid\":\"x\"}",
        "{\"sub\":\"alice\",\"exp\":" + (now + 60) + "}")), "the token is malformed");
  }

  // --- scopes, roles and identity ---------------------------------------------------------------

  @Test
  void scopes_come_from_scope_and_scp_and_roles_from_the_roles_claim() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = harness.routes(b -> AuthHarness.protect(b, Auth.jwt().keys(s.key()).rolesClaim("realm.roles"),
        AccessRule.scopes("a", "c", "d")).identityHeaders(IdentityHeaders.defaults().claim("tenant", "X-Tenant")));

    Reply ok = send(g, token(s).claim("scope", "a  b").claim("scp", List.of("c", "d")).claim("tenant", "acme")
        .claim("realm", Map.of("roles", List.of("staff", "admin"))).mint());
    assertAccepted(ok, "alice");
    assertThat(ok.upstreamHeader("X-Consumer-Groups")).contains("admin,staff");
    assertThat(ok.upstreamHeader("X-Tenant")).contains("acme");
    assertThat(send(g, token(s).claim("scope", "a c").claim("scp", "d").mint()).status()).isEqualTo(200);
    assertThat(send(g, token(s).claim("scope", "a c").mint()).status()).isEqualTo(403);
    assertThat(send(g, token(s).claim("scp", List.of("a", "c")).mint()).status()).isEqualTo(403);
    Reply noTenant = send(g, token(s).claim("scope", "a c d").claim("tenant", null).mint());
    assertThat(noTenant.status()).isEqualTo(200);
    assertThat(noTenant.upstreamHeader("X-Tenant")).as("a null claim is no claim").isEmpty();
    assertThat(noTenant.upstreamHeader("X-Consumer-Groups")).isEmpty();
  }

  // --- where the token comes from -----------------------------------------------------------

  @Test
  void a_query_token_is_used_only_when_allowed_and_never_reaches_the_upstream() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    String token = token(s).mint();
    Routes allowed = gateway(Auth.jwt().keys(s.key()).allowQueryToken());
    Routes refused = gateway(Auth.jwt().keys(s.key()));

    Reply ok = harness.send(allowed, get("/r/x?a=1&access_token=" + token + "&b=2"));
    assertAccepted(ok, "alice");
    assertThat(ok.upstream().rawQuery()).contains("a=1&b=2");
    Reply only = harness.send(allowed, get("/r/x?ACCESS%5Ftoken=" + token));
    assertAccepted(only, "alice");
    assertThat(only.upstream().rawQuery()).isEmpty();
    Reply header = harness.send(allowed, get("/r/x?a=1").header("Authorization", "Bearer " + token));
    assertAccepted(header, "alice");
    assertThat(header.upstream().rawQuery()).contains("a=1");

    Reply notAllowed = harness.send(refused, get("/r/x?access_token=" + token));
    assertThat(notAllowed.status()).isEqualTo(401);
    assertThat(notAllowed.challenges()).containsExactly(BEARER);
    assertThat(harness.send(allowed, get("/r/x?access_token=")).challenges()).containsExactly(BEARER);
  }

  @Test
  void a_token_in_both_header_and_query_or_twice_in_the_query_is_a_400() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    String token = token(s).mint();
    String twice = "the request carries more than one access token (expected: one method, RFC 6750 section 2)";

    for (Routes g : List.of(gateway(Auth.jwt().keys(s.key()).allowQueryToken()), gateway(Auth.jwt().keys(s.key())))) {
      Reply both = harness.send(g, get("/r/x?access_token=" + token).header("Authorization", "Bearer " + token));
      assertThat(both.status()).isEqualTo(400);
      assertThat(both.detail()).isEqualTo(twice);
      assertThat(both.challenges()).containsExactly(BEARER + ", error=\"invalid_request\", error_description=\"" + twice + "\"");
      assertThat(both.rejection()).contains(Rejection.UNAUTHENTICATED);
      assertThat(harness.send(g, get("/r/x?access_token=" + token + "&access_token=" + token)).status()).isEqualTo(400);
    }
  }

  @Test
  void a_token_may_come_from_the_named_cookie_and_the_header_wins() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()).cookie("session").allowQueryToken());
    String alice = token(s).mint();
    String bob = token(s).claim("sub", "bob").mint();

    assertAccepted(harness.send(g, get("/r/x").header("Cookie", "session=" + alice)), "alice");
    assertAccepted(harness.send(g, get("/r/x").header("Cookie", "session=" + alice).header("Authorization", "Bearer " + bob)), "bob");
    assertAccepted(harness.send(g, get("/r/x?access_token=" + bob).header("Cookie", "session=" + alice)), "bob");
    assertAccepted(harness.send(g, get("/r/x?access_token=").header("Cookie", "session=" + alice)), "alice");
    assertThat(harness.send(g, get("/r/x").header("Cookie", "other=" + alice)).challenges()).containsExactly(BEARER);
    assertThat(harness.send(gateway(Auth.jwt().keys(s.key())), get("/r/x").header("Cookie", "session=" + alice)).status())
        .isEqualTo(401);
  }

  @Test
  void a_cookie_token_works_without_query_tokens_and_a_query_token_is_then_ignored() {
    Signer s = TestJwts.rsa("k", JwtAlgorithm.RS256);
    Routes g = gateway(Auth.jwt().keys(s.key()).cookie("session"));
    String alice = token(s).mint();
    String bob = token(s).claim("sub", "bob").mint();

    assertAccepted(harness.send(g, get("/r/x").header("Cookie", "session=" + alice)), "alice");
    assertAccepted(harness.send(g, get("/r/x").header("Cookie", "session=" + alice).header("Authorization", "Bearer " + bob)), "bob");
    Reply query = harness.send(g, get("/r/x?access_token=" + bob).header("Cookie", "session=" + alice));
    assertAccepted(query, "alice");
    assertThat(query.upstream().rawQuery()).as("not a credential on this route, so left alone").contains("access_token=" + bob);
  }
}
