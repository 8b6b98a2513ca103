package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The auth machinery of one gateway: what routes share, and what close() stops. */
class AuthRuntimeTest {
  private final AuthHarness harness = new AuthHarness();

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static List<Thread> passwordThreadsSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("gatehouse-password-") && !before.contains(t)).toList();
  }

  @Test
  void close_stops_the_password_threads_of_every_basic_route() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    ApiConsumer alice = ApiConsumer.builder("alice").password(PasswordHash.of("pw", PasswordHash.MIN_ITERATIONS)).build();
    Routes g = harness.routes(b -> b.consumer(alice)
        .route("a", r -> r.path("/a/**").auth(Auth.basic().realm("a")).upstream(AuthHarness.UPSTREAM))
        .route("b", r -> r.path("/b/**").auth(Auth.basic().realm("b")).upstream(AuthHarness.UPSTREAM))
        .route("c", r -> r.path("/c/**").auth(Auth.anyOf(Auth.apiKey(), Auth.basic())).upstream(AuthHarness.UPSTREAM)));
    String basic = "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    for (String path : new String[] {"/a/x", "/b/x", "/c/x"}) {
      assertThat(harness.send(g, get(path).header("Authorization", basic)).status()).isEqualTo(200);
      // Different passwords per route would hit the cache less; a wrong one is never remembered.
      assertThat(harness.send(g, get(path).header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8)))).status()).isEqualTo(401);
    }
    List<Thread> started = passwordThreadsSince(before);
    assertThat(started).isNotEmpty();

    g.close();

    for (Thread t : started) {
      t.join(10_000);
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
    assertThat(passwordThreadsSince(before)).isEmpty();
  }

  @Test
  void a_route_stage_names_its_route_so_that_chain_failures_can() {
    Routes g = harness.routes(b -> AuthHarness.protect(b, Auth.jwt().keys(TestJwts.rsa("k", JwtAlgorithm.RS256).key())));
    AuthRuntime runtime = AuthCompiler.INSTANCE.build(g.spec(),
        new AuthCompiler.Inputs(harness.transport, harness.clock.newScheduler("auth-test-timer")));

    assertThat(runtime.stage(g.spec().routes().get(0))).hasToString("auth stage of route 'r'");
    assertThat(runtime.stage(g.spec().routes().get(1))).hasToString("auth stage of route 'public'");
    runtime.close();
  }

  @Test
  void a_gateway_without_basic_starts_no_password_threads() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Routes g = harness.routes(b -> b.consumer(ApiConsumer.builder("alice").apiKey("alice-key-0123456789abcdef").build())
        .route("a", r -> r.path("/a/**").auth(Auth.apiKey()).upstream(AuthHarness.UPSTREAM)));

    assertThat(harness.send(g, get("/a/x").header("X-API-Key", "alice-key-0123456789abcdef")).status()).isEqualTo(200);
    g.close();

    assertThat(passwordThreadsSince(before)).isEmpty();
  }
}
