package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.TransportCalls.await;
import static io.gatehouse.testing.transport.TransportCalls.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import io.gatehouse.upstream.ConnectionPool;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The transport's timer holds an acquire deadline only for a call that waits for a pooled
 * connection: a call that gets one at once schedules nothing, so the timer thread is not woken
 * per call; and calls with other timeouts between them do not change a call's own. Real sockets on
 * 127.0.0.1.
 */
class DeadlineTimerTest {

  /** Serves keep-alive; a request for {@code /hold} is answered once {@code release} opens. */
  private static RawUpstream holding(CountDownLatch release) throws Exception {
    return RawUpstream.start(c -> {
      for (String head = c.readHead(); head != null; head = c.readHead()) {
        if (head.startsWith("GET /hold ")) {
          release.await(10, TimeUnit.SECONDS);
        }
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    });
  }

  @Test
  void a_call_on_a_pooled_connection_leaves_no_task_on_the_timer() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
        RawUpstream upstream = holding(release)) {
      assertThat(body(await(transport.send(TransportCalls.get(upstream.origin(), "/first"))))).isEqualTo("ok".getBytes(StandardCharsets.US_ASCII));
      int idle = transport.timerTasks();

      CompletionStage<Response> held = transport.send(TransportCalls.get(upstream.origin(), "/hold"));
      upstream.nextHead();
      upstream.nextHead();
      assertThat(transport.timerTasks()).as("in flight on the pooled connection").isEqualTo(idle);

      release.countDown();
      assertThat(await(held).status()).isEqualTo(200);
      assertThat(upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void a_call_that_waits_for_a_pooled_connection_has_its_acquire_deadline_until_it_gets_one() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (HttpClientTransport transport = HttpClientTransport.create(
            TransportSettings.of(ConnectionPool.defaults().maxPerOrigin(1).acquireTimeout(Duration.ofSeconds(10))).withIoThreads(1));
        RawUpstream upstream = holding(release)) {
      assertThat(await(transport.send(TransportCalls.get(upstream.origin(), "/first"))).status()).isEqualTo(200);
      int idle = transport.timerTasks();

      CompletionStage<Response> held = transport.send(TransportCalls.get(upstream.origin(), "/hold"));
      upstream.nextHead();
      upstream.nextHead();
      CompletionStage<Response> waiting = transport.send(TransportCalls.get(upstream.origin(), "/next"));
      assertThat(transport.timerTasks()).as("the waiting call's acquire deadline").isEqualTo(idle + 1);

      release.countDown();
      assertThat(await(held).status()).isEqualTo(200);
      assertThat(await(waiting).status()).isEqualTo(200);
      assertThat(transport.timerTasks()).as("cancelled once leased, and taken off the queue").isEqualTo(idle);
    }
  }

  /** A timer that counts what it is given. */
  private static final class CountingTimer extends ScheduledThreadPoolExecutor {
    final AtomicInteger scheduled = new AtomicInteger();

    CountingTimer() {
      super(1);
      setRemoveOnCancelPolicy(true);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      scheduled.incrementAndGet();
      return super.schedule(command, delay, unit);
    }
  }

  @Test
  void an_exchange_leased_before_its_deadline_would_start_schedules_none_and_one_leased_later_does() {
    CountingTimer timer = new CountingTimer();
    try {
      UpstreamExchange atOnce = new UpstreamExchange(TransportCalls.get(URI.create("http://127.0.0.1:1"), "/"), Duration.ofSeconds(1), false, timer);
      atOnce.leased(true);
      atOnce.startAcquireDeadline();
      assertThat(timer.scheduled).as("a reused connection, leased on the calling thread").hasValue(0);

      UpstreamExchange waiting = new UpstreamExchange(TransportCalls.get(URI.create("http://127.0.0.1:1"), "/"), Duration.ofSeconds(1), false, timer);
      waiting.startAcquireDeadline();
      assertThat(timer.scheduled).hasValue(1);
      assertThat(timer.getQueue()).hasSize(1);
      waiting.leased(true);
      assertThat(timer.getQueue()).as("cancelled once leased").isEmpty();

      UpstreamExchange opening = new UpstreamExchange(TransportCalls.get(URI.create("http://127.0.0.1:1"), "/"), Duration.ofSeconds(1), false, timer);
      opening.leased(false);
      assertThat(timer.scheduled).as("a new connection's connect deadline, whenever the lease came").hasValue(2);
      opening.startAcquireDeadline();
      assertThat(timer.scheduled).as("no acquire deadline once leased").hasValue(2);
      opening.dispatched();
      assertThat(timer.getQueue()).isEmpty();
    } finally {
      timer.shutdownNow();
    }
  }

  /** Serves keep-alive; a request for {@code /slow} is answered after 600 ms. */
  private static RawUpstream slowOnSlowPath() throws Exception {
    return RawUpstream.start(c -> {
      for (String head = c.readHead(); head != null; head = c.readHead()) {
        if (head.startsWith("GET /slow ")) {
          Thread.sleep(600);
        }
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    });
  }

  @Test
  void each_call_keeps_its_own_response_timeout_when_calls_with_other_timeouts_come_between() throws Exception {
    try (HttpClientTransport transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
        RawUpstream upstream = slowOnSlowPath()) {
      UpstreamCall patient = new UpstreamCall(upstream.origin(), Request.builder("GET", "/slow").build(),
          Duration.ofSeconds(2), Duration.ofSeconds(5));
      UpstreamCall hasty = new UpstreamCall(upstream.origin(), Request.builder("GET", "/slow").build(),
          Duration.ofSeconds(2), Duration.ofMillis(200));
      for (int round = 0; round < 2; round++) {
        assertThat(await(transport.send(patient)).status()).as("round %d, 5 s", round).isEqualTo(200);
        TransportCalls.assertKind(TransportCalls.failure(transport.send(hasty)), UpstreamException.Kind.RESPONSE_TIMEOUT);
      }
    }
  }
}
