package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestSpan;
import io.gatehouse.observe.Tracing;
import io.gatehouse.observe.UpstreamSpan;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.RecordedRequest;
import io.gatehouse.testing.UpstreamServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Failover over real sockets: three {@link UpstreamServer}s on 127.0.0.1 behind a gateway with
 * its own (httpclient5) transport, taken down and brought back while requests flow. Timings are
 * asserted only as generous bounds ("under 2 s" where the point is "quickly"); everything else
 * is polled with deadlines.
 */
class FailoverOverSocketsTest {
  /** The most any single answer may take before the test gives up on it. */
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(10);
  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    // Gateways were registered after their servers: close them first, so their connections end cleanly.
    Collections.reverse(closeables);
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void kill_one_target_mid_load_and_no_request_fails() throws Exception {
    UpstreamServer s1 = server();
    UpstreamServer s2 = server();
    UpstreamServer s3 = server();
    // Attempts counted through the tracing SPI: they are what the servers cannot see once s2 refuses connections.
    CountingTracing counted = new CountingTracing();
    Gateway gateway = closing(Gateway.builder()
        .tracing(counted)
        .route("all", r -> r.path("/**")
            .upstream(Upstream.of(s1.url(), s2.url(), s3.url())
                .healthCheck(fastChecks())
                .outlierDetection(OutlierDetection.consecutiveFailures(2).baseEjection(Duration.ofSeconds(5))))
            .retry(Retry.times(2))
            .timeout(Duration.ofSeconds(3)))
        .build());

    int loops = 4;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    Queue<String> notOk = new ConcurrentLinkedQueue<>();
    Map<String, LongAdder> answeredBy = new ConcurrentHashMap<>();
    long loadDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    ExecutorService load = Executors.newFixedThreadPool(loops);
    List<Future<?>> running = new ArrayList<>();
    try {
      for (int loop = 0; loop < loops; loop++) {
        int id = loop;
        running.add(load.submit(() -> {
          // Bounded by count and by time, so the loop ends even if the main thread's checks fail.
          for (int i = 0; i < 2_000 && !stop.get() && System.nanoTime() < loadDeadline; i++) {
            Answer a = send(gateway, Request.builder("GET", "/load/" + id + "/" + i).build());
            if (a.status() == 200) {
              answeredBy.computeIfAbsent(a.upstream(), k -> new LongAdder()).increment();
            } else {
              notOk.add("GET /load/" + id + "/" + i + ": " + a);
            }
            answered.incrementAndGet();
          }
          return null;
        }));
      }

      assertThat(await(Duration.ofSeconds(5), () -> answered.get() >= 150))
          .as("the first 150 answers before s2 is taken down").isTrue();
      s2.refuse();
      long refusedAt = System.nanoTime();
      boolean markedDown = await(Duration.ofSeconds(2), () -> status(gateway, s2).health() != TargetStatus.Health.HEALTHY);
      long downAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refusedAt);
      assertThat(markedDown).as("s2 UNHEALTHY or EJECTED within 2 s of refusing; now %s", status(gateway, s2)).isTrue();
      int attemptsToS2WhenDown = counted.attempts(s2);
      int answeredWhenDown = answered.get();

      assertThat(await(Duration.ofSeconds(5), () -> answered.get() >= answeredWhenDown + 300))
          .as("300 more answers after s2 was marked down (%d ms after refusing)", downAfterMillis).isTrue();
      stop.set(true);
      for (Future<?> f : running) {
        f.get(ANSWER_WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
      }

      assertThat(notOk).as("answers other than 200, of %d", answered.get()).isEmpty();
      assertThat(answeredBy.get(String.valueOf(s2.port())))
          .as("s2 served its share before it was taken down").isNotNull();
      assertThat(status(gateway, s2).health()).isNotEqualTo(TargetStatus.Health.HEALTHY);
      // A request may have leased s2 just before it was marked down and sent just after: one per loop at most.
      assertThat(counted.attempts(s2) - attemptsToS2WhenDown)
          .as("attempts to s2 after it was marked down (%d before)", attemptsToS2WhenDown)
          .isLessThanOrEqualTo(loops);
      // Every request ended 200, so each failed attempt was followed by a retry and nothing else was:
      // attempts = requests + failed attempts. Polled: the count of a failed attempt may land just after its retry's.
      int requests = answered.get();
      assertThat(await(Duration.ofSeconds(1), () -> counted.attempts() == requests + counted.failedAttempts()))
          .as("attempts %d = requests %d + failed attempts %d (to s2: %d)",
              counted.attempts(), requests, counted.failedAttempts(), counted.attempts(s2))
          .isTrue();
    } finally {
      stop.set(true);
      load.shutdown();
      assertThat(load.awaitTermination(ANSWER_WAIT.toMillis() * 2, TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  @Test
  void a_target_brought_back_receives_traffic_again() throws Exception {
    UpstreamServer s1 = server();
    UpstreamServer s2 = server();
    UpstreamServer s3 = server();
    Gateway gateway = closing(Gateway.builder()
        .route("all", r -> r.path("/**")
            .upstream(Upstream.of(s1.url(), s2.url(), s3.url())
                .healthCheck(fastChecks())
                .outlierDetection(OutlierDetection.consecutiveFailures(2).baseEjection(Duration.ofMillis(200))))
            .retry(Retry.times(2))
            .timeout(Duration.ofSeconds(3)))
        .build());
    for (int i = 0; i < 6; i++) {
      assertThat(send(gateway, get("/warm/" + i)).status()).isEqualTo(200);
    }

    s2.refuse();
    // Traffic while it is down, so that outlier detection may eject it as well as the health checks.
    for (int i = 0; i < 10; i++) {
      assertThat(send(gateway, get("/down/" + i)).status()).as("request %d while s2 refuses", i).isEqualTo(200);
    }
    assertThat(await(Duration.ofSeconds(2), () -> status(gateway, s2).health() != TargetStatus.Health.HEALTHY))
        .as("s2 marked down; now %s", status(gateway, s2)).isTrue();

    s2.resume();
    assertThat(await(Duration.ofSeconds(3), () -> status(gateway, s2).health() == TargetStatus.Health.HEALTHY))
        .as("s2 HEALTHY again after resume(); now %s", status(gateway, s2)).isTrue();
    int before = proxiedTo(s2);
    for (int i = 0; i < 30; i++) {
      assertThat(send(gateway, get("/back/" + i)).status()).as("request %d after s2 is back", i).isEqualTo(200);
    }
    // Round robin over three healthy targets gives it 10; a health check that flaps on a busy machine may cost a few.
    assertThat(proxiedTo(s2) - before).as("requests s2 received after it came back").isGreaterThanOrEqualTo(5);
  }

  @Test
  void all_targets_down_gives_503_quickly() throws Exception {
    UpstreamServer s1 = server();
    UpstreamServer s2 = server();
    UpstreamServer s3 = server();
    Gateway gateway = closing(Gateway.builder()
        .route("all", r -> r.path("/**")
            .upstream(Upstream.of(s1.url(), s2.url(), s3.url())
                .healthCheck(fastChecks())
                .outlierDetection(OutlierDetection.consecutiveFailures(2).baseEjection(Duration.ofSeconds(5))))
            .retry(Retry.times(2))
            .timeout(Duration.ofSeconds(3)))
        .build());
    assertThat(send(gateway, get("/before")).status()).isEqualTo(200);

    s1.refuse();
    s2.refuse();
    s3.refuse();
    assertThat(await(Duration.ofSeconds(2), () -> gateway.upstreams().get(0).available() == 0))
        .as("every target marked down; now %s", gateway.upstreams()).isTrue();

    Answer refused = send(gateway, get("/down"));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.contentType()).isEqualTo("application/problem+json");
    assertThat(refused.body()).contains("no available target");
    assertThat(refused.elapsed()).as("time to the 503").isLessThan(Duration.ofSeconds(1));

    s1.resume();
    assertThat(await(Duration.ofSeconds(3), () -> status(gateway, s1).health() == TargetStatus.Health.HEALTHY))
        .as("s1 HEALTHY again after resume(); now %s", status(gateway, s1)).isTrue();
    Answer back = send(gateway, get("/back"));
    assertThat(back.status()).isEqualTo(200);
    assertThat(back.upstream()).isEqualTo(String.valueOf(s1.port()));
  }

  @Test
  void a_slow_target_times_out_and_its_circuit_opens() throws Exception {
    UpstreamServer slow = server().delay(Duration.ofSeconds(3));
    UpstreamServer fast = server();
    // A second of timeout: the fast target answers well within it even on a stalled machine.
    Gateway gateway = closing(Gateway.builder()
        .route("all", r -> r.path("/**")
            .upstream(Upstream.of(slow.url(), fast.url())
                .circuitBreaker(CircuitBreaker.of().slidingWindow(4, 4).openFor(Duration.ofSeconds(30))))
            .responseTimeout(Duration.ofSeconds(1)))
        .build());

    List<Answer> untilOpen = new ArrayList<>();
    for (int i = 0; i < 20 && status(gateway, slow).circuit() != TargetStatus.Circuit.OPEN; i++) {
      untilOpen.add(send(gateway, get("/until-open/" + i)));
    }
    assertThat(status(gateway, slow).circuit()).as("slow's circuit after %s", untilOpen).isEqualTo(TargetStatus.Circuit.OPEN);
    assertThat(status(gateway, fast).circuit()).isEqualTo(TargetStatus.Circuit.CLOSED);
    assertThat(untilOpen).filteredOn(a -> a.status() == 504).as("timeouts before the circuit opened")
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(a -> assertThat(a.contentType()).isEqualTo("application/problem+json"));
    // The window of 4 calls, all timed out, is what opened it: slow got exactly those.
    assertThat(slow.awaitRequests(4, Duration.ofSeconds(2))).isTrue();
    int slowCalls = slow.requestCount();
    assertThat(slowCalls).isEqualTo(4);

    for (int i = 0; i < 10; i++) {
      Answer a = send(gateway, get("/open/" + i));
      assertThat(a.status()).as("request %d with slow's circuit open: %s", i, a).isEqualTo(200);
      assertThat(a.upstream()).isEqualTo(String.valueOf(fast.port()));
    }
    assertThat(slow.requestCount()).as("requests to slow while its circuit is open").isEqualTo(slowCalls);
  }

  @Test
  void a_response_timeout_under_a_second_is_not_rounded_up_to_a_whole_second() throws Exception {
    UpstreamServer slow = server().delay(Duration.ofSeconds(3));
    UpstreamServer fast = server();
    Gateway gateway = closing(Gateway.builder()
        .route("warm-up", r -> r.path("/fast/**").upstream(fast.url()))
        .route("slow", r -> r.path("/**").upstream(slow.url()).responseTimeout(Duration.ofMillis(100)))
        .build());
    assertThat(send(gateway, get("/fast/warm-up")).status()).isEqualTo(200);

    Answer a = send(gateway, get("/slow"));

    assertThat(a.status()).isEqualTo(504);
    // Nine times the timeout: room for a busy machine, not for the whole second it used to take.
    assertThat(a.elapsed()).as("time to the 504").isLessThan(Duration.ofMillis(900));
  }

  @Test
  void route_deadline_bounds_all_attempts() throws Exception {
    UpstreamServer slow1 = server().delay(Duration.ofSeconds(2));
    UpstreamServer slow2 = server().delay(Duration.ofSeconds(2));
    Gateway gateway = closing(Gateway.builder()
        .route("all", r -> r.path("/**")
            .upstream(Upstream.of(slow1.url(), slow2.url()))
            .timeout(Duration.ofMillis(500))
            .retry(Retry.times(3))
            .responseTimeout(Duration.ofSeconds(5)))
        .build());

    Answer a = send(gateway, get("/slow"));

    assertThat(a.status()).isEqualTo(504);
    assertThat(a.contentType()).isEqualTo("application/problem+json");
    // 500 ms of deadline; the bound only says "not 2 s per attempt times 4 attempts".
    assertThat(a.elapsed()).as("time to the 504").isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void a_post_with_a_small_body_is_retried_with_the_identical_body_and_a_streamed_one_never() throws Exception {
    UpstreamServer a = server();
    UpstreamServer b = server();
    Gateway gateway = closing(Gateway.builder()
        .route("all", r -> r.path("/**")
            .upstream(Upstream.of(a.url(), b.url()))
            .retry(Retry.times(2).idempotencyKey(IDEMPOTENCY_KEY)))
        .build());

    // (a) Both reset their next request, whichever of them gets the first attempt: two retries, then 200.
    byte[] payload = new byte[10 * 1024];
    new Random(42).nextBytes(payload);
    a.resetNext(1);
    b.resetNext(1);
    Answer retried = send(gateway, Request.builder("POST", "/orders")
        .header(IDEMPOTENCY_KEY, "order-1")
        .header("Content-Type", "application/octet-stream")
        .body(Body.of(payload))
        .build());
    assertThat(retried.status()).isEqualTo(200);
    List<RecordedRequest> attempts = posts(a, b);
    assertThat(attempts).as("the first attempt and its two retries").hasSize(3);
    assertThat(attempts).allSatisfy(seen -> {
      assertThat(seen.body()).as("body of %s", seen).isEqualTo(payload);
      assertThat(seen.headers().first(IDEMPOTENCY_KEY)).hasValue("order-1");
    });
    UpstreamServer answering = retried.upstream().equals(String.valueOf(a.port())) ? a : b;
    List<RecordedRequest> answeringPosts = posts(answering);
    assertThat(answeringPosts.get(answeringPosts.size() - 1).body()).as("the body that got the 200").isEqualTo(payload);

    // (b) A body of unknown length streams through once: the reset reaches the client, nothing is resent.
    a.healthy().resetCounts();
    b.healthy().resetCounts();
    a.resetNext(1);
    b.resetNext(1);
    List<byte[]> chunks = List.of(bytes("first,"), bytes("second,"), bytes("third"));
    Answer streamed = send(gateway, Request.builder("POST", "/orders")
        .header(IDEMPOTENCY_KEY, "order-2")
        .body(Body.ofPublisher(ChunkPublisher.of(chunks), -1))
        .build());
    assertThat(streamed.status()).as("%s", streamed).isEqualTo(502);
    List<RecordedRequest> streamedPosts = posts(a, b);
    assertThat(streamedPosts).as("POSTs of a streamed body").hasSize(1);
    assertThat(streamedPosts.get(0).bodyText()).isEqualTo("first,second,third");

    // (c) Without the idempotency key a POST is not retried, however small its body.
    a.healthy().resetCounts();
    b.healthy().resetCounts();
    a.failNext(1, 503);
    b.failNext(1, 503);
    Answer unkeyed = send(gateway, Request.builder("POST", "/orders").body(Body.of("small")).build());
    assertThat(unkeyed.status()).isEqualTo(503);
    assertThat(posts(a, b)).as("POSTs without an idempotency key").hasSize(1);
  }

  // --- helpers ---

  private UpstreamServer server() {
    return closing(UpstreamServer.start());
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private static HealthCheck fastChecks() {
    return HealthCheck.http("/health")
        .interval(Duration.ofMillis(100))
        .timeout(Duration.ofMillis(500))
        .unhealthyThreshold(1)
        .healthyThreshold(1);
  }

  private static Request get(String path) {
    return Request.builder("GET", path).build();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** What a client got: the head, the whole body (read, so that the connection is released), and how long the head took. */
  record Answer(int status, String upstream, String contentType, String body, Duration elapsed) {}

  static Answer send(Gateway gateway, Request request) throws Exception {
    long started = System.nanoTime();
    Response response = gateway.handle(request).toCompletableFuture().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    byte[] body = response.body().bytes(1 << 20).toCompletableFuture().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return new Answer(response.status(), response.headers().first("X-Upstream").orElse(""),
        response.headers().first("Content-Type").orElse(""), new String(body, StandardCharsets.UTF_8), elapsed);
  }

  /** Polls every 10 ms until the condition holds or the time is up; true if it held. */
  static boolean await(Duration timeout, BooleanSupplier condition) {
    return Poll.within(timeout).until(condition::getAsBoolean, Boolean::booleanValue);
  }

  private static TargetStatus status(Gateway gateway, UpstreamServer server) {
    return gateway.upstreams().stream()
        .flatMap(u -> u.targets().stream())
        .filter(t -> t.url().equals(server.url()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no target " + server.url() + " in " + gateway.upstreams()));
  }

  /** Requests the server received, health checks left out. */
  private static int proxiedTo(UpstreamServer server) {
    return (int) server.received().stream().filter(r -> !r.path().equals("/health")).count();
  }

  private static List<RecordedRequest> posts(UpstreamServer... servers) {
    List<RecordedRequest> posts = new ArrayList<>();
    for (UpstreamServer s : servers) {
      s.received().stream().filter(r -> r.method().equals("POST")).forEach(posts::add);
    }
    return posts;
  }

  /**
   * Counts the upstream attempts the gateway starts, per origin, and those that fail (no response,
   * or 5xx), as its tracing SPI reports them: a span per attempt, started just before the call and
   * ended when it has its response head or failed. Health checks make no span.
   */
  static final class CountingTracing implements Tracing {
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    @Override
    public RequestSpan start(Request request) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String traceId = String.format("%016x%016x", random.nextLong(), random.nextLong());
      return new RequestSpan() {
        @Override
        public String traceId() {
          return traceId;
        }

        @Override
        public void routed(String routeId, String pathPattern) {}

        @Override
        public UpstreamSpan upstream(String method, String url, int attempt) {
          URI target = URI.create(url);
          attempts.computeIfAbsent(target.getScheme() + "://" + target.getRawAuthority(), k -> new AtomicInteger())
              .incrementAndGet();
          total.incrementAndGet();
          return new UpstreamSpan() {
            @Override
            public void inject(BiConsumer<String, String> header) {}

            @Override
            public void end(int status, Optional<String> failure) {
              if (status == 0 || status >= 500) {
                failed.incrementAndGet();
              }
            }
          };
        }

        @Override
        public void inject(BiConsumer<String, String> header) {}

        @Override
        public void end(int status, Optional<Rejection> rejection) {}
      };
    }

    int attempts() {
      return total.get();
    }

    int attempts(UpstreamServer server) {
      AtomicInteger n = attempts.get(server.url());
      return n == null ? 0 : n.get();
    }

    int failedAttempts() {
      return failed.get();
    }
  }
}
