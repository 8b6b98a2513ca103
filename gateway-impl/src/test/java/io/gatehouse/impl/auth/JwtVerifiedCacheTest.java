package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.UNVERIFIED;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertAccepted;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.TestJwts.Signer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cacheVerified}: a token that passed is remembered by its hash until its {@code exp} plus
 * leeway or the cache's TTL, whichever comes first. What a remembered token skips is the key lookup,
 * so the tests take its key out of the JWKS to see whether a request was answered from memory.
 */
class JwtVerifiedCacheTest {
  private static final String URL = "https://idp.example/jwks";
  private static final Signer KEY = TestJwts.rsa("k", JwtAlgorithm.RS256);
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

  private Routes gateway(Duration ttl, Duration leeway) {
    return harness.protecting(Auth.jwt().jwks(URL).jwksMinRefetch(Duration.ZERO).leeway(leeway).cacheVerified(100, ttl)
        .allowQueryToken());
  }

  private Reply send(Routes g, String token) {
    return harness.send(g, get("/r/x").header("Authorization", "Bearer " + token));
  }

  /** Verifies the token once, then takes its key out of the JWKS and has the gateway fetch it again. */
  private void verifyThenRotate(Routes g, String token) {
    assertAccepted(send(g, token), "alice");
    rotate(g);
    assertRejected(send(g, TestJwts.token(KEY, now).claim("n", 1).mint()), UNVERIFIED);
  }

  /** Takes the key out of the JWKS; a token with an unknown kid makes the gateway fetch it again. */
  private void rotate(Routes g) {
    jwks.set(ROTATED);
    int before = harness.transport.callsTo(URL).size();
    assertRejected(send(g, TestJwts.token(KEY.withKid("unknown"), now).mint()), UNVERIFIED);
    assertThat(harness.transport.callsTo(URL)).hasSize(before + 1);
  }

  @ParameterizedTest(name = "leeway {0}s")
  @ValueSource(longs = {0, 30})
  void a_remembered_token_is_accepted_until_exp_plus_leeway_and_no_longer(long leeway) {
    Routes g = gateway(Duration.ofHours(1), Duration.ofSeconds(leeway));
    String token = TestJwts.token(KEY, now).claim("exp", now + 120).mint();
    verifyThenRotate(g, token);

    harness.clock.advance(Duration.ofSeconds(120 + leeway).minusMillis(1));
    assertAccepted(send(g, token), "alice");
    harness.clock.advance(Duration.ofMillis(1));
    assertRejected(send(g, token), "the token has expired");
  }

  @Test
  void a_remembered_token_is_verified_again_after_the_cache_ttl() {
    Routes g = gateway(Duration.ofSeconds(60), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    verifyThenRotate(g, token);

    harness.clock.advance(Duration.ofSeconds(60).minusMillis(1));
    assertAccepted(send(g, token), "alice");
    harness.clock.advance(Duration.ofMillis(1));
    assertRejected(send(g, token), UNVERIFIED);
  }

  @Test
  void without_the_cache_a_rotated_key_takes_effect_at_once() {
    Routes g = harness.protecting(Auth.jwt().jwks(URL).jwksMinRefetch(Duration.ZERO));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(send(g, token), "alice");
    rotate(g);

    assertRejected(send(g, token), UNVERIFIED);
  }

  @Test
  void two_tokens_are_never_confused() {
    Routes g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));

    assertAccepted(send(g, TestJwts.token(KEY, now).mint()), "alice");
    assertAccepted(send(g, TestJwts.token(KEY, now).claim("sub", "bob").mint()), "bob");
    assertAccepted(send(g, TestJwts.token(KEY, now).mint()), "alice");
    assertRejected(send(g, TestJwts.token(KEY, now).claim("aud", 1).mint()), "the token's claim aud is not a string or a list of strings");
  }

  @Test
  void a_rejected_token_is_not_remembered() {
    jwks.set(ROTATED);
    Routes g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertRejected(send(g, token), UNVERIFIED);

    jwks.set(WITH_KEY);
    assertAccepted(send(g, token), "alice");
  }

  @Test
  void a_remembered_query_token_is_still_removed_before_the_upstream() {
    Routes g = gateway(Duration.ofHours(1), Duration.ofSeconds(30));
    String token = TestJwts.token(KEY, now).mint();
    assertAccepted(harness.send(g, get("/r/x?access_token=" + token + "&q=1")), "alice");

    Reply again = harness.send(g, get("/r/x?access_token=" + token + "&q=2"));

    assertAccepted(again, "alice");
    assertThat(again.upstream().rawQuery()).contains("q=2");
  }
}
