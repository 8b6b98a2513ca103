package io.gatehouse.impl.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.TimeSource;
import io.gatehouse.http.Response;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.impl.upstream.HttpClientTransport;
import io.gatehouse.impl.upstream.TransportSettings;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.HealthCheck;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.Upstream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health checks over real sockets on 127.0.0.1, through the gateway's own transport; the rounds
 * on a manual clock, which {@link #await} moves one interval per poll, so a test can also hold
 * time still and count rounds exactly.
 */
class HealthCheckerTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final HealthCheck CHECK = HealthCheck.http("/health")
      .interval(INTERVAL).timeout(Duration.ofMillis(200)).unhealthyThreshold(2).healthyThreshold(2);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private HttpClientTransport transport;
  private final MutableClock clock = new MutableClock();
  private final TimeSource.Scheduler scheduler = clock.newScheduler("health-test-timer");

  @BeforeEach
  void start() {
    transport = HttpClientTransport.create(TransportSettings.defaults());
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    scheduler.close();
    transport.close();
  }

  @Test
  void a_target_answering_503_becomes_unhealthy_while_the_other_stays_healthy() {
    Server sick = server();
    Server fine = server();
    sick.status.set(503);
    TargetPool pool = pool(sick.url(), fine.url());

    checker(pool).start();

    await(() -> !target(pool, sick.url()).healthy());
    assertThat(health(pool, sick.url())).isEqualTo(TargetStatus.Health.UNHEALTHY);
    assertThat(sick.requests).hasSizeGreaterThanOrEqualTo(2);
    await(() -> fine.requests.size() >= 3);
    assertThat(target(pool, fine.url()).healthy()).isTrue();
    assertThat(health(pool, fine.url())).isEqualTo(TargetStatus.Health.HEALTHY);
  }

  @Test
  void an_unhealthy_target_comes_back_after_two_passed_checks() {
    Server flaky = server();
    Server fine = server();
    flaky.status.set(503);
    TargetPool pool = pool(flaky.url(), fine.url());
    checker(pool).start();
    await(() -> !target(pool, flaky.url()).healthy());

    flaky.status.set(200);

    await(() -> target(pool, flaky.url()).healthy());
    // Counted by the status each check was answered with, not by what arrived after set(200): a check
    // that arrived just before may still be answered 200 and be one of the two passes.
    assertThat(flaky.requests).filteredOn(seen -> seen.status() == 200).as("checks answered 200")
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(health(pool, flaky.url())).isEqualTo(TargetStatus.Health.HEALTHY);
  }

  @Test
  void a_target_that_refuses_connections_becomes_unhealthy() throws IOException {
    String refused = "http://127.0.0.1:" + closedPort();
    Server fine = server();
    TargetPool pool = pool(refused, fine.url());

    checker(pool).start();

    await(() -> !target(pool, refused).healthy());
    assertThat(health(pool, refused)).isEqualTo(TargetStatus.Health.UNHEALTHY);
    assertThat(target(pool, fine.url()).healthy()).isTrue();
  }

  @Test
  void a_target_that_never_answers_becomes_unhealthy_after_two_timeouts() {
    Server silent = server();
    silent.hang = true;
    Server fine = server();
    TargetPool pool = pool(silent.url(), fine.url());
    // The timeouts on real time, as the transport's: what is under test is a real silent server.
    TimeSource.Scheduler realTime = TimeSource.system().newScheduler("health-test-real-timer");
    cleanup.add(realTime);
    HealthChecker checker = new HealthChecker(pool, CHECK, transport, realTime);
    cleanup.add(checker);

    long started = System.nanoTime();
    checker.start();

    await(() -> !target(pool, silent.url()).healthy());
    // Two checks, each cut at the 200 ms timeout, with an interval between them.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    assertThat(health(pool, silent.url())).isEqualTo(TargetStatus.Health.UNHEALTHY);
    assertThat(target(pool, fine.url()).healthy()).isTrue();
  }

  @Test
  void a_target_whose_check_is_in_flight_gets_no_second_check() throws InterruptedException {
    Server silent = server();
    silent.hang = true;
    TargetPool pool = pool(silent.url());
    // A timeout far beyond the rounds watched below, so that however late this thread wakes up,
    // they all run while the first check is still in flight.
    HealthCheck longTimeout = CHECK.timeout(Duration.ofSeconds(10));

    CountingTransport counting = new CountingTransport(transport);
    checker(pool, longTimeout, counting).start();
    await(() -> silent.requests.size() >= 1);
    for (int round = 0; round < 4; round++) {
      clock.advance(INTERVAL); // each round runs on this thread, within the first check's timeout
    }

    assertThat(counting.sent()).as("checks sent").isEqualTo(1);
    assertThat(silent.requests).hasSize(1);
  }

  @Test
  void the_check_goes_to_the_targets_base_path_with_the_health_check_user_agent() {
    Server server = server();
    TargetPool pool = pool(server.url() + "/base");

    checker(pool).start();

    await(() -> !server.requests.isEmpty());
    Seen first = server.requests.peek();
    assertThat(first.method()).isEqualTo("GET");
    assertThat(first.path()).isEqualTo("/base/health");
    assertThat(first.userAgent()).isEqualTo("gatehouse-health-check");
  }

  @Test
  void close_stops_the_checks() {
    Server server = server();
    TargetPool pool = pool(server.url());
    CountingTransport counting = new CountingTransport(transport);
    HealthChecker checker = checker(pool, CHECK, counting);
    checker.start();
    await(() -> server.requests.size() >= 2);

    checker.close(); // rounds run on this thread, in advance(): none is running now
    int sentByClose = counting.sent();
    clock.advance(INTERVAL.multipliedBy(3)); // three rounds' time, in which a checker still running would send

    assertThat(counting.sent()).as("checks sent after close()").isEqualTo(sentByClose);
    // A check sent before close() may reach the server later (its bytes may be on the way), however
    // long after: so the server is held to what was sent, not to what it had seen at some moment.
    assertThat(server.requests).as("requests the server saw, of %d checks sent", sentByClose)
        .hasSizeLessThanOrEqualTo(sentByClose);
    checker.close(); // idempotent
  }

  @Test
  void checks_read_the_target_list_at_each_round() {
    Server first = server();
    Server second = server();
    second.status.set(503);
    TargetPool pool = pool(first.url());
    checker(pool).start();
    await(() -> !first.requests.isEmpty());

    pool.update(List.of(Target.of(first.url()), Target.of(second.url())));

    await(() -> pool.targets().size() == 2 && !target(pool, second.url()).healthy());
  }

  private HealthChecker checker(TargetPool pool) {
    return checker(pool, CHECK, transport);
  }

  private HealthChecker checker(TargetPool pool, HealthCheck check, UpstreamTransport via) {
    HealthChecker checker = new HealthChecker(pool, check, via, scheduler);
    cleanup.add(checker);
    return checker;
  }

  private static TargetPool pool(String... urls) {
    return TargetPool.of("orders", Upstream.of(urls).healthCheck(CHECK), TimeSource.system(), Observers.NONE);
  }

  private static LiveTarget target(TargetPool pool, String url) {
    return pool.targets().stream().filter(t -> t.target().url().equals(url)).findFirst()
        .orElseThrow(() -> new AssertionError("no target " + url + " in " + pool.targets()));
  }

  private static TargetStatus.Health health(TargetPool pool, String url) {
    return pool.status().targets().stream().filter(t -> t.url().equals(url)).findFirst().orElseThrow().health();
  }

  /**
   * A port that refuses connections until the test ends: bound by a socket that never listens and
   * does not share its address, so no other server can take it meanwhile.
   */
  private int closedPort() throws IOException {
    Socket bound = new Socket();
    cleanup.add(bound);
    bound.setReuseAddress(false);
    bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return bound.getLocalPort();
  }

  /** Polls the condition for up to 3 s of real time, letting one interval of the clock pass per poll. */
  private void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within 3 s");
      }
      clock.advance(INTERVAL);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }

  private Server server() {
    try {
      Server server = new Server();
      cleanup.add(server);
      return server;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A request the server received, and the status it answered with (if it answered). */
  private record Seen(String method, String path, String userAgent, int status) {}

  /** The gateway's transport, counting the calls sent through it. */
  private static final class CountingTransport implements UpstreamTransport {
    private final UpstreamTransport delegate;
    private final AtomicInteger sent = new AtomicInteger();

    CountingTransport(UpstreamTransport delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<Response> send(UpstreamCall call) {
      sent.incrementAndGet();
      return delegate.send(call);
    }

    int sent() {
      return sent.get();
    }
  }

  /** An upstream on 127.0.0.1 that records each request and answers with a status that a test switches, or never. */
  private static final class Server implements AutoCloseable {
    final AtomicInteger status = new AtomicInteger(200);
    final Queue<Seen> requests = new ConcurrentLinkedQueue<>();
    volatile boolean hang;
    private final CountDownLatch released = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpServer http;

    Server() throws IOException {
      http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      http.setExecutor(threads);
      http.createContext("/", exchange -> {
        // The status is read before the request is recorded, so a record shows the answer it got.
        int answer = status.get();
        requests.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
            exchange.getRequestHeaders().getFirst("User-Agent"), answer));
        if (hang) {
          try {
            released.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        byte[] body = "ok".getBytes();
        exchange.sendResponseHeaders(answer, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      http.start();
    }

    String url() {
      return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Override
    public void close() {
      released.countDown();
      http.stop(0);
      threads.shutdownNow();
    }
  }
}
