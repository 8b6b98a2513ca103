package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.ratelimit.RateLimitStore.Decision;
import io.gatehouse.testing.Poll;
import io.lettuce.core.RedisCommandTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A dead, absent or stuck Redis fails requests within the timeout and never hangs them; the store recovers. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisOutageTest {
  private static final long SECOND = 1_000_000_000L;
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(2);
  private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(10);

  @BeforeAll
  static void warmUp() {
    // The first store in a JVM spends a second loading Lettuce and Netty classes; the timings
    // below are about I/O.
    RedisRateLimitStore.builder("redis://127.0.0.1:" + RedisServerProcess.freePort()).build().close();
  }

  /** Asserts that an acquire fails within {@link #FAILS_WITHIN}, and returns how long it took. */
  private static Duration assertFailsFast(RateLimitStore store, String key) {
    long start = System.nanoTime();
    CompletableFuture<Decision> stage = store.acquire(key, SECOND, 3 * SECOND, 1).toCompletableFuture();
    // A RedisException, or the I/O exception that broke the connection under a command in flight.
    assertThat(stage).failsWithin(FAILS_WITHIN).withThrowableOfType(ExecutionException.class);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Retries acquire until it answers, for at most {@link #RECOVERS_WITHIN}; returns the answer. */
  private static Decision awaitRecovery(RateLimitStore store, String key) throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERS_WITHIN.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        return store.acquire(key, SECOND, 3 * SECOND, 1).toCompletableFuture().get(FAILS_WITHIN.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        last = e.getCause();
        Thread.sleep(50);
      } catch (TimeoutException e) {
        throw new AssertionError("acquire hung for " + FAILS_WITHIN, e);
      }
    }
    throw new AssertionError("no answer within " + RECOVERS_WITHIN, last);
  }

  @Test
  void redis_killed_mid_test_fails_requests_fast_and_they_succeed_again_after_a_restart() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        RedisRateLimitStore store = RedisRateLimitStore.builder(redis.uri()).build()) {
      assertThat(awaitRecovery(store, "k").remaining()).isEqualTo(2);

      redis.kill();
      Duration slowest = Duration.ZERO;
      for (int i = 0; i < 5; i++) {
        Duration took = assertFailsFast(store, "k");
        slowest = took.compareTo(slowest) > 0 ? took : slowest;
      }
      // Lettuce sees the connection close and rejects commands at once; the timeout bounds the rest.
      assertThat(slowest).isLessThan(Duration.ofMillis(1_000));

      redis.startAgain();
      Decision after = awaitRecovery(store, "k");
      assertThat(after.allowed()).isTrue();
      assertThat(after.remaining()).as("a restarted, empty Redis").isEqualTo(2);
    }
  }

  @Test
  void redis_down_at_build_does_not_hang_build_and_requests_work_once_it_is_up() throws Exception {
    int port = RedisServerProcess.freePort();
    long start = System.nanoTime();
    try (RedisRateLimitStore store = RedisRateLimitStore.builder("redis://127.0.0.1:" + port).build();
        RedisServerProcess redis = RedisServerProcess.notStarted(port)) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      for (int i = 0; i < 3; i++) {
        assertFailsFast(store, "k");
      }
      redis.startAgain();
      assertThat(awaitRecovery(store, "k").allowed()).isTrue();
    }
  }

  @Test
  void a_redis_that_does_not_answer_fails_the_request_after_the_timeout() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        RedisRateLimitStore store = RedisRateLimitStore.builder(redis.uri()).timeout(Duration.ofMillis(100)).build()) {
      awaitRecovery(store, "k");
      redis.admin().clientPause(1_000); // Redis holds every client's commands: connected, but silent

      long start = System.nanoTime();
      CompletableFuture<Decision> stage = store.acquire("k", SECOND, 3 * SECOND, 1).toCompletableFuture();
      assertThat(stage).failsWithin(FAILS_WITHIN).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(RedisCommandTimeoutException.class);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isBetween(Duration.ofMillis(90), Duration.ofMillis(900));

      // Redis runs the timed-out commands once the pause ends, so they take their permits (of the
      // keys k and probe); an untouched key shows that the store answers again.
      awaitRecovery(store, "probe");
      assertThat(store.acquire("fresh", SECOND, 3 * SECOND, 1).toCompletableFuture().get(2, TimeUnit.SECONDS))
          .isEqualTo(new Decision(true, 2, SECOND, 0));
    }
  }

  @Test
  void a_server_that_accepts_connections_but_never_answers_hangs_neither_build_nor_requests() throws Exception {
    // Accepts and holds every connection, never answering: not even the connection handshake ends.
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = silent.getLocalPort();
    List<Socket> held = new CopyOnWriteArrayList<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          held.add(silent.accept());
        }
      } catch (IOException closed) {
        // the test is done with it
      }
    }, "silent-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    long start = System.nanoTime();
    try (RedisRateLimitStore store = RedisRateLimitStore.builder("redis://127.0.0.1:" + port).build();
        RedisServerProcess redis = RedisServerProcess.notStarted(port)) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      long until = System.nanoTime() + RedisLink.CONNECT_TIMEOUT.multipliedBy(2).plusMillis(500).toNanos();
      while (System.nanoTime() < until) {
        assertThat(assertFailsFast(store, "k")).isLessThan(Duration.ofMillis(900));
        Thread.sleep(100);
      }
      // A stuck attempt ends after RedisLink.CONNECT_TIMEOUT (at worst after the link's backstop, twice
      // that) and the next request starts another on a Lettuce thread; its connection is accepted on
      // the acceptor's thread, which may be after the loop above has ended.
      Poll.within(Duration.ofSeconds(5)).until(held::size, n -> n >= 2);
      assertThat(held).hasSizeGreaterThanOrEqualTo(2);

      silent.close();
      for (Socket socket : held) {
        socket.close();
      }
      redis.startAgain();
      assertThat(awaitRecovery(store, "k").allowed()).isTrue();
    } finally {
      silent.close();
      for (Socket socket : held) {
        socket.close();
      }
      acceptor.join(2_000);
    }
  }

  @Test
  void a_cluster_store_whose_seeds_are_down_builds_at_once_and_fails_fast() {
    long start = System.nanoTime();
    try (RedisRateLimitStore store = RedisRateLimitStore.cluster("redis://127.0.0.1:" + RedisServerProcess.freePort())
        .build()) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertFailsFast(store, "k");
      assertFailsFast(store, "k");
    }
  }

  @Test
  void a_closed_store_fails_requests_and_closes_once() {
    RedisRateLimitStore store = RedisRateLimitStore.builder("redis://127.0.0.1:" + RedisServerProcess.freePort()).build();
    long start = System.nanoTime();
    store.close();
    store.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThatThrownBy(() -> store.acquire("k", SECOND, SECOND, 1).toCompletableFuture().get(2, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }
}
