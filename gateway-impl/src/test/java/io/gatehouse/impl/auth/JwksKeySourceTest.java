package io.gatehouse.impl.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthHarness.StubTransport;
import io.gatehouse.impl.auth.TestJwts.Signer;
import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.spi.UpstreamCall;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JWKS key source on a manual clock, with each fetch answered by hand: when it fetches (first
 * use, refresh, unknown kid at most once per interval), who shares a fetch, and what it serves
 * while the endpoint is down.
 */
class JwksKeySourceTest {
  private static final String URL = "https://idp.example/keys";
  private static final Duration REFRESH = Duration.ofMinutes(10);
  private static final Duration MIN_REFETCH = Duration.ofSeconds(30);
  private static final Signer A = TestJwts.rsa("a", JwtAlgorithm.RS256);
  private static final Signer B = TestJwts.ec("b", JwtAlgorithm.ES256);
  private static final String ONLY_A = TestJwts.jwks(TestJwts.jwk(A, false));
  private static final String A_AND_B = TestJwts.jwks(TestJwts.jwk(A, false), TestJwts.jwk(B, true));
  private static final String ONLY_B = TestJwts.jwks(TestJwts.jwk(B, true));

  private final MutableClock clock = new MutableClock();
  private final StubTransport transport = new StubTransport();
  /** The fetches made, in order; each completes when the test says. */
  private final List<CompletableFuture<Response>> fetches = new CopyOnWriteArrayList<>();

  JwksKeySourceTest() {
    transport.on(URL, call -> {
      CompletableFuture<Response> f = new CompletableFuture<>();
      fetches.add(f);
      return f;
    });
  }

  private JwksKeySource source(JwtAuth auth) {
    return AuthHarness.jwksSource(URL, auth.jwks(URL), transport, clock);
  }

  private JwksKeySource source() {
    return source(Auth.jwt().jwksRefresh(REFRESH).jwksMinRefetch(MIN_REFETCH));
  }

  private void answer(int fetch, String jwks) {
    fetches.get(fetch).complete(StubTransport.json(200, jwks));
  }

  private static Optional<KeyVerifier> now(CompletionStage<Optional<KeyVerifier>> stage) {
    CompletableFuture<Optional<KeyVerifier>> f = stage.toCompletableFuture();
    assertThat(f).as("completed without waiting for a fetch").isDone();
    return f.join();
  }

  private static Optional<String> kid(String kid) {
    return Optional.ofNullable(kid);
  }

  /** A source whose first fetch (answered at the clock's start) returned the JWKS. */
  private JwksKeySource fetched(String jwks) {
    JwksKeySource source = source();
    CompletionStage<Optional<KeyVerifier>> first = source.find(kid("a"));
    answer(0, jwks);
    first.toCompletableFuture().join();
    return source;
  }

  @Test
  void the_first_request_waits_for_the_first_fetch_and_others_share_it() {
    JwksKeySource source = source();

    CompletableFuture<Optional<KeyVerifier>> a = source.find(kid("a")).toCompletableFuture();
    CompletableFuture<Optional<KeyVerifier>> b = source.find(kid("b")).toCompletableFuture();
    CompletableFuture<Optional<KeyVerifier>> c = source.find(kid("c")).toCompletableFuture();
    assertThat(List.of(a, b, c)).noneMatch(CompletableFuture::isDone);
    assertThat(fetches).hasSize(1);

    answer(0, A_AND_B);

    assertThat(a.join().orElseThrow().key.key()).isEqualTo(A.key().key());
    assertThat(a.join().orElseThrow().key.algorithm()).isEqualTo(JwtAlgorithm.RS256);
    assertThat(b.join().orElseThrow().key.algorithm()).isEqualTo(JwtAlgorithm.ES256);
    assertThat(c.join()).isEmpty();
    assertThat(fetches).hasSize(1);
  }

  @Test
  void the_fetch_is_a_get_with_accept_json_bounded_by_the_jwks_timeout() {
    source(Auth.jwt().jwksTimeout(Duration.ofMillis(1234))).find(kid("a"));

    UpstreamCall call = transport.callsTo(URL).get(0);
    assertThat(call.origin()).hasToString("https://idp.example");
    assertThat(call.request().method()).isEqualTo("GET");
    assertThat(call.request().target()).isEqualTo("/keys");
    assertThat(call.request().headers().first("Accept")).contains("application/json");
    assertThat(call.connectTimeout()).isEqualTo(Duration.ofMillis(1234));
    assertThat(call.responseTimeout()).isEqualTo(Duration.ofMillis(1234));
  }

  @ParameterizedTest(name = "after {0} ms")
  @ValueSource(longs = {0, 1, 599_999})
  void known_kids_are_served_from_memory_until_the_refresh_interval(long millis) {
    JwksKeySource source = fetched(ONLY_A);
    clock.advance(Duration.ofMillis(millis));

    assertThat(now(source.find(kid("a")))).isPresent();
    assertThat(fetches).hasSize(1);
  }

  @ParameterizedTest(name = "after {0} ms")
  @ValueSource(longs = {600_000, 600_001, 3_600_000})
  void from_the_refresh_interval_on_a_request_starts_a_fetch_in_the_background_and_goes_on(long millis) {
    JwksKeySource source = fetched(ONLY_A);
    clock.advance(Duration.ofMillis(millis));

    assertThat(now(source.find(kid("a")))).isPresent();
    assertThat(now(source.find(kid("a")))).as("a second request joins the fetch in flight").isPresent();
    assertThat(fetches).hasSize(2);

    answer(1, ONLY_B);
    assertThat(now(source.find(kid("b")))).as("the refreshed keys replace the old ones").isPresent();
    clock.advance(MIN_REFETCH);
    CompletableFuture<Optional<KeyVerifier>> a = source.find(kid("a")).toCompletableFuture();
    assertThat(fetches).hasSize(3);
    answer(2, ONLY_B);
    assertThat(a.join()).as("a rotated-out key is gone").isEmpty();
  }

  @Test
  void the_refresh_interval_counts_from_when_the_keys_arrived() {
    // The fetch timeout runs on the clock too: a fetch that takes 5 s needs a longer one.
    JwksKeySource source = source(Auth.jwt().jwksRefresh(REFRESH).jwksMinRefetch(MIN_REFETCH).jwksTimeout(Duration.ofSeconds(10)));
    CompletionStage<Optional<KeyVerifier>> first = source.find(kid("a"));
    clock.advance(Duration.ofSeconds(5)); // a slow fetch
    answer(0, ONLY_A);
    first.toCompletableFuture().join();

    clock.advance(REFRESH.minusMillis(1));
    now(source.find(kid("a")));
    assertThat(fetches).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    now(source.find(kid("a")));
    assertThat(fetches).hasSize(2);
  }

  @ParameterizedTest(name = "after {0} ms")
  @ValueSource(longs = {0, 1, 29_999})
  void an_unknown_kid_within_the_minimum_interval_of_the_last_fetch_is_unknown_at_once(long millis) {
    JwksKeySource source = fetched(ONLY_A);
    clock.advance(Duration.ofMillis(millis));

    assertThat(now(source.find(kid("b")))).isEmpty();
    assertThat(now(source.find(kid(null)))).isEmpty();
    assertThat(fetches).hasSize(1);
  }

  @ParameterizedTest(name = "after {0} ms")
  @ValueSource(longs = {30_000, 30_001, 599_999})
  void an_unknown_kid_after_the_minimum_interval_fetches_once_and_waits_for_it(long millis) {
    JwksKeySource source = fetched(ONLY_A);
    clock.advance(Duration.ofMillis(millis));

    CompletableFuture<Optional<KeyVerifier>> b = source.find(kid("b")).toCompletableFuture();
    CompletableFuture<Optional<KeyVerifier>> storm = source.find(kid("made-up")).toCompletableFuture();
    assertThat(b).isNotDone();
    assertThat(fetches).hasSize(2);

    answer(1, A_AND_B);
    assertThat(b.join()).isPresent();
    assertThat(storm.join()).isEmpty();
    assertThat(now(source.find(kid("made-up-too")))).isEmpty();
    assertThat(now(source.find(kid("a")))).isPresent();
    assertThat(fetches).as("a storm of made-up kids costs one fetch per interval").hasSize(2);
  }

  @Test
  void the_minimum_interval_counts_from_when_the_last_fetch_started() {
    JwksKeySource source = source(Auth.jwt().jwksRefresh(REFRESH).jwksMinRefetch(MIN_REFETCH).jwksTimeout(Duration.ofSeconds(30)));
    CompletionStage<Optional<KeyVerifier>> first = source.find(kid("a"));
    clock.advance(Duration.ofSeconds(20)); // the fetch takes 20 s
    answer(0, ONLY_A);
    first.toCompletableFuture().join();

    clock.advance(Duration.ofMillis(9_999));
    assertThat(now(source.find(kid("b")))).isEmpty();
    clock.advance(Duration.ofMillis(1));
    source.find(kid("b"));
    assertThat(fetches).hasSize(2);
  }

  @Test
  void with_no_minimum_interval_every_unknown_kid_fetches_unless_one_is_in_flight() {
    JwksKeySource source = source(Auth.jwt().jwksMinRefetch(Duration.ZERO));
    CompletionStage<Optional<KeyVerifier>> first = source.find(kid("a"));
    answer(0, ONLY_A);
    first.toCompletableFuture().join();

    CompletableFuture<Optional<KeyVerifier>> b1 = source.find(kid("b")).toCompletableFuture();
    CompletableFuture<Optional<KeyVerifier>> b2 = source.find(kid("b")).toCompletableFuture();
    assertThat(fetches).hasSize(2);
    answer(1, ONLY_A);
    assertThat(b1.join()).isEmpty();
    assertThat(b2.join()).isEmpty();
    source.find(kid("b"));
    assertThat(fetches).hasSize(3);
  }

  @Test
  void while_the_endpoint_is_down_the_keys_at_hand_are_served() {
    JwksKeySource source = fetched(ONLY_A);
    clock.advance(REFRESH);

    assertThat(now(source.find(kid("a")))).isPresent();
    fetches.get(1).completeExceptionally(new ConnectException("refused"));
    assertThat(now(source.find(kid("a")))).isPresent();

    clock.advance(MIN_REFETCH);
    CompletableFuture<Optional<KeyVerifier>> b = source.find(kid("b")).toCompletableFuture();
    CompletableFuture<Optional<KeyVerifier>> a = source.find(kid("a")).toCompletableFuture();
    fetches.get(2).complete(StubTransport.json(503, "{}"));
    assertThat(b.join()).as("unknown, not unavailable: the keys at hand answered").isEmpty();
    assertThat(a.join()).isPresent();

    clock.advance(MIN_REFETCH);
    CompletableFuture<Optional<KeyVerifier>> again = source.find(kid("b")).toCompletableFuture();
    answer(3, A_AND_B);
    assertThat(again.join()).as("recovered").isPresent();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "500 | {}                                           | status 500",
      "404 | {}                                           | status 404",
      "201 | {}                                           | status 201",
      "204 | ''                                           | status 204",
      "200 | <html>                                       | ",
      "200 | {\"nokeys\":[]}                              | not a JWKS",
      "200 | {\"keys\":[]}                                | no usable signature key",
      "200 | {\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"}]} | no usable signature key"})
  void without_keys_at_hand_a_failed_fetch_fails_the_request(int status, String body, String problem) {
    JwksKeySource source = source();
    CompletableFuture<Optional<KeyVerifier>> a = source.find(kid("a")).toCompletableFuture();

    fetches.get(0).complete(StubTransport.json(status, body));

    assertThat(a).isCompletedExceptionally();
    assertThat(failure(a)).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("JWKS " + URL + ": ")
        .hasMessageContaining(problem == null ? "" : problem);
  }

  @Test
  void a_transport_failure_names_its_cause() {
    JwksKeySource source = source();
    CompletableFuture<Optional<KeyVerifier>> a = source.find(kid("a")).toCompletableFuture();

    fetches.get(0).completeExceptionally(new CompletionException(new ConnectException("refused")));

    assertThat(failure(a)).hasMessage("JWKS " + URL + ": java.net.ConnectException: refused");
  }

  @Test
  void a_body_over_a_mebibyte_is_not_a_jwks() {
    JwksKeySource source = source();
    CompletableFuture<Optional<KeyVerifier>> a = source.find(kid("a")).toCompletableFuture();

    fetches.get(0).complete(StubTransport.json(200, ONLY_A + " ".repeat((int) HttpFetch.MAX_BODY_BYTES)));

    assertThat(failure(a)).hasMessageStartingWith("JWKS " + URL + ": ");
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(1, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  @ParameterizedTest(name = "after {0} ms")
  @CsvSource({"0, false", "1, false", "29999, false", "30000, true", "30001, true"})
  void after_a_failed_first_fetch_requests_fail_at_once_until_the_minimum_interval(long millis, boolean fetchesAgain) {
    JwksKeySource source = source();
    CompletableFuture<Optional<KeyVerifier>> first = source.find(kid("a")).toCompletableFuture();
    fetches.get(0).completeExceptionally(new ConnectException("refused"));
    assertThat(first).isCompletedExceptionally();
    clock.advance(Duration.ofMillis(millis));

    CompletableFuture<Optional<KeyVerifier>> next = source.find(kid("a")).toCompletableFuture();

    if (fetchesAgain) {
      assertThat(fetches).hasSize(2);
      assertThat(next).isNotDone();
      answer(1, ONLY_A);
      assertThat(next.join()).isPresent();
    } else {
      assertThat(fetches).hasSize(1);
      assertThat(failure(next)).isInstanceOf(IllegalStateException.class).hasMessage("JWKS " + URL + " is unavailable");
    }
  }

  @Test
  void a_failed_first_fetch_is_retried_by_the_next_request_after_the_interval_even_for_known_kids_later() {
    JwksKeySource source = source();
    source.find(kid("a"));
    fetches.get(0).complete(StubTransport.json(500, "{}"));
    clock.advance(MIN_REFETCH);
    CompletableFuture<Optional<KeyVerifier>> second = source.find(kid("a")).toCompletableFuture();
    answer(1, ONLY_A);
    assertThat(second.join()).isPresent();

    // Working again: a failure later does not make requests fail fast, the keys are at hand.
    clock.advance(REFRESH);
    now(source.find(kid("a")));
    fetches.get(2).complete(StubTransport.json(500, "{}"));
    assertThat(now(source.find(kid("a")))).isPresent();
  }

  @Test
  void of_two_keys_with_one_kid_the_first_is_used() {
    Signer a2 = TestJwts.ec("a", JwtAlgorithm.ES384);
    JwksKeySource source = fetched(TestJwts.jwks(TestJwts.jwk(A, false), TestJwts.jwk(a2, true)));

    assertThat(now(source.find(kid("a"))).orElseThrow().key.algorithm()).isEqualTo(JwtAlgorithm.RS256);
  }

  @Test
  void a_key_without_kid_serves_tokens_without_kid() {
    JwksKeySource source = fetched(TestJwts.jwks(TestJwts.jwk(A.withKid(null), false)));

    assertThat(now(source.find(kid(null)))).isPresent();
    assertThat(now(source.find(kid("a")))).isEmpty();
  }
}
