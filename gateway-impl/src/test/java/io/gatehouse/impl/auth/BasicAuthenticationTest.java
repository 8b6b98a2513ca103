package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.BasicAuth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.observe.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP Basic against consumers' password hashes, through the auth stages as the gateway runs them. */
class BasicAuthenticationTest {
  static final String CHALLENGE = "Basic realm=\"gatehouse\", charset=\"UTF-8\"";

  private final AuthHarness harness = new AuthHarness();

  private static ApiConsumer consumer(String id, String password) {
    return ApiConsumer.builder(id).groups("staff").password(PasswordHash.of(password, PasswordHash.MIN_ITERATIONS)).build();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Routes gateway(BasicAuth auth) {
    return harness.routes(b -> AuthHarness.protect(b
        .consumer(consumer("alice", "correct horse"))
        .consumer(consumer("carol", "pa:ss:word"))
        .consumer(consumer("dave", ""))
        .consumer(consumer("erin", "p\u00e4ssw\u00f6rd \u2603"))
        .consumer(ApiConsumer.builder("keyonly").apiKey("keyonly-key-0123456789").build()), auth));
  }

  private static String basic(String userAndPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  private Reply send(Routes g, String authorization) {
    return harness.send(g, get("/r/x").header("Authorization", authorization).header("X-Other", "1"));
  }

  private static void assertRejected(Reply reply, String detail) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly(CHALLENGE);
    assertThat(reply.detail()).isEqualTo(detail);
    assertThat(reply.proxied()).isFalse();
    assertThat(reply.rejection()).contains(Rejection.UNAUTHENTICATED);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "alice:correct horse     | alice",
      "carol:pa:ss:word        | carol",
      "dave:                   | dave",
      "erin:p\u00e4ssw\u00f6rd \u2603 | erin"})
  void the_user_name_is_the_consumer_and_the_password_follows_the_first_colon(String pair, String consumer) {
    Reply reply = send(gateway(Auth.basic()), basic(pair));

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.upstreamHeader("X-Consumer-Id")).contains(consumer);
    assertThat(reply.upstreamHeader("X-Consumer-Groups")).contains("staff");
    assertThat(reply.upstreamHeader("Authorization")).as("the password never reaches the upstream").isEmpty();
    assertThat(reply.upstreamHeader("X-Other")).contains("1");
    assertThat(reply.consumer()).contains(consumer);
  }

  @Test
  void the_scheme_is_case_insensitive() {
    String credentials = Base64.getEncoder().encodeToString("alice:correct horse".getBytes(StandardCharsets.UTF_8));

    assertThat(send(gateway(Auth.basic()), "bAsIc " + credentials).status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"alice:correct horse ", "alice: correct horse", "alice:Correct horse", "alice:correct", "alice:",
      "Alice:correct horse", "alice :correct horse", "carol:pa", "dave:x", "erin:passw\u00f6rd \u2603", "keyonly:x"})
  void a_wrong_password_or_user_name_is_rejected(String pair) {
    assertRejected(send(gateway(Auth.basic()), basic(pair)), "the user name or password is not valid");
  }

  @Test
  void an_unknown_user_is_rejected_like_a_wrong_password() {
    assertRejected(send(gateway(Auth.basic()), basic("mallory:correct horse")), "the user name or password is not valid");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"Basic %%%", "Basic YWxpY2U=", "Basic OmNvcnJlY3QgaG9yc2U=", "Basic Og==",
      "Basic YWxpY2U6Y29y=cmVjdCBob3JzZQ==", "Basic -_-_", "Basic /w==", "Basic YWxpY2U6/w==", "Basic wA==", "Basic 7aCA"})
  void malformed_credentials_are_rejected_without_a_lookup(String header) {
    assertRejected(send(gateway(Auth.basic()), header), "the Basic credentials are malformed");
  }

  @Test
  void the_realm_is_in_the_challenge() {
    Reply reply = harness.send(gateway(Auth.basic().realm("internal tools")), get("/r/x"));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly("Basic realm=\"internal tools\", charset=\"UTF-8\"");
    assertThat(reply.detail()).isEqualTo("credentials are required");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"Bearer YWxpY2U6Y29ycmVjdCBob3JzZQ==", "Basic", "Basic ", "BasicYWxpY2U6Y29ycmVjdCBob3JzZQ=="})
  void another_scheme_or_no_credential_asks_for_credentials(String header) {
    Reply reply = send(gateway(Auth.basic()), header);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly(CHALLENGE);
    assertThat(reply.detail()).isEqualTo("credentials are required");
  }

  @Test
  void a_store_that_cannot_answer_is_a_503() {
    ConsumerStore broken = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        return CompletableFuture.failedFuture(new IllegalStateException("down"));
      }
    };
    Routes g = harness.routes(b -> AuthHarness.protect(b.consumers(broken), Auth.basic()));

    Reply reply = send(g, basic("alice:correct horse"));

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.detail()).isEqualTo("the credentials cannot be checked now");
  }

  @Test
  void the_store_is_asked_for_the_user_name_as_sent() {
    List<String> asked = new CopyOnWriteArrayList<>();
    ApiConsumer alice = consumer("alice", "pw");
    ConsumerStore store = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
        throw new AssertionError("not an API key route");
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        asked.add(id);
        return CompletableFuture.completedFuture(id.equals("alice") ? Optional.of(alice) : Optional.empty());
      }
    };
    Routes g = harness.routes(b -> AuthHarness.protect(b.consumers(store), Auth.basic()));

    assertThat(send(g, basic("alice:pw")).status()).isEqualTo(200);
    assertThat(asked).containsExactly("alice");
  }
}
