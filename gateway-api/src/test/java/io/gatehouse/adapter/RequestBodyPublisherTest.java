package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestBodyPublisherTest {

  /** An input fed by the test: what has "arrived" is read in pieces; it records every call. */
  static final class FakeInput implements RequestBodyPublisher.Input {
    final Deque<byte[]> arrived = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();
    boolean ended;
    IOException failReads;
    IOException failedWith;

    void arrive(String text) {
      arrived.add(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
      calls.add("read");
      if (failReads != null) {
        throw failReads;
      }
      byte[] next = arrived.poll();
      if (next == null) {
        return ended ? -1 : 0;
      }
      into.put(next);
      return next.length;
    }

    @Override
    public void pause() {
      calls.add("pause");
    }

    @Override
    public void stop() {
      calls.add("stop");
    }

    @Override
    public void failed(IOException cause) {
      calls.add("failed");
      failedWith = cause;
    }

    @Override
    public void completed() {
      calls.add("completed");
    }

    long count(String call) {
      return calls.stream().filter(call::equals).count();
    }
  }

  /** A subscriber that records its signals and asks only when the test says. */
  static class Recorder implements Flow.Subscriber<ByteBuffer> {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<String> signals = new ArrayList<>();
    Flow.Subscription subscription;
    Throwable error;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      signals.add("subscribe");
    }

    @Override
    public void onNext(ByteBuffer item) {
      signals.add("next");
      byte[] b = new byte[item.remaining()];
      item.get(b);
      bytes.writeBytes(b);
    }

    @Override
    public void onError(Throwable t) {
      signals.add("error");
      error = t;
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }

    String text() {
      return bytes.toString(StandardCharsets.US_ASCII);
    }
  }

  private final ManualExecutor io = new ManualExecutor();
  private final FakeInput input = new FakeInput();
  private final Recorder subscriber = new Recorder();

  private RequestBodyPublisher subscribed(long length) {
    RequestBodyPublisher body = RequestBodyPublisher.of(input, length, io);
    body.subscribe(subscriber);
    io.runAll();
    return body;
  }

  private void request(long n) {
    subscriber.subscription.request(n);
    io.runAll();
  }

  @Test
  void reads_only_as_many_buffers_as_are_asked_for_and_pauses_the_input_in_between() {
    subscribed(-1);
    input.arrive("ab");
    input.arrive("cd");
    input.arrive("ef");
    assertThat(input.calls).as("nothing read before the first demand").isEmpty();

    request(2);
    assertThat(subscriber.text()).isEqualTo("abcd");
    assertThat(input.calls).containsExactly("read", "read", "pause");
    assertThat(input.arrived).hasSize(1);

    request(1);
    assertThat(subscriber.text()).isEqualTo("abcdef");
  }

  @Test
  void waits_for_the_server_when_nothing_has_arrived_and_goes_on_at_readable() {
    RequestBodyPublisher body = subscribed(-1);
    request(5);
    assertThat(subscriber.signals).containsExactly("subscribe");

    input.arrive("late");
    body.readable();
    assertThat(subscriber.text()).isEqualTo("late");

    input.ended = true;
    body.readable();
    assertThat(subscriber.signals).containsExactly("subscribe", "next", "complete");
    assertThat(input.calls).endsWith("stop", "completed");
  }

  @Test
  void every_buffer_is_a_fresh_heap_buffer_of_at_most_16_KiB() {
    List<ByteBuffer> seen = new ArrayList<>();
    RequestBodyPublisher body = RequestBodyPublisher.of(input, -1, io);
    body.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        seen.add(item);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    });
    input.arrive("a");
    input.arrive("b");
    io.runAll();
    body.readable();

    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).isNotSameAs(seen.get(1));
    assertThat(seen).allSatisfy(b -> {
      assertThat(b.hasArray()).isTrue();
      assertThat(b.capacity()).isEqualTo(16 * 1024);
      assertThat(b.remaining()).isEqualTo(1);
    });
  }

  @Test
  void completes_when_a_body_of_known_length_ends_on_its_length() {
    RequestBodyPublisher body = subscribed(4);
    assertThat(body.unread()).isEqualTo(4);
    input.arrive("abcd");
    input.ended = true;
    request(10);

    assertThat(subscriber.signals).containsExactly("subscribe", "next", "complete");
    assertThat(body.unread()).isZero();
    assertThat(body.reading()).isFalse();
  }

  @Test
  void a_body_that_ends_short_of_its_length_fails_the_subscriber_and_tells_the_input() {
    subscribed(10);
    input.arrive("abc");
    input.ended = true;
    request(10);

    assertThat(subscriber.signals).containsExactly("subscribe", "next", "error");
    assertThat(subscriber.error).isInstanceOf(IOException.class)
        .hasMessage("request body: ended after 3 bytes (expected: 10)");
    assertThat(input.failedWith).isSameAs(subscriber.error);
    assertThat(input.count("completed")).isZero();
  }

  @Test
  void the_servers_end_of_input_completes_even_without_demand() {
    RequestBodyPublisher body = subscribed(2);
    input.arrive("ab");
    request(1);
    assertThat(subscriber.signals).containsExactly("subscribe", "next");

    body.inputEnded();
    assertThat(subscriber.signals).containsExactly("subscribe", "next", "complete");
  }

  @Test
  void a_read_that_fails_fails_the_subscriber_then_tells_the_input_once() {
    subscribed(-1);
    input.failReads = new IOException("Connection reset");
    request(1);
    request(1);

    assertThat(subscriber.signals).containsExactly("subscribe", "error");
    assertThat(subscriber.error).hasMessage("Connection reset");
    assertThat(input.count("failed")).isEqualTo(1);
    assertThat(input.calls).contains("stop");
  }

  @Test
  void a_runtime_failure_of_the_server_is_wrapped_in_an_io_exception() {
    RequestBodyPublisher body = subscribed(-1);
    body.readFailed(new IllegalStateException("stream closed"));

    assertThat(subscriber.error).isInstanceOf(IOException.class)
        .hasMessage("request body: java.lang.IllegalStateException: stream closed")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(input.failedWith).isSameAs(subscriber.error);

    body.readFailed(new IOException("again"));
    assertThat(input.count("failed")).as("once").isEqualTo(1);
  }

  @Test
  void cancel_stops_the_input_and_sends_nothing_more() {
    RequestBodyPublisher body = subscribed(-1);
    input.arrive("ab");
    subscriber.subscription.cancel();
    io.runAll();
    body.readable();
    request(1);

    assertThat(subscriber.signals).containsExactly("subscribe");
    assertThat(input.calls).as("a late readable() only pauses").containsExactly("stop", "pause");
    assertThat(body.reading()).isFalse();
  }

  @Test
  void request_of_zero_or_less_fails_the_subscriber() {
    subscribed(-1);
    request(0);

    assertThat(subscriber.error).isInstanceOf(IllegalArgumentException.class).hasMessage("request: 0 (expected: > 0)");
  }

  @Test
  void a_second_subscriber_gets_an_error_and_the_first_keeps_the_body() {
    RequestBodyPublisher body = subscribed(-1);
    Recorder second = new Recorder();
    body.subscribe(second);

    assertThat(second.signals).containsExactly("subscribe", "error");
    assertThat(second.error).hasMessage("request body: a second subscriber (expected: one; the body streams once)");
    input.arrive("x");
    request(1);
    assertThat(subscriber.text()).isEqualTo("x");
  }

  @Test
  void terminate_before_the_subscriber_comes_fails_it_right_after_on_subscribe() {
    RequestBodyPublisher body = RequestBodyPublisher.of(input, -1, io);
    body.terminate(new IOException("client gone"));
    body.subscribe(subscriber);
    io.runAll();

    assertThat(subscriber.signals).containsExactly("subscribe", "error");
    assertThat(subscriber.error).hasMessage("client gone");
    assertThat(input.count("failed")).as("terminate is not the input's failure").isZero();
  }

  @Test
  void terminate_after_the_end_changes_nothing() {
    RequestBodyPublisher body = subscribed(0);
    input.ended = true;
    request(1);
    body.terminate(new IOException("late"));

    assertThat(subscriber.signals).containsExactly("subscribe", "complete");
  }

  @Test
  void a_subscriber_that_throws_from_on_next_is_cancelled() {
    RequestBodyPublisher body = RequestBodyPublisher.of(input, -1, io);
    AtomicInteger nexts = new AtomicInteger();
    body.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(10);
      }

      @Override
      public void onNext(ByteBuffer item) {
        nexts.incrementAndGet();
        throw new IllegalStateException("subscriber bug");
      }

      @Override
      public void onError(Throwable t) {
        throw new AssertionError("no error after a cancel", t);
      }

      @Override
      public void onComplete() {}
    });
    input.arrive("a");
    input.arrive("b");
    io.runAll();

    assertThat(nexts).hasValue(1);
    assertThat(input.calls).containsExactly("read", "stop");
    assertThat(body.reading()).isFalse();
  }

  @Test
  void a_subscriber_that_throws_from_on_subscribe_is_dropped() {
    RequestBodyPublisher body = RequestBodyPublisher.of(input, -1, io);
    body.subscribe(new Recorder() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        throw new IllegalStateException("subscriber bug");
      }
    });
    io.runAll();
    body.terminate(new IOException("later"));
    io.runAll();

    assertThat(body.reading()).isFalse();
    assertThat(input.calls).isEmpty();
  }

  @Test
  void rejects_a_negative_length_other_than_unknown() {
    assertThatThrownBy(() -> RequestBodyPublisher.of(input, -2, io))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request body: contentLength: -2 (expected: >= -1)");
  }

  @Test
  void demand_from_many_threads_at_once_gets_every_byte_once_in_order_and_never_two_signals_at_once()
      throws Exception {
    ExecutorService ioThread = Executors.newSingleThreadExecutor();
    int pieces = 5_000;
    RequestBodyPublisher.Input counting = new RequestBodyPublisher.Input() {
      int next;

      @Override
      public int read(ByteBuffer into) {
        if (next == pieces) {
          return -1;
        }
        into.putInt(next++);
        return 4;
      }

      @Override
      public void pause() {}

      @Override
      public void stop() {}

      @Override
      public void failed(IOException cause) {
        throw new AssertionError(cause);
      }
    };
    RequestBodyPublisher body = RequestBodyPublisher.of(counting, 4L * pieces, ioThread);
    AtomicBoolean inSignal = new AtomicBoolean();
    AtomicBoolean overlapped = new AtomicBoolean();
    List<Integer> seen = new ArrayList<>();
    CountDownLatch completed = new CountDownLatch(1);
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    CountDownLatch subscribed = new CountDownLatch(1);
    body.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription[0] = s;
        subscribed.countDown();
      }

      @Override
      public void onNext(ByteBuffer item) {
        if (!inSignal.compareAndSet(false, true)) {
          overlapped.set(true);
        }
        seen.add(item.getInt());
        inSignal.set(false);
      }

      @Override
      public void onError(Throwable t) {
        throw new AssertionError(t);
      }

      @Override
      public void onComplete() {
        completed.countDown();
      }
    });
    ExecutorService askers = Executors.newFixedThreadPool(4);
    try {
      assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
      for (int t = 0; t < 4; t++) {
        askers.execute(() -> {
          for (int i = 0; i < pieces / 4 + 1; i++) {
            subscription[0].request(1);
          }
        });
      }
      assertThat(completed.await(30, TimeUnit.SECONDS)).as("completed").isTrue();
      ioThread.submit(() -> assertThat(body.reading()).isFalse()).get();
    } finally {
      askers.shutdownNow();
      ioThread.shutdownNow();
    }
    assertThat(overlapped).isFalse();
    assertThat(seen).hasSize(pieces);
    for (int i = 0; i < pieces; i++) {
      assertThat(seen.get(i)).isEqualTo(i);
    }
  }
}
