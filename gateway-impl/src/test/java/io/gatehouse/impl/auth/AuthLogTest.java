package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.impl.auth.AuthHarness.StubTransport;
import io.gatehouse.impl.auth.TestJwts.Signer;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the auth classes log: an outage of a JWKS or introspection endpoint once when it starts and
 * once when it ends, not once per request; and never a credential.
 */
class AuthLogTest {
  private static final String JWKS = "https://idp.example/keys";
  private static final String INTROSPECTION = "https://idp.example/introspect";
  private static final Signer A = TestJwts.rsa("a", JwtAlgorithm.RS256);
  private static final String ONLY_A = TestJwts.jwks(TestJwts.jwk(A, false));

  private final AuthHarness harness = new AuthHarness();
  private final LogCapture logs = new LogCapture();
  /** What the scripted endpoint does next. */
  private final AtomicReference<Supplier<CompletionStage<Response>>> endpoint = new AtomicReference<>();

  AuthLogTest() {
    harness.transport.on(JWKS, call -> endpoint.get().get());
    harness.transport.on(INTROSPECTION, call -> endpoint.get().get());
  }

  @AfterEach
  void close() throws Exception {
    logs.close();
    harness.close();
  }

  private void answers(int status, String json) {
    endpoint.set(() -> CompletableFuture.completedFuture(StubTransport.json(status, json)));
  }

  private void refuses() {
    endpoint.set(() -> CompletableFuture.failedFuture(new ConnectException("refused")));
  }

  private List<String> jwksLogs() {
    return logs.from(JwksKeySource.class, Level.INFO);
  }

  private void find(JwksKeySource source, String kid) {
    source.find(Optional.of(kid)).toCompletableFuture().handle((k, e) -> k);
  }

  @Test
  void a_jwks_outage_before_any_keys_is_logged_once_and_its_end_once() {
    JwksKeySource source = AuthHarness.jwksSource(JWKS, Auth.jwt().jwksMinRefetch(Duration.ZERO), harness.transport, harness.clock);

    answers(500, "{}");
    find(source, "a");
    find(source, "a");
    find(source, "a");
    assertThat(jwksLogs()).containsExactly(
        "WARN JWKS " + JWKS + ": fetch failed (status 500); tokens cannot be verified until it succeeds");

    answers(200, ONLY_A);
    find(source, "a");
    find(source, "b");
    assertThat(jwksLogs()).hasSize(2).endsWith("INFO JWKS " + JWKS + ": fetched again after failures");
  }

  @Test
  void a_jwks_outage_with_keys_at_hand_says_they_are_served() {
    JwksKeySource source = AuthHarness.jwksSource(JWKS, Auth.jwt().jwksMinRefetch(Duration.ZERO), harness.transport, harness.clock);
    answers(200, ONLY_A);
    find(source, "a");
    find(source, "b");
    assertThat(jwksLogs()).as("working: nothing to say").isEmpty();

    refuses();
    find(source, "b");
    find(source, "c");
    find(source, "d");
    assertThat(jwksLogs()).containsExactly(
        "WARN JWKS " + JWKS + ": fetch failed (java.net.ConnectException: refused); serving the keys fetched before");
  }

  @Test
  void two_jwks_keys_with_one_kid_are_reported() {
    JwksKeySource source = AuthHarness.jwksSource(JWKS, Auth.jwt(), harness.transport, harness.clock);
    answers(200, TestJwts.jwks(TestJwts.jwk(A, false), TestJwts.jwk(TestJwts.rsa("b", JwtAlgorithm.RS256), false),
        TestJwts.jwk(TestJwts.ec("a", JwtAlgorithm.ES256), false)));

    find(source, "a");

    assertThat(jwksLogs()).containsExactly("WARN JWKS " + JWKS + ": two keys with kid a; using the first");
  }

  @Test
  void an_introspection_outage_is_logged_once_with_its_cause_and_its_end_once() {
    Routes g = harness.protecting(Auth.introspection(INTROSPECTION).clientCredentials("gw", "client-secret-42"));
    List<String> introspectionLogs;
    answers(200, "{\"active\":true,\"sub\":\"alice\"}");
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer working-1")).status()).isEqualTo(200);
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer working-2")).status()).isEqualTo(200);
    assertThat(logs.from(IntrospectionAuthenticator.class, Level.INFO)).as("working: nothing to say").isEmpty();

    refuses();
    for (int i = 0; i < 3; i++) {
      assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer opaque-" + i)).status()).isEqualTo(503);
    }
    answers(500, "{}");
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer opaque-x")).status()).isEqualTo(503);
    introspectionLogs = logs.from(IntrospectionAuthenticator.class, Level.INFO);
    assertThat(introspectionLogs).containsExactly("WARN introspection " + INTROSPECTION
        + ": the call failed: java.net.ConnectException: refused; requests with opaque tokens get 503 until it answers");

    answers(200, "{\"active\":true,\"sub\":\"alice\"}");
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer opaque-y")).status()).isEqualTo(200);
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer opaque-z")).status()).isEqualTo(200);
    answers(502, "{}");
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer opaque-w")).status()).isEqualTo(503);

    assertThat(logs.from(IntrospectionAuthenticator.class, Level.INFO)).containsExactly(
        introspectionLogs.get(0),
        "INFO introspection " + INTROSPECTION + ": answering again",
        "WARN introspection " + INTROSPECTION + ": it answered 502; requests with opaque tokens get 503 until it answers");
  }

  @Test
  void no_credential_is_ever_logged() {
    String apiKey = "alice-key-0123456789abcdef";
    String wrongKey = "wrong-key-0123456789abcdef";
    String password = "alice-password-secret";
    ApiConsumer alice = ApiConsumer.builder("alice").apiKey(apiKey).password(PasswordHash.of(password, PasswordHash.MIN_ITERATIONS)).build();
    ConsumerStore down = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
        return CompletableFuture.failedFuture(new IllegalStateException("store down"));
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        return findByApiKeyHash(id);
      }
    };
    long now = harness.clock.instant().getEpochSecond();
    String forged = TestJwts.token(TestJwts.impostor(A), now).mint();
    String expired = TestJwts.token(A, now).claim("exp", now - 3600).mint();
    Routes g = harness.routes(b -> AuthHarness.protect(b.consumer(alice), Auth.anyOf(Auth.jwt().keys(A.key()), Auth.apiKey(), Auth.basic())));
    Routes broken = harness.routes(b -> AuthHarness.protect(b.consumers(down), Auth.apiKey()));
    String basic = "Basic " + Base64.getEncoder().encodeToString(("alice:" + password + "x").getBytes(StandardCharsets.UTF_8));

    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer " + forged)).status()).isEqualTo(401);
    assertThat(harness.send(g, get("/r/x").header("Authorization", "Bearer " + expired)).status()).isEqualTo(401);
    assertThat(harness.send(g, get("/r/x").header("X-API-Key", wrongKey)).status()).isEqualTo(401);
    assertThat(harness.send(g, get("/r/x").header("Authorization", basic)).status()).isEqualTo(401);
    assertThat(harness.send(broken, get("/r/x").header("X-API-Key", apiKey)).status()).isEqualTo(503);

    List<String> all = logs.all();
    assertThat(all).as("the rejections are logged, for operators").anySatisfy(m -> assertThat(m)
        .isEqualTo("DEBUG route 'r': credentials rejected: the signature does not match the key JwtKey[kid a, RS256]"));
    assertThat(all).anySatisfy(m -> assertThat(m).isEqualTo(
        "WARN route 'r': ApiKeyAuthenticator failed: java.util.concurrent.CompletionException: java.lang.IllegalStateException: store down"));
    for (String secret : List.of(forged, forged.substring(forged.lastIndexOf('.') + 1), expired, apiKey, wrongKey, password,
        basic.substring(6), ApiConsumer.hashApiKey(wrongKey))) {
      assertThat(all).noneSatisfy(m -> assertThat(m).contains(secret));
    }
  }
}
