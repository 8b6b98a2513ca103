package io.gatehouse.examples.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.testing.junit5.GatewayExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's HS256 example: a shared secret, tokens without a kid, the extension's clock. */
class SharedSecretTest {
  private static final byte[] SECRET = "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);

  // tag::hs256-test[]
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(clock ->
      SecuredGateways.sharedSecret(SECRET, "http://orders:8080").time(clock));

  @Test
  void tokens_signed_with_the_shared_secret_pass_until_they_expire(GatewayTester tester, ManualClock clock) {
    tester.stubUpstream("http://orders:8080", orders -> orders.respond(200, "[]"));
    TestKey shared = TestKeys.hmac("shared", SECRET);
    String token = TestTokens.signedBy(shared).withoutKid()   // as the issuer mints them
        .issuer("https://login.example.com").subject("alice")
        .expiresIn(Duration.ofMinutes(5)).mint();               // on the extension's clock

    assertThat(tester.get("/orders").bearer(token).send()).hasStatus(200);
    clock.advance(Duration.ofMinutes(6));
    assertThat(tester.get("/orders").bearer(token).send()).hasStatus(401);
  }
  // end::hs256-test[]

  @Test
  void a_token_signed_with_another_secret_is_refused(GatewayTester tester) {
    tester.stubUpstream("http://orders:8080", orders -> orders.respond(200, "[]"));
    String forged = TestTokens.signedBy(TestKeys.hmac("shared")).withoutKid()
        .issuer("https://login.example.com").subject("alice").mint();

    assertThat(tester.get("/orders").bearer(forged).send()).hasStatus(401);
  }
}
