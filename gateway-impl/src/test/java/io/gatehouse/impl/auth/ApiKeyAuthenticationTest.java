package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.AuthHarness.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.ApiKeyAuth;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.http.Request;
import io.gatehouse.impl.auth.AuthHarness.Reply;
import io.gatehouse.impl.auth.AuthHarness.Routes;
import io.gatehouse.observe.Rejection;
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

/** API keys from a header or a query parameter, through the auth stages as the gateway runs them. */
class ApiKeyAuthenticationTest {
  static final String CHALLENGE = "ApiKey realm=\"gatehouse\"";
  static final String ALICE_KEY = "alice-key-0123456789abcdef";
  static final String ALICE_SECOND_KEY = "alice-second-key-0123456789";
  static final String BOB_KEY = "bob-key-0123456789abcdef";
  static final ApiConsumer ALICE = ApiConsumer.builder("alice").groups("staff", "admin").plan("gold")
      .apiKey(ALICE_KEY).apiKey(ALICE_SECOND_KEY).build();
  static final ApiConsumer BOB = ApiConsumer.builder("bob").apiKey(BOB_KEY).build();

  private final AuthHarness harness = new AuthHarness();

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Routes gateway(ApiKeyAuth auth) {
    return gateway(auth, b -> b.consumer(ALICE).consumer(BOB));
  }

  private Routes gateway(ApiKeyAuth auth, UnaryOperator<Gateway.Builder> consumers) {
    return harness.routes(b -> AuthHarness.protect(consumers.apply(b), auth));
  }

  static void assertAccepted(Reply reply, String consumer) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.upstreamHeader("X-Consumer-Id")).contains(consumer);
    assertThat(reply.consumer()).contains(consumer);
  }

  static void assertNoCredentials(Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly(CHALLENGE);
    assertThat(reply.detail()).isEqualTo("credentials are required");
    assertThat(reply.proxied()).isFalse();
  }

  static void assertInvalidKey(Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
    assertThat(reply.challenges()).containsExactly(CHALLENGE);
    assertThat(reply.detail()).isEqualTo("the API key is not valid");
    assertThat(reply.proxied()).isFalse();
    assertThat(reply.rejection()).contains(Rejection.UNAUTHENTICATED);
  }

  @Test
  void a_known_key_in_the_header_authenticates_its_consumer_and_is_removed_before_the_upstream() {
    Routes g = gateway(Auth.apiKey());

    Reply alice = harness.send(g, get("/r/x?k=v").header("X-API-Key", ALICE_KEY).header("X-Other", "1"));

    assertAccepted(alice, "alice");
    assertThat(alice.upstreamHeader("X-API-Key")).isEmpty();
    assertThat(alice.upstreamHeader("X-Other")).contains("1");
    assertThat(alice.upstream().rawQuery()).contains("k=v");
    assertThat(alice.upstreamHeader("X-Consumer-Groups")).contains("admin,staff");
    assertThat(alice.upstreamHeader("X-Consumer-Plan")).contains("gold");
    assertAccepted(harness.send(g, get("/r/x").header("X-API-Key", ALICE_SECOND_KEY)), "alice");
    Reply bob = harness.send(g, get("/r/x").header("x-api-key", BOB_KEY));
    assertAccepted(bob, "bob");
    assertThat(bob.upstreamHeader("X-Consumer-Groups")).as("no groups, no header").isEmpty();
    assertThat(bob.upstreamHeader("X-Consumer-Plan")).isEmpty();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {" alice-key-0123456789abcdef", "alice-key-0123456789abcdef ", "\talice-key-0123456789abcdef\t"})
  void the_header_value_is_trimmed(String value) {
    assertAccepted(harness.send(gateway(Auth.apiKey()), get("/r/x").header("X-API-Key", value)), "alice");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"ALICE-KEY-0123456789ABCDEF", "alice-key-0123456789abcde", "alice-key-0123456789abcdefg",
      "x", "Bearer alice-key-0123456789abcdef", "alice-key-0123456789 abcdef"})
  void any_other_key_is_invalid(String key) {
    assertInvalidKey(harness.send(gateway(Auth.apiKey()), get("/r/x").header("X-API-Key", key)));
  }

  @Test
  void a_blank_or_repeated_header_is_no_key() {
    Routes g = gateway(Auth.apiKey());

    assertNoCredentials(harness.send(g, get("/r/x").header("X-API-Key", "")));
    assertNoCredentials(harness.send(g, get("/r/x").header("X-API-Key", "   ")));
    assertNoCredentials(harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY).header("X-API-Key", ALICE_KEY)));
    assertNoCredentials(harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY).header("X-API-Key", BOB_KEY)));
    assertNoCredentials(harness.send(g, get("/r/x").header("X-Api-Key2", ALICE_KEY)));
  }

  @Test
  void the_header_name_is_configurable() {
    Routes g = gateway(Auth.apiKey().header("X-Key"));

    assertAccepted(harness.send(g, get("/r/x").header("X-Key", ALICE_KEY)), "alice");
    assertNoCredentials(harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "api_key=alice-key-0123456789abcdef                    | alice | ",
      "a=1&api_key=alice-key-0123456789abcdef&b=2            | alice | a=1&b=2",
      "api_key=alice-key-0123456789abcdef&b=2                | alice | b=2",
      "api_key=alice%2Dkey%2D0123456789abcdef                | alice | ",
      "api%5Fkey=bob-key-0123456789abcdef                    | bob   | "})
  void a_key_may_come_from_the_query_and_is_removed_from_it(String query, String consumer, String rest) {
    Reply reply = harness.send(gateway(Auth.apiKey().query("api_key")), get("/r/x?" + query));

    assertAccepted(reply, consumer);
    assertThat(reply.upstream().rawQuery()).isEqualTo(Optional.ofNullable(rest));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"api_key=", "api_key=%20", "api_key", "api_key=alice-key-0123456789abcdef&api_key=alice-key-0123456789abcdef",
      "apikey=alice-key-0123456789abcdef", "API_KEY=alice-key-0123456789abcdef"})
  void an_empty_repeated_or_misnamed_query_key_is_no_key(String query) {
    assertNoCredentials(harness.send(gateway(Auth.apiKey().query("api_key")), get("/r/x?" + query)));
  }

  @Test
  void the_query_is_read_only_when_configured_and_only_without_a_header() {
    Routes headerOnly = gateway(Auth.apiKey());
    Routes both = gateway(Auth.apiKey().query("api_key"));

    assertNoCredentials(harness.send(headerOnly, get("/r/x?api_key=" + ALICE_KEY)));
    assertNoCredentials(harness.send(both, get("/r/x")));
    assertNoCredentials(harness.send(both, get("/r/x?")));
    Reply header = harness.send(both, get("/r/x?api_key=" + ALICE_KEY).header("X-API-Key", BOB_KEY));
    assertAccepted(header, "bob");
    assertThat(header.upstream().rawQuery()).as("both copies are removed").isEmpty();
    assertThat(header.upstreamHeader("X-API-Key")).isEmpty();
    assertNoCredentials(harness.send(both, get("/r/x?api_key=" + ALICE_KEY).header("X-API-Key", " ")));
  }

  @Test
  void with_forward_key_the_key_goes_on_to_the_upstream() {
    Routes g = gateway(Auth.apiKey().query("api_key").forwardKey(true));

    Reply header = harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY));
    assertAccepted(header, "alice");
    assertThat(header.upstreamHeader("X-API-Key")).contains(ALICE_KEY);
    Reply query = harness.send(g, get("/r/x?api_key=" + ALICE_KEY));
    assertAccepted(query, "alice");
    assertThat(query.upstream().rawQuery()).contains("api_key=" + ALICE_KEY);
  }

  /** A store that answers every lookup with the same consumer: a bug in a user's store must not let any key in. */
  private static final class CarelessStore implements ConsumerStore {
    @Override
    public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
      return CompletableFuture.completedFuture(Optional.of(ALICE));
    }

    @Override
    public CompletionStage<Optional<ApiConsumer>> findById(String id) {
      return CompletableFuture.completedFuture(Optional.of(ALICE));
    }
  }

  @Test
  void a_consumer_from_the_store_must_hold_the_key_presented() {
    Routes g = gateway(Auth.apiKey(), b -> b.consumers(new CarelessStore()));

    assertInvalidKey(harness.send(g, get("/r/x").header("X-API-Key", BOB_KEY)));
    assertInvalidKey(harness.send(g, get("/r/x").header("X-API-Key", "whatever-key-0123456789")));
    assertAccepted(harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY)), "alice");
    assertAccepted(harness.send(g, get("/r/x").header("X-API-Key", ALICE_SECOND_KEY)), "alice");
  }

  @Test
  void the_store_is_asked_by_the_sha256_of_the_key_only() {
    List<String> asked = new CopyOnWriteArrayList<>();
    ConsumerStore store = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
        asked.add(apiKeyHash);
        return CompletableFuture.completedFuture(Optional.empty());
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        asked.add(id);
        return CompletableFuture.completedFuture(Optional.empty());
      }
    };
    Routes g = gateway(Auth.apiKey(), b -> b.consumers(store));

    assertInvalidKey(harness.send(g, get("/r/x").header("X-API-Key", ALICE_KEY)));
    assertThat(asked).containsExactly(ApiConsumer.hashApiKey(ALICE_KEY));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"failed", "thrown"})
  void a_store_that_cannot_answer_is_a_503(String how) {
    ConsumerStore broken = new ConsumerStore() {
      @Override
      public CompletionStage<Optional<ApiConsumer>> findByApiKeyHash(String apiKeyHash) {
        if (how.equals("thrown")) {
          throw new IllegalStateException("database down");
        }
        return CompletableFuture.failedFuture(new IllegalStateException("database down"));
      }

      @Override
      public CompletionStage<Optional<ApiConsumer>> findById(String id) {
        return findByApiKeyHash(id);
      }
    };

    Reply reply = harness.send(gateway(Auth.apiKey(), b -> b.consumers(broken)), get("/r/x").header("X-API-Key", ALICE_KEY));

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.detail()).isEqualTo("the credentials cannot be checked now");
    assertThat(reply.challenges()).isEmpty();
    assertThat(reply.proxied()).isFalse();
  }

  @Test
  void the_request_as_authenticated_keeps_everything_but_the_key() {
    Routes g = gateway(Auth.apiKey().header("X-Key").query("key"));
    Request.Builder request = Request.builder("POST", "/r/x?key=" + ALICE_KEY + "&a=1").header("X-Key", ALICE_KEY)
        .header("Content-Type", "text/plain");

    Reply reply = harness.send(g, request);

    assertAccepted(reply, "alice");
    assertThat(reply.upstream().method()).isEqualTo("POST");
    assertThat(reply.upstream().path()).isEqualTo("/r/x");
    assertThat(reply.upstream().rawQuery()).contains("a=1");
    assertThat(reply.upstreamHeader("Content-Type")).contains("text/plain");
    assertThat(reply.upstreamHeader("X-Key")).isEmpty();
  }
}
