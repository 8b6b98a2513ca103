package io.gatehouse.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.UpstreamServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response cache in front of a real upstream over a real socket, on a manual clock: what is
 * stored and for how long, variants, revalidation, conditionals, stale answers, coalescing,
 * invalidation, and the attacks a shared cache invites.
 */
class ResponseCacheOverSocketsTest {
  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
  private static final String DATE = "Mon, 07 Dec 2026 12:00:00 GMT";

  private final ManualClock clock = ManualClock.of(T0);
  private final UpstreamServer upstream = UpstreamServer.start();
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private Gateway gateway;

  @AfterEach
  void close() {
    if (gateway != null) {
      gateway.close();
    }
    upstream.close();
  }

  private void gateway(ResponseCache cache) {
    gateway(cache, UnaryOperator.identity());
  }

  private void gateway(ResponseCache cache, UnaryOperator<io.gatehouse.route.RouteBuilder> more) {
    gateway = Gateway.builder().time(clock).accessLog(false).observer(records::add)
        .route("plain", r -> r.path("/plain/**").upstream(upstream.url()))
        .route("r", r -> more.apply(r.path("/**").cache(cache).upstream(upstream.url())))
        .build();
  }

  /** A whole answer: status, headers, body text. */
  record Answer(int status, HttpHeaders headers, String body) {
    String header(String name) {
      return headers.first(name).orElse(null);
    }
  }

  private Answer send(String method, String target, String... headers) throws Exception {
    Request.Builder b = Request.builder(method, target).header("Host", "shop.example.com");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    Response r = gateway.handle(b.build()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    byte[] body = r.body().bytes(1 << 24).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Answer(r.status(), r.headers(), new String(body, StandardCharsets.UTF_8));
  }

  private Answer get(String target, String... headers) throws Exception {
    return send("GET", target, headers);
  }

  private static Response answer(int status, String body, String... headers) {
    return Response.builder(status).headers(HttpHeaders.of(headers)).body(Body.of(body)).build();
  }

  /** Answers with a counter in the body, so that a repeated body shows a stored answer. */
  private AtomicInteger counting(int status, String... headers) {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(status, "v" + calls.incrementAndGet(), headers));
    return calls;
  }

  @ParameterizedTest(name = "[{index}] {0} {1} -> stored: {2}")
  @CsvSource(delimiter = ';', value = {
      "200; Cache-Control: max-age=60; true",
      "200; Cache-Control: s-maxage=60; true",
      "200; Cache-Control: public, max-age=60; true",
      "200; Expires: Mon, 07 Dec 2026 12:01:00 GMT|Date: " + DATE + "; true",
      "404; Cache-Control: max-age=60; true",
      "301; Cache-Control: max-age=60|Location: /elsewhere; true",
      "302; Cache-Control: max-age=60|Location: /elsewhere; true",
      "302; Location: /elsewhere; false",
      "200; Content-Type: text/plain; false",
      "200; Cache-Control: max-age=0; false",
      "200; Cache-Control: no-store, max-age=60; false",
      "200; Cache-Control: private, max-age=60; false",
      "200; Cache-Control: no-cache, max-age=60; false",
      "200; Cache-Control: max-age=60|Vary: *; false",
      "200; Cache-Control: max-age=60|Set-Cookie: session=abc; false",
      "200; Expires: 0; false",
      "200; Expires: Mon, 07 Dec 2026 11:00:00 GMT|Date: " + DATE + "; false",
      "500; Cache-Control: max-age=60; false",
      "503; Cache-Control: max-age=60; false",
      "201; Cache-Control: max-age=60; false",
  })
  void stores_exactly_what_rfc_9111_lets_a_shared_cache_store(int status, String headers, boolean stored)
      throws Exception {
    List<String> pairs = new ArrayList<>();
    for (String field : headers.split("\\|")) {
      String[] nv = field.split(": ", 2);
      pairs.add(nv[0]);
      pairs.add(nv[1]);
    }
    AtomicInteger calls = counting(status, pairs.toArray(new String[0]));
    gateway(ResponseCache.shared("c"));

    Answer first = get("/item");
    Answer second = get("/item");

    assertThat(first.status()).isEqualTo(status);
    assertThat(first.body()).isEqualTo("v1");
    assertThat(calls.get()).as("upstream calls").isEqualTo(stored ? 1 : 2);
    assertThat(second.body()).isEqualTo(stored ? "v1" : "v2");
    assertThat(first.header("Cache-Status")).startsWith("gatehouse; fwd=uri-miss; fwd-status=" + status);
    if (stored) {
      assertThat(second.header("Cache-Status")).startsWith("gatehouse; hit; ttl=");
      assertThat(second.header("Age")).isEqualTo("0");
    } else {
      assertThat(second.header("Cache-Status")).doesNotContain("hit");
    }
  }

  /** The JDK's HttpClient offers {@code Upgrade: h2c} on every plain-http request: that is no reason to skip the cache. */
  @ParameterizedTest(name = "Upgrade: {0}")
  @ValueSource(strings = {"h2c", "TLS/1.2", "foo"})
  void an_upgrade_offer_other_than_websocket_is_ignored_and_the_answer_comes_from_the_cache(String offer) throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));

    Answer first = get("/a", "Connection", "Upgrade, HTTP2-Settings", "Upgrade", offer, "HTTP2-Settings", "AAMAAABkAAQAAP__");
    Answer second = get("/a", "Connection", "Upgrade, HTTP2-Settings", "Upgrade", offer, "HTTP2-Settings", "AAMAAABkAAQAAP__");

    assertThat(first.header("Cache-Status")).isEqualTo("gatehouse; fwd=uri-miss; fwd-status=200; stored");
    assertThat(second.header("Cache-Status")).startsWith("gatehouse; hit");
    assertThat(second.body()).isEqualTo("v1");
    assertThat(calls.get()).isEqualTo(1);
  }

  /** A WebSocket offer on a route that does not take WebSockets goes past the cache, and says so. */
  @Test
  void a_websocket_offer_goes_past_the_cache_and_says_so() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));

    get("/a");
    Answer offered = get("/a", "Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
        "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

    assertThat(offered.header("Cache-Status")).isEqualTo("gatehouse; fwd=bypass; detail=upgrade");
    assertThat(offered.body()).isEqualTo("v2");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void a_stored_answer_ages_on_the_clock_and_expires_with_its_max_age() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));

    get("/a");
    clock.advance(Duration.ofSeconds(59));
    Answer aged = get("/a");
    clock.advance(Duration.ofSeconds(1));
    Answer expired = get("/a");

    assertThat(aged.body()).isEqualTo("v1");
    assertThat(aged.header("Age")).isEqualTo("59");
    assertThat(aged.header("Cache-Status")).isEqualTo("gatehouse; hit; ttl=1");
    assertThat(expired.body()).isEqualTo("v2");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void the_upstreams_age_counts_against_the_freshness() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60", "Age", "50");
    gateway(ResponseCache.shared("c"));

    get("/a");
    clock.advance(Duration.ofSeconds(5));
    Answer hit = get("/a");
    clock.advance(Duration.ofSeconds(5));
    get("/a");

    assertThat(hit.header("Age")).isEqualTo("55");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void s_maxage_wins_over_max_age_and_expires() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=5, s-maxage=100", "Date", DATE,
        "Expires", "Mon, 07 Dec 2026 12:00:10 GMT");
    gateway(ResponseCache.shared("c"));

    get("/a");
    clock.advance(Duration.ofSeconds(99));
    get("/a");

    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void a_default_ttl_stores_answers_without_caching_headers_for_that_long() throws Exception {
    AtomicInteger calls = counting(200, "Content-Type", "text/plain");
    gateway(ResponseCache.shared("c").defaultTtl(Duration.ofSeconds(30)));

    get("/a");
    clock.advance(Duration.ofSeconds(29));
    get("/a");
    clock.advance(Duration.ofSeconds(1));
    get("/a");

    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void vary_keeps_one_variant_per_value_of_the_fields_it_names() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, req.headers().first("Accept-Language").orElse("none") + calls.incrementAndGet(),
        "Cache-Control", "max-age=60", "Vary", "Accept-Language"));
    gateway(ResponseCache.shared("c"));

    Answer de = get("/a", "Accept-Language", "de");
    Answer fr = get("/a", "Accept-Language", "fr");
    Answer none = get("/a");
    Answer deAgain = get("/a", "Accept-Language", "de");
    Answer frAgain = get("/a", "Accept-Language", "fr");
    Answer noneAgain = get("/a");

    assertThat(List.of(de.body(), fr.body(), none.body())).containsExactly("de1", "fr2", "none3");
    assertThat(List.of(deAgain.body(), frAgain.body(), noneAgain.body())).containsExactly("de1", "fr2", "none3");
    assertThat(fr.header("Cache-Status")).startsWith("gatehouse; fwd=vary-miss");
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void a_stale_answer_is_revalidated_with_its_validators_and_a_304_refreshes_it() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> {
      calls.incrementAndGet();
      if (req.headers().first("If-None-Match").filter("\"v1\""::equals).isPresent()) {
        return answer(304, "", "ETag", "\"v1\"", "Cache-Control", "max-age=100", "X-Refreshed", "yes");
      }
      return answer(200, "body-v1", "ETag", "\"v1\"", "Cache-Control", "max-age=10",
          "Last-Modified", "Mon, 07 Dec 2026 11:00:00 GMT", "Content-Type", "text/plain");
    });
    gateway(ResponseCache.shared("c"));

    get("/a");
    clock.advance(Duration.ofSeconds(11));
    Answer revalidated = get("/a");
    clock.advance(Duration.ofSeconds(90));
    Answer fresh = get("/a");

    RecordedRequest conditional = upstream.received().get(1);
    assertThat(conditional.headers().first("If-None-Match")).hasValue("\"v1\"");
    assertThat(conditional.headers().first("If-Modified-Since")).hasValue("Mon, 07 Dec 2026 11:00:00 GMT");
    assertThat(revalidated.status()).isEqualTo(200);
    assertThat(revalidated.body()).isEqualTo("body-v1");
    assertThat(revalidated.header("Content-Type")).isEqualTo("text/plain");
    assertThat(revalidated.header("X-Refreshed")).isEqualTo("yes");
    assertThat(revalidated.header("Cache-Status")).isEqualTo("gatehouse; fwd=stale; fwd-status=304");
    assertThat(fresh.body()).isEqualTo("body-v1");
    assertThat(fresh.header("Cache-Status")).startsWith("gatehouse; hit");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void a_stale_answer_replaced_upstream_is_stored_anew() throws Exception {
    AtomicInteger calls = counting(200, "ETag", "\"same\"", "Cache-Control", "max-age=10");
    gateway(ResponseCache.shared("c"));

    get("/a");
    clock.advance(Duration.ofSeconds(11));
    Answer replaced = get("/a");
    Answer hit = get("/a");

    assertThat(replaced.body()).isEqualTo("v2");
    assertThat(hit.body()).isEqualTo("v2");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void a_clients_conditional_is_answered_from_the_cache_with_304() throws Exception {
    AtomicInteger calls = counting(200, "ETag", "W/\"v1\"", "Cache-Control", "max-age=60",
        "Last-Modified", "Mon, 07 Dec 2026 11:00:00 GMT");
    gateway(ResponseCache.shared("c"));

    Answer first = get("/a", "If-None-Match", "\"v1\"");
    Answer byTag = get("/a", "If-None-Match", "\"v0\", \"v1\"");
    Answer byDate = get("/a", "If-Modified-Since", DATE);
    Answer changed = get("/a", "If-None-Match", "\"v2\"");

    assertThat(first.status()).as("a miss is fetched whole, without the conditional, and sent whole").isEqualTo(200);
    assertThat(upstream.received().get(0).headers().contains("If-None-Match")).isFalse();
    assertThat(byTag.status()).isEqualTo(304);
    assertThat(byTag.body()).isEmpty();
    assertThat(byTag.header("ETag")).isEqualTo("W/\"v1\"");
    assertThat(byDate.status()).isEqualTo(304);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo("v1");
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void a_request_with_authorization_is_stored_only_when_the_response_allows_it() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));

    get("/a", "Authorization", "Bearer alice");
    Answer bob = get("/a", "Authorization", "Bearer bob");

    assertThat(bob.body()).isEqualTo("v2");
    assertThat(bob.header("Cache-Status")).contains("detail=authorization");

    upstream.respondWith(req -> answer(200, "shared" + calls.incrementAndGet(), "Cache-Control", "public, max-age=60"));
    get("/b", "Authorization", "Bearer alice");
    Answer shared = get("/b", "Authorization", "Bearer bob");
    assertThat(shared.body()).isEqualTo("shared3");
  }

  @Test
  void stale_while_revalidate_serves_the_stale_answer_at_once_and_refreshes_it_once_in_the_background()
      throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=1, stale-while-revalidate=60");
    gateway(ResponseCache.shared("c"));

    get("/a");
    clock.advance(Duration.ofSeconds(5));
    upstream.delay(Duration.ofMillis(300));
    long started = System.nanoTime();
    Answer stale = get("/a");
    Answer staleToo = get("/a");
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(stale.body()).isEqualTo("v1");
    assertThat(staleToo.body()).isEqualTo("v1");
    assertThat(stale.header("Cache-Status")).isEqualTo("gatehouse; hit; ttl=-4; detail=stale-while-revalidate");
    assertThat(tookMillis).as("the stale answers did not wait for the slow upstream").isLessThan(250);
    assertThat(upstream.awaitRequests(2, Duration.ofSeconds(5))).isTrue();
    assertThat(Poll.within(Duration.ofSeconds(5)).until(() -> sneaky("/a").body(), "v2"::equals)).isEqualTo("v2");
    assertThat(calls.get()).as("one background refresh").isEqualTo(2);
  }

  @Test
  void stale_if_error_serves_the_stale_answer_when_the_upstream_fails_or_is_down_within_the_window()
      throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=1, stale-if-error=60");
    gateway(ResponseCache.shared("c"));
    get("/a");
    clock.advance(Duration.ofSeconds(10));

    upstream.respondWith(req -> answer(503, "down", "Retry-After", "1"));
    Answer on503 = get("/a");
    upstream.refuse();
    Answer onRefused = get("/a");
    clock.advance(Duration.ofSeconds(60));
    Answer pastWindow = get("/a");

    assertThat(on503.status()).isEqualTo(200);
    assertThat(on503.body()).isEqualTo("v1");
    assertThat(on503.header("Cache-Status")).isEqualTo("gatehouse; fwd=stale; fwd-status=503; detail=stale-if-error");
    assertThat(onRefused.status()).isEqualTo(200);
    assertThat(onRefused.body()).isEqualTo("v1");
    assertThat(onRefused.header("Cache-Status")).startsWith("gatehouse; fwd=stale; fwd-status=502");
    assertThat(pastWindow.status()).isEqualTo(502);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void must_revalidate_is_never_served_stale_even_when_the_upstream_is_down() throws Exception {
    counting(200, "Cache-Control", "max-age=1, must-revalidate, stale-if-error=60");
    gateway(ResponseCache.shared("c"));
    get("/a");
    clock.advance(Duration.ofSeconds(10));
    upstream.refuse();

    assertThat(get("/a").status()).isEqualTo(502);
  }

  @Test
  void a_hundred_concurrent_misses_make_one_upstream_call() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    upstream.delay(Duration.ofMillis(300));
    gateway(ResponseCache.shared("c"));

    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(100);
    try {
      for (int i = 0; i < 100; i++) {
        answers.add(CompletableFuture.supplyAsync(() -> sneaky("/hot"), clients));
      }
      CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    } finally {
      clients.shutdownNow();
    }

    assertThat(calls.get()).isEqualTo(1);
    assertThat(answers).allSatisfy(a -> {
      assertThat(a.join().status()).isEqualTo(200);
      assertThat(a.join().body()).isEqualTo("v1");
    });
    assertThat(answers.stream().filter(a -> a.join().header("Cache-Status").contains("collapsed")).count())
        .isPositive();
  }

  @Test
  void waiters_go_upstream_themselves_when_the_first_answer_may_not_be_stored() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "no-store");
    upstream.delay(Duration.ofMillis(200));
    gateway(ResponseCache.shared("c"));

    ExecutorService clients = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Answer> a = CompletableFuture.supplyAsync(() -> sneaky("/x"), clients);
      CompletableFuture<Answer> b = CompletableFuture.supplyAsync(() -> sneaky("/x"), clients);

      assertThat(List.of(a.get(10, TimeUnit.SECONDS).body(), b.get(10, TimeUnit.SECONDS).body()))
          .containsExactlyInAnyOrder("v1", "v2");
    } finally {
      clients.shutdownNow();
    }
    assertThat(calls.get()).isEqualTo(2);
  }

  private Answer sneaky(String path) {
    try {
      return get(path);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void an_unsafe_method_invalidates_the_stored_get_of_its_uri_and_of_its_location() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> req.method().equals("GET")
        ? answer(200, req.path() + calls.incrementAndGet(), "Cache-Control", "max-age=600")
        : answer(201, "", "Location", "/orders/7", "Content-Location", "http://elsewhere.example.com/orders/8"));
    gateway(ResponseCache.shared("c"));
    get("/orders");
    get("/orders/7");
    get("/orders/8");

    Answer created = send("POST", "/orders");
    Answer list = get("/orders");
    Answer seven = get("/orders/7");
    Answer eight = get("/orders/8");

    assertThat(created.status()).isEqualTo(201);
    assertThat(list.body()).isEqualTo("/orders4");
    assertThat(seven.body()).isEqualTo("/orders/75");
    assertThat(eight.body()).as("another host's URI stays").isEqualTo("/orders/83");
  }

  @Test
  void a_failed_unsafe_method_invalidates_nothing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> req.method().equals("GET")
        ? answer(200, "g" + calls.incrementAndGet(), "Cache-Control", "max-age=600")
        : answer(409, "conflict"));
    gateway(ResponseCache.shared("c"));
    get("/orders");

    send("DELETE", "/orders");

    assertThat(get("/orders").body()).isEqualTo("g1");
  }

  @Test
  void head_is_served_from_the_stored_get() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60", "Content-Type", "text/plain");
    gateway(ResponseCache.shared("c"));
    get("/a");

    Answer head = send("HEAD", "/a");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Cache-Status")).startsWith("gatehouse; hit");
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void an_answer_over_the_entry_cap_streams_through_whole_and_is_not_stored() throws Exception {
    String big = "x".repeat(10_000);
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, big + calls.incrementAndGet(), "Cache-Control", "max-age=60"));
    gateway(ResponseCache.shared("c").maxEntryBytes(1024));

    Answer first = get("/big");
    Answer second = get("/big");

    assertThat(first.body()).isEqualTo(big + "1");
    assertThat(first.header("Cache-Status")).endsWith("detail=too-large");
    assertThat(second.body()).isEqualTo(big + "2");
  }

  @Test
  void memory_stays_bounded_under_many_distinct_keys_and_the_oldest_keys_go() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String kib = "k".repeat(1024);
    upstream.respondWith(req -> answer(200, kib + calls.incrementAndGet(), "Cache-Control", "max-age=600"));
    gateway(ResponseCache.shared("c").maxBytes(64 * 1024).maxEntryBytes(2048));

    for (int i = 0; i < 500; i++) {
      get("/k/" + i);
    }
    int before = calls.get();
    int refetched = 0;
    for (int i = 0; i < 500; i++) {
      get("/k/" + i);
    }
    refetched = calls.get() - before;

    assertThat(before).isEqualTo(500);
    assertThat(refetched).as("most keys were evicted: at most ~55 of 1.2 KiB fit in 64 KiB").isGreaterThan(400);
  }

  @Test
  void only_the_keyed_query_parameters_reach_the_upstream_so_no_unkeyed_one_can_shape_a_stored_answer()
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, req.rawQuery().orElse("") + "#" + calls.incrementAndGet(),
        "Cache-Control", "max-age=60"));
    gateway(ResponseCache.shared("c").keyQueryParameters("currency"));

    Answer first = get("/prices?currency=EUR&utm=evil");
    Answer second = get("/prices?utm=other&currency=EUR");
    Answer usd = get("/prices?currency=USD");

    assertThat(first.body()).isEqualTo("currency=EUR#1");
    assertThat(second.body()).isEqualTo("currency=EUR#1");
    assertThat(usd.body()).isEqualTo("currency=USD#2");
    assertThat(upstream.received()).extracting(RecordedRequest::rawQuery)
        .containsExactly(java.util.Optional.of("currency=EUR"), java.util.Optional.of("currency=USD"));
  }

  @Test
  void the_whole_query_is_in_the_key_by_default() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));

    get("/p?a=1&b=2");
    get("/p?b=2&a=1");
    get("/p?a=1&b=2");

    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void poisoning_with_a_forwarded_host_from_an_untrusted_client_cannot_reach_other_clients() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, "<a href=//" + req.headers().first("X-Forwarded-Host").orElse("?")
        + "/x>" + calls.incrementAndGet(), "Cache-Control", "max-age=60"));
    gateway(ResponseCache.shared("c"));

    Answer attacker = get("/page", "X-Forwarded-Host", "evil.example.net", "X-Forwarded-Proto", "http");
    Answer victim = get("/page");

    assertThat(attacker.body()).isEqualTo("<a href=//shop.example.com/x>1");
    assertThat(victim.body()).isEqualTo(attacker.body());
    assertThat(upstream.received().get(0).headers().first("X-Forwarded-Host")).hasValue("shop.example.com");
  }

  @Test
  void another_host_header_gets_entries_of_its_own() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, req.headers().first("Host").orElse("?") + calls.incrementAndGet(),
        "Cache-Control", "max-age=60"));
    gateway(ResponseCache.shared("c"));

    get("/page");
    Request evil = Request.builder("GET", "/page").header("Host", "evil.example.net").build();
    gateway.handle(evil).toCompletableFuture().get(10, TimeUnit.SECONDS).body().bytes(1 << 20)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    Answer victim = get("/page");

    assertThat(victim.body()).endsWith("1");
    assertThat(calls.get()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({"/account/..;/x.css", "/account;/x.css", "/account/%2e%2e%3b/x.css", "/account%2fx.css"})
  void cache_deception_spellings_are_refused_before_the_cache_and_the_upstream(String target) throws Exception {
    counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));

    assertThat(get(target).status()).isEqualTo(400);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void a_dot_segment_is_keyed_as_the_path_the_upstream_gets() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, req.path() + calls.incrementAndGet(), "Cache-Control", "max-age=60"));
    gateway(ResponseCache.shared("c"));

    Answer first = get("/account/../x.css");
    Answer plain = get("/x.css");

    assertThat(first.body()).isEqualTo("/x.css1");
    assertThat(plain.body()).isEqualTo("/x.css1");
  }

  @Test
  void routes_sharing_a_cache_by_name_keep_their_entries_apart() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    ResponseCache shared = ResponseCache.shared("shared");
    gateway = Gateway.builder().time(clock).accessLog(false)
        .route("a", r -> r.path("/a/**").cache(shared).upstream(upstream.url()))
        .route("b", r -> r.path("/b/**").cache(shared.keyWithoutQuery()).upstream(upstream.url()))
        .build();

    get("/a/x");
    get("/b/x?q=1");
    get("/b/x?q=2");
    get("/a/x");

    assertThat(calls.get()).isEqualTo(2);
    assertThat(gateway.chains().get("a")).contains("response cache 'shared' of route 'a'");
  }

  @Test
  void a_range_request_bypasses_the_cache() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c"));
    get("/a");

    Answer ranged = get("/a", "Range", "bytes=0-1");

    assertThat(ranged.header("Cache-Status")).isEqualTo("gatehouse; fwd=bypass; detail=range");
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void hop_by_hop_request_ids_and_framing_are_not_replayed() throws Exception {
    upstream.respondWith(req -> answer(200, "x", "Cache-Control", "max-age=60", "X-Request-Id", "upstream-id",
        "Cache-Status", "origin; hit"));
    gateway(ResponseCache.shared("c"));
    get("/a");

    Answer hit = get("/a");

    assertThat(hit.headers().all("X-Request-Id")).doesNotContain("upstream-id");
    assertThat(hit.header("Cache-Status")).isEqualTo("gatehouse; hit; ttl=60");
  }

  @Test
  void every_request_to_a_cached_route_records_what_the_cache_did_and_others_record_nothing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> {
      calls.incrementAndGet();
      if (req.headers().contains("If-None-Match")) {
        return answer(304, "", "ETag", "\"1\"", "Cache-Control", "max-age=10, stale-if-error=600");
      }
      return answer(200, "x", "ETag", "\"1\"", "Cache-Control", "max-age=10, stale-if-error=600");
    });
    gateway(ResponseCache.shared("c"));

    get("/a");
    get("/a");
    clock.advance(Duration.ofSeconds(11));
    get("/a");
    clock.advance(Duration.ofSeconds(11));
    upstream.refuse();
    get("/a");
    get("/a", "Range", "bytes=0-0");
    get("/plain/x");

    Poll.within(Duration.ofSeconds(5)).until(records::size, n -> n == 6);
    assertThat(records).extracting(RequestRecord::cache).containsExactly(
        java.util.Optional.of(CacheOutcome.MISS), java.util.Optional.of(CacheOutcome.HIT),
        java.util.Optional.of(CacheOutcome.REVALIDATED), java.util.Optional.of(CacheOutcome.STALE),
        java.util.Optional.of(CacheOutcome.BYPASS), java.util.Optional.empty());
  }

  @Test
  void purges_from_code_by_tag_url_prefix_route_and_all() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    upstream.respondWith(req -> answer(200, req.path() + "#" + calls.incrementAndGet(), "Cache-Control", "max-age=600",
        "Surrogate-Key", req.path().startsWith("/shoes/") ? "shoes  sku-" + req.path().substring(7) : "other"));
    gateway(ResponseCache.shared("c"));
    for (String path : List.of("/shoes/1", "/shoes/2", "/hats/1", "/hats/2?color=red", "/hats/3")) {
      get(path);
    }
    ResponseCachePurge purge = gateway.responseCache("c").orElseThrow();

    assertThat(purge.tag("sku-1").toCompletableFuture().get()).isEqualTo(1);
    assertThat(purge.tag("shoes").toCompletableFuture().get()).isEqualTo(1);
    assertThat(purge.url("/hats/2?color=red").toCompletableFuture().get()).isEqualTo(1);
    assertThat(purge.pathPrefix("/hats/").toCompletableFuture().get()).isEqualTo(2);
    get("/hats/1");
    assertThat(purge.route("plain").toCompletableFuture().get()).isZero();
    assertThat(purge.route("r").toCompletableFuture().get()).isEqualTo(1);
    get("/hats/1");
    assertThat(purge.all().toCompletableFuture().get()).isEqualTo(1);
    assertThat(gateway.responseCache("nope")).isEmpty();
    assertThat(calls.get()).isEqualTo(7);
  }

  @Test
  void surrogate_keys_are_kept_for_purging_but_never_sent_to_clients() throws Exception {
    counting(200, "Cache-Control", "max-age=60", "Surrogate-Key", "a b");
    gateway(ResponseCache.shared("c"));

    Answer miss = get("/a");
    Answer hit = get("/a");

    assertThat(miss.headers().contains("Surrogate-Key")).isFalse();
    assertThat(hit.headers().contains("Surrogate-Key")).isFalse();
    assertThat(gateway.responseCache("c").orElseThrow().tag("b").toCompletableFuture().get()).isEqualTo(1);
  }

  @Test
  void the_admin_endpoint_purges_with_its_token_and_checks_everything_else() throws Exception {
    String token = "admin-token-0123456789abcdef";
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=600", "Surrogate-Key", "t1");
    gateway(ResponseCache.shared("c"));
    get("/a");
    get("/b");
    io.gatehouse.adapter.AdminEndpoints admin = io.gatehouse.adapter.AdminEndpoints.builder(() -> gateway)
        .bearerToken(token).build();

    Response purged = adminCall(admin, "POST", "/cache/purge?cache=c&tag=t1", token);
    Response anonymous = adminCall(admin, "POST", "/cache/purge?cache=c&all=true", null);
    Response viaGet = adminCall(admin, "GET", "/cache/purge?cache=c&all=true", token);
    Response unknown = adminCall(admin, "POST", "/cache/purge?cache=nope&all=true", token);
    Response twoSelectors = adminCall(admin, "POST", "/cache/purge?cache=c&all=true&tag=x", token);
    Response noSelector = adminCall(admin, "POST", "/cache/purge?cache=c", token);
    Response badName = adminCall(admin, "POST", "/cache/purge?cache=a%20b&all=true", token);
    Response allFalse = adminCall(admin, "POST", "/cache/purge?cache=c&all=false", token);
    Response url = adminCall(admin, "POST", "/cache/purge?cache=c&url=%2Fa", token);

    assertThat(purged.status()).isEqualTo(200);
    assertThat(new String(purged.body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("{\"cache\":\"c\",\"purged\":2}");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(viaGet.status()).isEqualTo(405);
    assertThat(viaGet.headers().first("Allow")).hasValue("POST");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(List.of(twoSelectors.status(), noSelector.status(), badName.status(), allFalse.status()))
        .containsOnly(400);
    assertThat(url.status()).isEqualTo(200);
    get("/a");
    assertThat(calls.get()).isEqualTo(3);
  }

  private static Response adminCall(io.gatehouse.adapter.AdminEndpoints admin, String method, String target,
      String token) throws Exception {
    Request.Builder b = Request.builder(method, target);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return admin.handle(b.build(), Runnable::run).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_first_call_whose_body_is_never_read_holds_its_key_only_for_the_coalescing_wait() throws Exception {
    AtomicInteger calls = counting(200, "Cache-Control", "max-age=60");
    gateway(ResponseCache.shared("c").coalescingWait(Duration.ofSeconds(2)));
    Response unread = gateway.handle(Request.builder("GET", "/a").header("Host", "shop.example.com").build())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);

    clock.advance(Duration.ofSeconds(2));
    Answer next = get("/a");
    Answer hit = get("/a");

    assertThat(unread.status()).isEqualTo(200);
    assertThat(next.body()).isEqualTo("v2");
    assertThat(hit.body()).isEqualTo("v2");
    assertThat(calls.get()).isEqualTo(2);
  }
}
