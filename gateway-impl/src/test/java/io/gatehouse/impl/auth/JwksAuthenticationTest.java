package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.UNVERIFIED;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertAccepted;
import static io.gatehouse.impl.auth.JwtAuthenticationTest.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.TestJwts.Signer;
import io.gatehouse.impl.auth.TestJwts.Token;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bearer JWTs verified with keys from a JWKS URL, through the auth stages as the gateway runs them. */
class JwksAuthenticationTest {
  private static final String URL = "https://idp.example/jwks";
  private static final Signer RSA = TestJwts.rsa("rsa", JwtAlgorithm.RS256);

  private final AuthHarness harness = new AuthHarness();
  private final long now = harness.clock.instant().getEpochSecond();
  private final AtomicReference<String> jwks = new AtomicReference<>(TestJwts.jwks(TestJwts.jwk(RSA, false)));

  JwksAuthenticationTest() {
    harness.transport.on(URL, call -> CompletableFuture.completedFuture(
        AuthHarness.StubTransport.json(200, jwks.get())));
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Routes gateway(UnaryOperator<JwtAuth> config) {
    return harness.protecting(config.apply(Auth.jwt().jwks(URL)));
  }

  private Reply send(Routes g, String token) {
    return harness.send(g, get("/r/x").header("Authorization", "Bearer " + token));
  }

  private int fetches() {
    return harness.transport.callsTo(URL).size();
  }

  private Token token(Signer signer) {
    return TestJwts.token(signer, now);
  }

  static Stream<Arguments> asymmetric() {
    return Stream.of(JwtAlgorithm.values()).filter(a -> a.family() != JwtAlgorithm.Family.HMAC)
        .flatMap(a -> Stream.of(Arguments.of(a, true), Arguments.of(a, false)));
  }

  @ParameterizedTest(name = "{0}, alg member {1}")
  @MethodSource("asymmetric")
  void verifies_tokens_with_the_jwks_key_of_their_kid(JwtAlgorithm alg, boolean algMember) {
    Signer signer = TestJwts.signer("k-" + alg, alg);
    jwks.set(TestJwts.jwks(TestJwts.jwk(RSA, false), TestJwts.jwk(signer, algMember)));
    Routes g = gateway(a -> a);

    Reply reply = send(g, token(signer).mint());

    boolean impliedByTheKey = algMember || alg == JwtAlgorithm.RS256 || alg.family() == JwtAlgorithm.Family.EC;
    if (impliedByTheKey) {
      assertAccepted(reply, "alice");
    } else {
      assertRejected(reply, UNVERIFIED); // the JWK says RS256 by default; the token says PS or RS384/512
    }
    assertThat(fetches()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = JwtAlgorithm.class, names = {"HS256", "HS384", "HS512"})
  void hmac_tokens_are_not_accepted_with_only_a_jwks_and_cost_no_fetch(JwtAlgorithm alg) {
    Routes g = gateway(a -> a);

    assertRejected(send(g, token(TestJwts.hmac("rsa", alg)).mint()), "the token's algorithm is not accepted");
    assertThat(fetches()).isZero();
  }

  @Test
  void a_configured_hmac_key_beside_the_jwks_makes_its_algorithm_acceptable() {
    Signer hmac = TestJwts.hmac("h", JwtAlgorithm.HS256);
    Routes g = gateway(a -> a.keys(hmac.key()));

    assertAccepted(send(g, token(hmac).mint()), "alice");
    assertThat(fetches()).as("a configured kid needs no JWKS").isZero();
    assertRejected(send(g, token(TestJwts.hmac("h", JwtAlgorithm.HS384)).mint()), "the token's algorithm is not accepted");
    assertAccepted(send(g, token(RSA).mint()), "alice");
    assertThat(fetches()).isEqualTo(1);
  }

  @Test
  void a_configured_key_wins_over_a_jwks_key_of_the_same_kid() {
    Signer configured = TestJwts.rsa("rsa", JwtAlgorithm.RS256, TestJwts.RSA_B);
    Routes g = gateway(a -> a.keys(configured.key()));

    assertAccepted(send(g, token(configured).mint()), "alice");
    assertRejected(send(g, token(RSA).mint()), UNVERIFIED);
    assertThat(fetches()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"malformed", "expired", "issuer", "claim type", "alg", "kid type", "no iss"})
  void a_token_that_could_never_pass_costs_no_fetch(String flaw) {
    Routes g = gateway(a -> a.issuer("https://idp.example"));
    Token t = token(RSA).claim("iss", "https://idp.example");
    String token = switch (flaw) {
      case "malformed" -> "not.a.jwt";
      case "expired" -> t.claim("exp", now - 3600).mint();
      case "issuer" -> t.claim("iss", "https://evil.example").mint();
      case "no iss" -> t.without("iss").mint();
      case "claim type" -> t.claim("aud", 7).mint();
      case "kid type" -> t.header("kid", 7).mint();
      default -> t.header("alg", "none").mint();
    };

    assertThat(send(g, token).status()).isEqualTo(401);
    assertThat(fetches()).isZero();
  }

  @Test
  void when_the_jwks_cannot_be_fetched_at_first_the_answer_is_503_without_a_challenge() {
    harness.transport.answer(URL, 500, "{}");
    Routes g = gateway(a -> a);

    Reply reply = send(g, token(RSA).mint());

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.detail()).isEqualTo("the keys to verify the token cannot be fetched");
    assertThat(reply.challenges()).isEmpty();
    assertThat(reply.proxied()).isFalse();
  }

  @Test
  void an_unknown_kid_is_a_bad_signature_once_the_jwks_was_asked_again() {
    Routes g = gateway(a -> a.jwksMinRefetch(Duration.ofSeconds(30)));
    assertAccepted(send(g, token(RSA).mint()), "alice");

    assertRejected(send(g, token(RSA).header("kid", "other").mint()), UNVERIFIED);
    assertThat(fetches()).isEqualTo(1);
    harness.clock.advance(Duration.ofSeconds(30));
    Signer rotated = TestJwts.ec("other", JwtAlgorithm.ES256);
    jwks.set(TestJwts.jwks(TestJwts.jwk(rotated, false)));
    assertAccepted(send(g, token(rotated).mint()), "alice");
    assertThat(fetches()).isEqualTo(2);
  }

  @Test
  void a_token_that_expires_while_the_keys_are_fetched_is_expired() {
    CompletableFuture<Response> slow = new CompletableFuture<>();
    harness.transport.on(URL, call -> slow);
    // The fetch timeout runs on the clock too: a fetch that takes 6 s needs a longer one.
    Routes g = gateway(a -> a.leeway(Duration.ZERO).jwksTimeout(Duration.ofSeconds(10)));

    CompletableFuture<Response> reply = g.handle(get("/r/x")
        .header("Authorization", "Bearer " + token(RSA).claim("exp", now + 5).mint()).build()).toCompletableFuture();
    harness.clock.advance(Duration.ofSeconds(6));
    slow.complete(AuthHarness.StubTransport.json(200, jwks.get()));

    Response response = reply.join();
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.headers().all("WWW-Authenticate"))
        .containsExactly(JwtAuthenticationTest.invalid("the token has expired"));
  }

  @Test
  void routes_that_share_an_auth_share_its_keys() {
    JwtAuth shared = Auth.jwt().jwks(URL);
    Routes g = harness.routes(b -> b.auth(shared)
        .route("a", r -> r.path("/a/**").upstream(AuthHarness.UPSTREAM))
        .route("b", r -> r.path("/b/**").upstream(AuthHarness.UPSTREAM))
        .route("c", r -> r.path("/c/**").auth(shared).upstream(AuthHarness.UPSTREAM)));
    String token = token(RSA).mint();

    for (String path : new String[] {"/a/x", "/b/x", "/c/x"}) {
      assertAccepted(harness.send(g, get(path).header("Authorization", "Bearer " + token)), "alice");
    }
    assertThat(fetches()).isEqualTo(1);
  }
}
