package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.UNVERIFIED;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertAccepted;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.Principal;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.TestJwts.Signer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cache of verified tokens ({@code cacheVerified}), through the auth stages as the gateway runs
 * them: a token that passed is answered from memory (the authenticator's count of signature checks
 * stays put) until its {@code exp} plus leeway or the cache's TTL, while its time claims still pass
 * and while the key set it was verified under is the one at hand; and it never answers for
 * another token, a rejected one, or another route's rules.
 */
class JwtVerifiedCacheTest {
  private static final String URL = "https://idp.example/jwks";
  private static final Signer KEY = TestJwts.rsa("k", JwtAlgorithm.RS256);
  private static final Signer HMAC = TestJwts.hmac("h", JwtAlgorithm.HS256);
  private static final String WITH_KEY = TestJwts.jwks(TestJwts.jwk(KEY, false));
  private static final String ROTATED = TestJwts.jwks(TestJwts.jwk(TestJwts.ec("other", JwtAlgorithm.ES256), false));

  private final AuthHarness harness = new AuthHarness();
  private final long now = harness.clock.instant().getEpochSecond();
  private final AtomicReference<String> jwks = new AtomicReference<>(WITH_KEY);

  JwtVerifiedCacheTest() {
    harness.transport.on(URL, call -> CompletableFuture.completedFuture(AuthHarness.StubTransport.json(200, jwks.get())));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  /** A gateway with one route behind a JWKS-backed auth, and that auth's authenticator. */
  private record Cached(Routes routes, JwtAuthenticator jwt) {}

  private Cached gateway(UnaryOperator<JwtAuth> auth) {
    JwtAuth configured = auth.apply(Auth.jwt().jwks(URL).jwksMinRefetch(Duration.ZERO).allowQueryToken());
    Routes routes = harness.protecting(configured);
    return new Cached(routes, routes.jwt(configured));
  }

  private Cached gateway(Duration ttl, Duration leeway) {
    return gateway(a -> a.leeway(leeway).cacheVerified(100, ttl));
  }

  private Reply send(Cached g, String token) {
    return harness.send(g.routes(), get("/r/x").header("Authorization", "Bearer " + token));
  }

  /** Takes the key out of the JWKS and has the gateway fetch it again. */
  private void rotate(Cached g) {
    jwks.set(ROTATED);
    refetch(g);
  }

  /** A token with an unknown kid makes the gateway fetch the JWKS again. */
  private void refetch(Cached g) {
    int before = harness.transport.callsTo(URL).size();
    assertRejected(send(g, TestJwts.token(KEY.withKid("unknown"), now).mint()), UNVERIFIED);
    assertThat(harness.transport.callsTo(URL)).hasSize(before + 1);
  }

  @Test
  void the_same_token_again_is_answered_without_a_signature_check() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();

    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).isEqualTo(1);
    assertAccepted(send(g, token), "alice");
    assertAccepted(send(g, token), "alice");

    assertThat(g.jwt().signatureChecks()).isEqualTo(1);
    assertThat(g.jwt().cachedTokens()).isEqualTo(1);
  }

  @Test
  void the_cache_is_on_by_default_and_cache_verified_0_turns_it_off() {
    String token = TestJwts.token(KEY, now).mint();
    Cached byDefault = gateway(a -> a);
    Cached off = gateway(a -> a.cacheVerified(0));

    for (int i = 0; i < 3; i++) {
      assertAccepted(send(byDefault, token), "alice");
      assertAccepted(send(off, token), "alice");
    }

    assertThat(byDefault.jwt().signatureChecks()).isEqualTo(1);
    assertThat(off.jwt().signatureChecks()).isEqualTo(3);
    assertThat(off.jwt().cachedTokens()).isZero();
  }

  @ParameterizedTest(name = "leeway {0}s")
  @ValueSource(longs = {0, 30})
  void a_remembered_token_is_accepted_until_exp_plus_leeway_and_no_longer(long leeway) {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(leeway));
    String token = TestJwts.token(KEY, now).claim("exp", now + 120).mint();
    assertAccepted(send(g, token), "alice");

    harness.clock.advance(Duration.ofSeconds(120 + leeway).minusMillis(1));
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).as("answered from the cache").isEqualTo(1);
    harness.clock.advance(Duration.ofMillis(1));
    assertRejected(send(g, token), "the token has expired");
    assertThat(g.jwt().cachedTokens()).as("gone from memory at exp plus leeway").isZero();
  }

  @Test
  void a_token_leaves_memory_at_exp_unasked_even_with_a_ttl_a_fraction_of_a_second_longer() {
    Cached g = gateway(Duration.ofSeconds(120).plusMillis(500), Duration.ZERO);
    String token = TestJwts.token(KEY, now).claim("exp", now + 120).mint();
    assertAccepted(send(g, token), "alice");

    harness.clock.advance(Duration.ofSeconds(120).minusMillis(1));
    assertThat(g.jwt().cachedTokens()).isEqualTo(1);
    harness.clock.advance(Duration.ofMillis(1));
    assertThat(g.jwt().cachedTokens()).isZero();
  }

  @Test
  void a_token_past_exp_is_not_served_when_the_wall_clock_steps_forward() {
    Cached g = gateway(Duration.ofHours(1), Duration.ZERO);
    String token = TestJwts.token(KEY, now).claim("exp", now + 120).mint();
    assertAccepted(send(g, token), "alice");

    harness.clock.set(harness.clock.instant().plusSeconds(120)); // the monotonic clock stands still

    assertRejected(send(g, token), "the token has expired");
  }

  @Test
  void a_remembered_token_is_verified_again_after_the_cache_ttl() {
    Cached g = gateway(Duration.ofSeconds(60), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");

    harness.clock.advance(Duration.ofSeconds(60).minusMillis(1));
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).isEqualTo(1);
    harness.clock.advance(Duration.ofMillis(1));
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).as("verified again at the TTL").isEqualTo(2);
  }

  @Test
  void a_token_that_lives_until_the_year_9999_is_cached_for_the_ttl_even_an_unbounded_one() {
    // A refresh of the JWKS makes a new key set, which would end the entries first.
    Cached hour = gateway(a -> a.jwksRefresh(Duration.ofDays(1)).cacheVerified(100, Duration.ofHours(1)));
    Cached unbounded = gateway(a -> a.jwksRefresh(Duration.ofDays(1)).cacheVerified(100, Duration.ofSeconds(Long.MAX_VALUE)));
    String token = TestJwts.token(KEY, now).claim("exp", JwtClaims.MAX_NUMERIC_DATE).mint();

    for (Cached g : List.of(hour, unbounded)) {
      assertAccepted(send(g, token), "alice");
      harness.clock.advance(Duration.ofMinutes(59));
      assertAccepted(send(g, token), "alice");
      assertThat(g.jwt().signatureChecks()).isEqualTo(1);
    }
    harness.clock.advance(Duration.ofMinutes(2));
    assertAccepted(send(unbounded, token), "alice");
    assertAccepted(send(hour, token), "alice");
    assertThat(unbounded.jwt().signatureChecks()).isEqualTo(1);
    assertThat(hour.jwt().signatureChecks()).isEqualTo(2);
  }

  @Test
  void nbf_is_checked_on_every_hit_so_a_wall_clock_stepped_back_makes_the_token_not_valid_yet() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).claim("nbf", now).without("iat").mint();
    assertAccepted(send(g, token), "alice");

    harness.clock.set(harness.clock.instant().minusSeconds(30));
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).as("nbf = now + leeway still passes, from the cache").isEqualTo(1);
    harness.clock.set(harness.clock.instant().minusSeconds(1));

    assertRejected(send(g, token), "the token is not valid yet");
  }

  @Test
  void iat_is_checked_on_every_hit_so_a_wall_clock_stepped_back_makes_the_token_issued_in_the_future() {
    Cached g = gateway(Duration.ofHours(1), Duration.ZERO);
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).as("iat = now still passes, from the cache").isEqualTo(1);

    harness.clock.set(harness.clock.instant().minusSeconds(1));

    assertRejected(send(g, token), "the token is issued in the future");
  }

  @Test
  void a_key_removed_from_the_jwks_accepts_no_remembered_token() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");
    assertAccepted(send(g, token), "alice");

    rotate(g);

    assertRejected(send(g, token), UNVERIFIED);
    assertThat(g.jwt().signatureChecks()).as("the key lookup rejects it").isEqualTo(1);
  }

  @Test
  void without_the_cache_a_rotated_key_takes_effect_at_once() {
    Cached g = gateway(a -> a.cacheVerified(0));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");
    rotate(g);

    assertRejected(send(g, token), UNVERIFIED);
  }

  @Test
  void a_jwks_fetched_again_with_the_same_keys_verifies_remembered_tokens_once_more() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");

    assertAccepted(send(g, token), "alice");

    refetch(g); // the same key, in a new key set

    assertAccepted(send(g, token), "alice");
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).isEqualTo(2);
  }

  @Test
  void a_token_answered_from_the_cache_still_starts_the_due_refresh_of_the_jwks() {
    Cached g = gateway(a -> a.jwksRefresh(Duration.ofMinutes(1)).cacheVerified(100, Duration.ofHours(1)));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");
    assertThat(harness.transport.callsTo(URL)).hasSize(1);

    harness.clock.advance(Duration.ofSeconds(59));
    assertAccepted(send(g, token), "alice");
    assertThat(harness.transport.callsTo(URL)).as("not due yet").hasSize(1);
    jwks.set(ROTATED);
    harness.clock.advance(Duration.ofSeconds(1));
    assertAccepted(send(g, token), "alice"); // the keys at hand answer while the refresh runs
    assertThat(harness.transport.callsTo(URL)).hasSize(2);

    assertRejected(send(g, token), UNVERIFIED);
  }

  @Test
  void a_configured_key_keeps_its_remembered_tokens_across_jwks_fetches() {
    JwtAuth auth = Auth.jwt().keys(HMAC.key()).jwks(URL).jwksMinRefetch(Duration.ZERO);
    Routes routes = harness.protecting(auth);
    Cached g = new Cached(routes, routes.jwt(auth));
    String token = TestJwts.token(HMAC, now).mint();
    assertAccepted(send(g, token), "alice");
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).isEqualTo(1);

    rotate(g);

    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).as("configured keys do not change").isEqualTo(1);
  }

  @Test
  void two_tokens_are_never_confused() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));

    assertAccepted(send(g, TestJwts.token(KEY, now).mint()), "alice");
    assertAccepted(send(g, TestJwts.token(KEY, now).claim("sub", "bob").mint()), "bob");
    assertAccepted(send(g, TestJwts.token(KEY, now).mint()), "alice");
    assertRejected(send(g, TestJwts.token(KEY, now).claim("aud", 1).mint()), "the token's claim aud is not a string or a list of strings");
  }

  static Stream<Arguments> tampered() {
    String token = TestJwts.token(KEY, 1_795_000_000L).claim("exp", 4_000_000_000L).mint();
    int dot = token.lastIndexOf('.');
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    signature[signature.length - 1] ^= 1;
    String flipped = token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    String impostor = TestJwts.token(TestJwts.impostor(KEY), 1_795_000_000L).claim("exp", 4_000_000_000L).mint();
    return Stream.of(
        Arguments.of("the last signature bit flipped", token, flipped, UNVERIFIED),
        Arguments.of("the same header and payload signed by another key", token, impostor, UNVERIFIED),
        Arguments.of("a character appended", token, token + "A", UNVERIFIED),
        Arguments.of("the signature cut short", token, token.substring(0, token.length() - 4), UNVERIFIED),
        Arguments.of("the signature left out", token, token.substring(0, dot + 1), UNVERIFIED),
        Arguments.of("a second dot appended", token, token + ".", "the token is malformed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tampered")
  void a_token_that_differs_from_a_remembered_one_is_verified_and_rejected(String name, String token, String tampered,
      String description) {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    assertAccepted(send(g, token), "alice");

    assertRejected(send(g, tampered), description);
    assertRejected(send(g, tampered), description);
    assertThat(g.jwt().cachedTokens()).isEqualTo(1);
    assertAccepted(send(g, token), "alice");
  }

  @Test
  void a_rejected_token_is_not_remembered() {
    jwks.set(ROTATED);
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertRejected(send(g, token), UNVERIFIED);
    assertThat(g.jwt().cachedTokens()).isZero();

    jwks.set(WITH_KEY);
    assertAccepted(send(g, token), "alice");
  }

  @Test
  void tokens_rejected_after_their_signature_passed_are_not_remembered() {
    Cached g = gateway(a -> a.audience("shop").cacheVerified(100, Duration.ofHours(1)));
    String otherAudience = TestJwts.token(KEY, now).claim("aud", "bank").mint();
    String noSubject = TestJwts.token(KEY, now).claim("aud", "shop").without("sub").mint();

    assertRejected(send(g, otherAudience), "the token's audience is not accepted");
    assertRejected(send(g, otherAudience), "the token's audience is not accepted");
    assertRejected(send(g, noSubject), "the token lacks the claim sub");

    assertThat(g.jwt().cachedTokens()).isZero();
    assertThat(g.jwt().signatureChecks()).isEqualTo(3);
  }

  @Test
  void a_flood_of_distinct_valid_tokens_stays_within_the_size() {
    Cached g = gateway(a -> a.cacheVerified(10, Duration.ofHours(1)));

    for (int i = 0; i < 200; i++) {
      assertAccepted(send(g, TestJwts.token(KEY, now).claim("n", i).mint()), "alice");
    }

    assertThat(g.jwt().cachedTokens()).isBetween(1L, 10L);
  }

  @Test
  void a_flood_of_invalid_tokens_does_not_evict_a_remembered_one() {
    Cached g = gateway(a -> a.cacheVerified(2, Duration.ofHours(1)));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");
    Signer impostor = TestJwts.impostor(KEY);

    for (int i = 0; i < 50; i++) {
      assertRejected(send(g, TestJwts.token(impostor, now).claim("n", i).mint()), UNVERIFIED);
    }

    assertThat(g.jwt().cachedTokens()).isEqualTo(1);
    long before = g.jwt().signatureChecks();
    assertAccepted(send(g, token), "alice");
    assertThat(g.jwt().signatureChecks()).isEqualTo(before);
  }

  @Test
  void routes_with_different_rules_never_share_remembered_tokens() {
    JwtAuth shop = Auth.jwt().keys(HMAC.key()).audience("shop");
    JwtAuth bank = Auth.jwt().keys(HMAC.key()).audience("bank");
    Routes routes = harness.routes(b -> b
        .route("shop", r -> r.path("/shop/**").auth(shop).upstream(AuthHarness.UPSTREAM))
        .route("bank", r -> r.path("/bank/**").auth(bank).upstream(AuthHarness.UPSTREAM)));
    String token = TestJwts.token(HMAC, now).claim("aud", "shop").mint();

    assertAccepted(harness.send(routes, get("/shop/x").header("Authorization", "Bearer " + token)), "alice");
    assertAccepted(harness.send(routes, get("/shop/x").header("Authorization", "Bearer " + token)), "alice");

    assertRejected(harness.send(routes, get("/bank/x").header("Authorization", "Bearer " + token)),
        "the token's audience is not accepted");
    assertThat(routes.jwt(bank).cachedTokens()).isZero();
  }

  @Test
  void a_remembered_principal_cannot_be_changed_by_the_requests_it_serves() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).claim("groups", List.of("staff"))
        .claim("realm_access", Map.of("roles", List.of("reader"))).mint();
    var request = get("/r/x").header("Authorization", "Bearer " + token).build();

    Principal first = accepted(g.jwt(), request);
    Principal second = accepted(g.jwt(), request);

    assertThat(second).isSameAs(first);
    assertThat(g.jwt().signatureChecks()).isEqualTo(1);
    @SuppressWarnings("unchecked")
    List<Object> groups = (List<Object>) first.claims().get("groups");
    assertThatThrownBy(() -> groups.add("admin")).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> realm = (Map<String, Object>) first.claims().get("realm_access");
    assertThatThrownBy(() -> realm.put("roles", List.of("admin"))).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> roles = (List<Object>) realm.get("roles");
    assertThatThrownBy(() -> roles.add("admin")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(second.claim("realm_access.roles")).contains(List.of("reader"));
  }

  private static Principal accepted(JwtAuthenticator jwt, io.gatehouse.http.Request request) {
    Outcome outcome = jwt.authenticate(request).toCompletableFuture().join();
    assertThat(outcome).isInstanceOf(Outcome.Accepted.class);
    return ((Outcome.Accepted) outcome).principal;
  }

  @Test
  void a_remembered_query_token_is_still_removed_before_the_upstream() {
    Cached g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(harness.send(g.routes(), get("/r/x?access_token=" + token + "&q=1")), "alice");

    Reply again = harness.send(g.routes(), get("/r/x?access_token=" + token + "&q=2"));

    assertAccepted(again, "alice");
    assertThat(again.upstream().rawQuery()).contains("q=2");
    assertThat(again.upstream().rawQuery().orElseThrow()).doesNotContain("access_token");
    assertThat(g.jwt().signatureChecks()).isEqualTo(1);
  }
}
