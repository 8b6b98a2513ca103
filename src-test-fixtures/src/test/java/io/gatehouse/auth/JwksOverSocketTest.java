package io.gatehouse.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.testing.JwksServer;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * JWKS fetching over a real socket: a gateway built the ordinary way (its own upstream client)
 * against a {@link JwksServer}. Time-based rules follow a {@link ManualClock}; the only real-time
 * waits are for the asynchronous fetches themselves, and each of them is bounded.
 */
class JwksOverSocketTest {
  private static final Duration REFRESH = Duration.ofMinutes(10);
  private static final Duration MIN_REFETCH = Duration.ofSeconds(30);
  private static final Duration JWKS_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration PAST_MIN_REFETCH = MIN_REFETCH.plusSeconds(1);
  private static final String UNKNOWN_KEY = "Bearer realm=\"gatehouse\", error=\"invalid_token\","
      + " error_description=\"the token's signature is invalid\"";
  private static final String CANNOT_FETCH = "the keys to verify the token cannot be fetched";

  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private final TestKey k1 = TestKeys.rsa("k1");
  private JwksServer server;
  private Gateway gateway;
  private int settles;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void the_first_request_fetches_the_keys_once_and_later_requests_reuse_them() throws Exception {
    server = JwksServer.start(k1);
    gateway(server.url());
    assertThat(server.fetches()).as("nothing is fetched before a request needs it").isZero();

    assertAccepted(send(token(k1)));
    assertThat(server.fetches()).isEqualTo(1);

    clock.advance(PAST_MIN_REFETCH);
    assertAccepted(send(token(k1)));
    assertAccepted(send(token(k1)));
    assertThat(server.fetches()).as("known keys younger than the refresh interval are not fetched again").isEqualTo(1);
  }

  @Test
  void a_rotated_key_is_picked_up_on_its_first_token_and_a_retired_key_is_refused_after_the_refresh() throws Exception {
    TestKey k2 = TestKeys.rsa("k2");
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));

    clock.advance(PAST_MIN_REFETCH);
    server.keys(k1, k2);
    assertAccepted(send(token(k2)));
    assertThat(server.fetches()).as("the unknown kid k2 costs exactly one fetch").isEqualTo(2);
    assertAccepted(send(token(k1)));
    assertAccepted(send(token(k2)));
    assertThat(server.fetches()).isEqualTo(2);

    server.keys(k2);
    clock.advance(REFRESH);
    assertAccepted(send(token(k2)));
    assertThat(server.awaitFetches(3, WAIT)).as("background refresh of %s", server).isTrue();
    awaitFetchSettled();

    Reply retired = send(token(k1));
    assertThat(retired.status()).as("%s", retired).isEqualTo(401);
    assertThat(retired.challenge()).as("%s", retired).contains(UNKNOWN_KEY);
    assertThat(retired.contentType()).as("%s", retired).contains("application/problem+json");
    assertAccepted(send(token(k2)));
    assertThat(server.fetches()).isEqualTo(3);
  }

  @Test
  void a_sequential_storm_of_made_up_kids_costs_one_fetch_per_min_refetch_interval() throws Exception {
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));
    clock.advance(PAST_MIN_REFETCH);

    for (int i = 0; i < 200; i++) {
      assertUnknownKey(send(madeUpKid(i)));
      clock.advance(Duration.ofMillis(100)); // 20 s in all: still within the interval
    }
    assertThat(server.fetches()).as("the first made-up kid fetched; the other 199 did not").isEqualTo(2);

    clock.advance(MIN_REFETCH);
    assertUnknownKey(send(madeUpKid(200)));
    assertThat(server.fetches()).as("a new interval allows exactly one more fetch").isEqualTo(3);
    assertUnknownKey(send(madeUpKid(201)));
    assertThat(server.fetches()).isEqualTo(3);
    assertAccepted(send(token(k1)));
  }

  @Test
  void a_concurrent_storm_of_made_up_kids_shares_one_fetch() throws Exception {
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));
    clock.advance(PAST_MIN_REFETCH);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      tokens.add(madeUpKid(i));
    }

    ExecutorService threads = Executors.newFixedThreadPool(8);
    List<Reply> replies = new ArrayList<>();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Callable<Reply>> tasks = new ArrayList<>();
      for (String token : tokens) {
        tasks.add(() -> {
          start.await(10, SECONDS);
          return send(token);
        });
      }
      List<Future<Reply>> futures = new ArrayList<>();
      for (Callable<Reply> task : tasks) {
        futures.add(threads.submit(task));
      }
      start.countDown();
      for (Future<Reply> future : futures) {
        replies.add(future.get(20, SECONDS));
      }
    } finally {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, SECONDS)).as("the storm's threads stop").isTrue();
    }

    assertThat(replies).hasSize(200).allSatisfy(JwksOverSocketTest::assertUnknownKey);
    assertThat(server.fetches()).as("200 made-up kids at once: one fetch, shared").isEqualTo(2);

    clock.advance(PAST_MIN_REFETCH);
    assertUnknownKey(send(madeUpKid(200)));
    assertThat(server.fetches()).isEqualTo(3);
  }

  @Test
  void when_the_endpoint_goes_down_the_last_keys_stay_in_use_until_it_recovers() throws Exception {
    TestKey k2 = TestKeys.rsa("k2");
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));

    server.failWith(503);
    clock.advance(REFRESH);
    assertAccepted(send(token(k1)));
    assertThat(server.awaitFetches(2, WAIT)).as("background refresh of %s", server).isTrue();
    awaitFetchSettled();
    assertAccepted(send(token(k1)));
    assertThat(server.fetches()).as("the failed refresh is not retried within the min refetch interval").isEqualTo(2);

    server.recover();
    server.keys(k1, k2);
    clock.advance(REFRESH);
    assertAccepted(send(token(k1)));
    assertThat(server.awaitFetches(3, WAIT)).as("refresh after recovery of %s", server).isTrue();
    awaitFetchSettled();
    assertAccepted(send(token(k2)));
    assertThat(server.fetches()).as("k2 came with the successful refresh: no fetch of its own").isEqualTo(3);
  }

  @Test
  void when_the_endpoint_is_down_from_the_start_requests_get_503_and_the_endpoint_is_not_hammered() throws Exception {
    server = JwksServer.start(k1);
    server.failWith(503);
    gateway(server.url());

    assertUnavailable(send(token(k1)));
    assertThat(server.fetches()).isEqualTo(1);

    clock.advance(MIN_REFETCH.minusSeconds(1));
    assertUnavailable(send(token(k1)));
    assertUnavailable(send(token(k1)));
    assertThat(server.fetches()).as("no second fetch within the min refetch interval").isEqualTo(1);

    server.recover();
    clock.advance(Duration.ofSeconds(2));
    assertAccepted(send(token(k1)));
    assertThat(server.fetches()).isEqualTo(2);
    assertAccepted(send(token(k1)));
    assertThat(server.fetches()).isEqualTo(2);
  }

  @Test
  void a_jwks_endpoint_that_refuses_connections_gets_503_without_waiting_for_the_timeout() throws Exception {
    JwksServer closed = JwksServer.start(k1);
    String url = closed.url();
    closed.close();
    // A fetch timeout longer than send()'s bounded wait: a 503 in time can only come from the refusal.
    gateway(url, Duration.ofSeconds(60));

    assertUnavailable(send(token(k1)));
    assertUnavailable(send(token(k1)));
    clock.advance(PAST_MIN_REFETCH);
    assertUnavailable(send(token(k1)));
  }

  @Test
  void a_jwks_without_usable_keys_is_a_failed_fetch_and_the_last_keys_stay_in_use() throws Exception {
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));

    server.keys(); // {"keys":[]}: "no usable signature key"
    clock.advance(REFRESH);
    assertAccepted(send(token(k1)));
    assertThat(server.awaitFetches(2, WAIT)).as("background refresh of %s", server).isTrue();
    awaitFetchSettled();

    assertAccepted(send(token(k1)));
    clock.advance(REFRESH);
    assertAccepted(send(token(k1)));
    assertThat(server.awaitFetches(3, WAIT)).as("the next refresh of %s", server).isTrue();
    awaitFetchSettled();
    assertAccepted(send(token(k1)));
  }

  @Test
  void an_hs256_token_signed_with_the_jwks_public_key_is_refused() throws Exception {
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));

    Reply forged = send(TestTokens.signedBy(k1).clock(clock).subject("x").mintHmacWithPublicKey());

    assertThat(forged.status()).as("%s", forged).isEqualTo(401);
    assertThat(forged.challenge()).as("%s", forged).contains("Bearer realm=\"gatehouse\", error=\"invalid_token\","
        + " error_description=\"the token's algorithm is not accepted\"");
  }

  @Test
  void an_unsigned_token_naming_a_jwks_key_is_refused() throws Exception {
    server = JwksServer.start(k1);
    gateway(server.url());
    assertAccepted(send(token(k1)));

    Reply unsigned = send(TestTokens.signedBy(k1).clock(clock).subject("x").mintUnsigned());

    assertThat(unsigned.status()).as("%s", unsigned).isEqualTo(401);
    assertThat(unsigned.challenge()).as("%s", unsigned).contains("Bearer realm=\"gatehouse\", error=\"invalid_token\","
        + " error_description=\"the token's algorithm is not accepted\"");
  }

  @Test
  void a_jwks_url_with_an_upper_case_scheme_is_fetched_and_never_hangs_a_request() throws Exception {
    server = JwksServer.start(k1);
    gateway("HTTP" + server.url().substring("http".length()));

    Reply first = send(token(k1));
    Reply second = send(token(k1));

    assertAccepted(first);
    assertAccepted(second);
    assertThat(server.fetches()).isEqualTo(1);
  }

  @Test
  void tokens_that_could_never_pass_cost_no_fetch_however_unknown_their_kid() throws Exception {
    server = JwksServer.start(k1);
    gateway = Gateway.builder().time(clock)
        .auth(Auth.jwt().jwks(server.url()).issuer("https://idp.example.com").jwksMinRefetch(MIN_REFETCH))
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok"))
        .build();
    String idp = "https://idp.example.com";
    List<String> hopeless = List.of(
        made("made-up-1").issuer("https://evil.example.com").mint(),
        made("made-up-2").mint(),                                                  // no iss at all
        made("made-up-3").issuer(idp).expiredFor(Duration.ofMinutes(5)).mint(),
        made("made-up-4").issuer(idp).claim("exp", "never").mint(),
        made("made-up-5").issuer(idp).claim("iss", List.of(idp)).mint(),
        TestTokens.signedBy(TestKeys.hmac("made-up-6")).clock(clock).subject("alice").issuer(idp).mint(), // no HMAC keys
        made("made-up-7").issuer(idp).mintUnsigned(),
        made("made-up-8").issuer(idp).mint().replace('.', '!'),
        "x".repeat(17_000));

    for (String token : hopeless) {
      clock.advance(PAST_MIN_REFETCH); // each would be allowed a fetch
      Reply reply = send(token);
      assertThat(reply.status()).as("%s", reply).isIn(401, 431);
    }
    assertThat(server.fetches()).as("no unverified token that fails the cheap checks reaches the JWKS").isZero();

    for (int i = 0; i < 20; i++) {
      assertUnknownKey(send(made("storm-" + i).issuer(idp).mint()));
    }
    assertThat(server.fetches()).as("the right issuer: the first fetch, then none within the interval").isEqualTo(1);
  }

  private TestTokens.Builder made(String kid) {
    return TestTokens.signedBy(k1).clock(clock).subject("alice").kid(kid);
  }

  private void gateway(String jwksUrl) {
    gateway(jwksUrl, JWKS_TIMEOUT);
  }

  private void gateway(String jwksUrl, Duration jwksTimeout) {
    gateway = Gateway.builder().time(clock)
        .auth(Auth.jwt().jwks(jwksUrl).jwksRefresh(REFRESH).jwksMinRefetch(MIN_REFETCH).jwksTimeout(jwksTimeout))
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok"))
        .build();
  }

  private String token(TestKey key) {
    return TestTokens.signedBy(key).clock(clock).subject("alice").mint();
  }

  private String madeUpKid(int i) {
    return TestTokens.signedBy(k1).clock(clock).subject("alice").kid("made-up-" + i).mint();
  }

  /**
   * Returns once the fetch started last has finished. Call it without moving the clock since that
   * fetch started: a token of an unknown kid then joins the fetch in flight, or, if it is over, is
   * refused without a fetch of its own, since one started within the min refetch interval.
   */
  private void awaitFetchSettled() throws Exception {
    int before = server.fetches();
    Reply reply = send(TestTokens.signedBy(k1).clock(clock).subject("alice").kid("settle-" + settles++).mint());
    assertUnknownKey(reply);
    assertThat(server.fetches()).as("waiting for a fetch must not fetch").isEqualTo(before);
  }

  private Reply send(String token) throws Exception {
    Request request = Request.builder("GET", "/x").headers(HttpHeaders.of("Authorization", "Bearer " + token)).build();
    Response response = gateway.handle(request).toCompletableFuture().get(WAIT.toSeconds(), SECONDS);
    byte[] body = response.body().bytes(65536).toCompletableFuture().get(WAIT.toSeconds(), SECONDS);
    return new Reply(response.status(), response.headers().first("WWW-Authenticate"),
        response.headers().first("Content-Type"), new String(body, UTF_8));
  }

  private static void assertAccepted(Reply reply) {
    assertThat(reply.status()).as("%s", reply).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("ok");
  }

  private static void assertUnknownKey(Reply reply) {
    assertThat(reply.status()).as("%s", reply).isEqualTo(401);
    assertThat(reply.challenge()).as("%s", reply).contains(UNKNOWN_KEY);
  }

  private static void assertUnavailable(Reply reply) {
    assertThat(reply.status()).as("%s", reply).isEqualTo(503);
    assertThat(reply.contentType()).as("%s", reply).contains("application/problem+json");
    assertThat(reply.body()).as("%s", reply).contains(CANNOT_FETCH);
  }

  /** A response read whole, so a failed assertion shows all of it. */
  private record Reply(int status, Optional<String> challenge, Optional<String> contentType, String body) {}
}
