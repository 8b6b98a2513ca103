package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ResponseBodyWriterTest {

  /** A publisher the test drives by hand; it records what was asked of it. */
  static final class HandPublisher implements Flow.Publisher<ByteBuffer> {
    final AtomicLong requested = new AtomicLong();
    final AtomicInteger cancels = new AtomicInteger();
    Flow.Subscriber<? super ByteBuffer> subscriber;

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      subscriber = s;
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          requested.addAndGet(n);
        }

        @Override
        public void cancel() {
          cancels.incrementAndGet();
        }
      });
    }

    void send(String text) {
      subscriber.onNext(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  /** An output that takes at most {@code room} bytes until given more; it records every call. */
  static final class FakeOutput implements ResponseBodyWriter.Output {
    final ByteArrayOutputStream taken = new ByteArrayOutputStream();
    final List<String> calls = new ArrayList<>();
    final List<Boolean> lastFlags = new ArrayList<>();
    long room = Long.MAX_VALUE;
    boolean flushable = true;
    boolean endable = true;
    boolean committed;
    IOException failWrites;
    Exception brokenWith;
    Throwable cutWith;
    String replacedWith;

    @Override
    public boolean write(ByteBuffer buffer, boolean last) throws IOException {
      calls.add("write");
      lastFlags.add(last);
      if (failWrites != null) {
        throw failWrites;
      }
      committed = true;
      int n = (int) Math.min(room, buffer.remaining());
      byte[] bytes = new byte[n];
      buffer.get(bytes);
      taken.writeBytes(bytes);
      room -= n;
      return !buffer.hasRemaining();
    }

    @Override
    public boolean flush() {
      calls.add("flush");
      return flushable;
    }

    @Override
    public boolean end() {
      calls.add("end");
      return endable;
    }

    @Override
    public boolean committed() {
      return committed;
    }

    @Override
    public void replace(int status, String detail) {
      calls.add("replace");
      replacedWith = status + " " + detail;
    }

    @Override
    public void cut(Throwable cause) {
      calls.add("cut");
      cutWith = cause;
    }

    @Override
    public void broken(Exception cause) {
      calls.add("broken");
      brokenWith = cause;
    }

    String text() {
      return taken.toString(StandardCharsets.US_ASCII);
    }

    long count(String call) {
      return calls.stream().filter(call::equals).count();
    }
  }

  private final ManualExecutor io = new ManualExecutor();
  private final HandPublisher publisher = new HandPublisher();
  private final FakeOutput output = new FakeOutput();

  private ResponseBodyWriter started(long length) {
    ResponseBodyWriter writer = ResponseBodyWriter.of(Body.ofPublisher(publisher, length), output, io);
    writer.start();
    io.runAll();
    return writer;
  }

  @Test
  void asks_for_a_window_of_eight_then_for_half_of_it_again_once_half_is_written() {
    started(-1);
    assertThat(publisher.requested).hasValue(8);

    for (int i = 0; i < 3; i++) {
      publisher.send("x");
    }
    io.runAll();
    assertThat(publisher.requested).as("5 still outstanding: no more asked").hasValue(8);

    publisher.send("x");
    io.runAll();
    assertThat(publisher.requested).as("4 outstanding: topped up to 8").hasValue(12);
    assertThat(output.text()).isEqualTo("xxxx");
  }

  @Test
  void asks_for_nothing_more_while_the_output_is_full_and_resumes_where_it_stopped() {
    ResponseBodyWriter writer = started(-1);
    output.room = 3;
    for (int i = 0; i < 8; i++) {
      publisher.send("ab");
    }
    io.runAll();

    assertThat(output.text()).isEqualTo("aba");
    assertThat(publisher.requested).as("nothing written whole: no more demand").hasValue(8);
    assertThat(output.count("flush")).as("no flush while a buffer waits").isZero();
    assertThat(writer.written()).isEqualTo(3);

    output.room = Long.MAX_VALUE;
    writer.resume();
    assertThat(output.text()).isEqualTo("ab".repeat(8));
    assertThat(publisher.requested).hasValue(16);
    assertThat(output.calls).endsWith("write", "flush");
  }

  @Test
  void flushes_once_no_written_buffer_waits_and_waits_for_a_full_output_to_take_the_flush() {
    ResponseBodyWriter writer = started(-1);
    output.flushable = false;
    publisher.send("a");
    publisher.send("b");
    io.runAll();
    assertThat(output.calls).containsExactly("write", "write", "flush");

    output.flushable = true;
    writer.resume();
    assertThat(output.calls).containsExactly("write", "write", "flush", "flush");
  }

  @Test
  void a_body_of_known_length_ends_once_after_its_last_bytes_which_are_flagged_last() {
    ResponseBodyWriter writer = started(6);
    publisher.send("abc");
    publisher.send("def");
    publisher.subscriber.onComplete();
    io.runAll();

    assertThat(output.text()).isEqualTo("abcdef");
    assertThat(output.lastFlags).containsExactly(false, true);
    assertThat(output.calls).endsWith("flush", "end");
    assertThat(writer.isFinished()).isTrue();

    writer.resume();
    publisher.subscriber.onComplete();
    io.runAll();
    assertThat(output.count("end")).as("ended once").isEqualTo(1);
  }

  @Test
  void an_end_the_output_cannot_finish_yet_is_asked_again_on_resume() {
    ResponseBodyWriter writer = started(-1);
    output.endable = false;
    publisher.subscriber.onComplete();
    io.runAll();
    assertThat(output.count("end")).isEqualTo(1);
    assertThat(writer.isFinished()).isFalse();

    output.endable = true;
    writer.resume();
    assertThat(output.count("end")).isEqualTo(2);
    assertThat(writer.isFinished()).isTrue();
  }

  @Test
  void a_body_that_fails_before_its_first_byte_is_replaced_by_a_502_problem() {
    ResponseBodyWriter writer = started(-1);
    publisher.subscriber.onError(new IOException("upstream reset"));
    io.runAll();

    assertThat(output.replacedWith).isEqualTo("502 The upstream response body failed before it started.");
    assertThat(output.calls).containsExactly("replace");
    assertThat(publisher.cancels).hasValue(1);
    assertThat(writer.isFinished()).isTrue();
  }

  @Test
  void a_body_that_fails_after_some_bytes_is_cut_once_the_bytes_before_the_error_are_written() {
    started(-1);
    publisher.send("abc");
    publisher.subscriber.onError(new IOException("upstream reset"));
    io.runAll();

    assertThat(output.text()).isEqualTo("abc");
    assertThat(output.cutWith).hasMessage("upstream reset");
    assertThat(output.calls).containsExactly("write", "flush", "cut");
  }

  @Test
  void a_committed_response_is_cut_even_before_its_first_body_byte() {
    started(-1);
    output.committed = true;
    publisher.subscriber.onError(new IOException("upstream reset"));
    io.runAll();

    assertThat(output.calls).containsExactly("cut");
  }

  @Test
  void a_body_longer_than_its_length_fails_before_the_extra_bytes_go_out() {
    started(4);
    publisher.send("abc");
    publisher.send("de");
    io.runAll();

    assertThat(output.text()).isEqualTo("abc");
    assertThat(output.cutWith).hasMessage("response body: more than 4 bytes (expected: the declared length)");
    assertThat(publisher.cancels).hasValue(1);
  }

  @Test
  void a_body_shorter_than_its_length_fails_at_its_end_rather_than_ending_the_response() {
    started(10);
    publisher.send("abc");
    publisher.subscriber.onComplete();
    io.runAll();

    assertThat(output.cutWith).hasMessage("response body: 3 bytes (expected: 10)");
    assertThat(output.count("end")).isZero();
  }

  @Test
  void an_empty_body_of_length_zero_ends_without_a_write() {
    started(0);
    publisher.subscriber.onComplete();
    io.runAll();
    assertThat(output.calls).containsExactly("end");
  }

  @Test
  void empty_buffers_are_skipped_but_count_against_demand() {
    started(-1);
    for (int i = 0; i < 4; i++) {
      publisher.subscriber.onNext(ByteBuffer.allocate(0));
    }
    io.runAll();
    assertThat(output.count("write")).isZero();
    assertThat(publisher.requested).hasValue(12);
  }

  @Test
  void a_publisher_that_sends_more_than_was_asked_fails_the_response() {
    started(-1);
    for (int i = 0; i < 9; i++) {
      publisher.send("x");
    }
    io.runAll();

    assertThat(output.text()).isEqualTo("x".repeat(8));
    assertThat(output.cutWith).isInstanceOf(IllegalStateException.class)
        .hasMessage("response body: onNext without demand (expected: at most what was requested)");
  }

  @Test
  void a_write_that_throws_cancels_the_body_and_reports_the_output_broken_once() {
    ResponseBodyWriter writer = started(-1);
    output.failWrites = new IOException("Broken pipe");
    publisher.send("a");
    publisher.send("b");
    io.runAll();

    assertThat(output.brokenWith).hasMessage("Broken pipe");
    assertThat(output.count("broken")).isEqualTo(1);
    assertThat(output.count("write")).isEqualTo(1);
    assertThat(publisher.cancels).hasValue(1);
    assertThat(writer.isFinished()).isTrue();
  }

  @Test
  void a_body_whose_subscribe_throws_fails_like_a_body_error() {
    Body broken = Body.ofPublisher(s -> {
      throw new IllegalStateException("publisher gone");
    }, -1);
    ResponseBodyWriter writer = ResponseBodyWriter.of(broken, output, io);
    writer.start();

    assertThat(output.replacedWith).startsWith("502 ");
    assertThat(writer.isFinished()).isTrue();
  }

  @Test
  void cancel_before_the_subscription_arrives_cancels_it_on_arrival_and_asks_for_nothing() {
    ResponseBodyWriter writer = ResponseBodyWriter.of(Body.ofPublisher(publisher, -1), output, io);
    writer.cancel();
    writer.start();
    io.runAll();

    assertThat(publisher.cancels).hasValue(1);
    assertThat(publisher.requested).hasValue(0);
  }

  @Test
  void a_second_subscription_is_cancelled_and_the_first_kept() {
    ResponseBodyWriter writer = started(-1);
    HandPublisher other = new HandPublisher();
    other.subscribe(writer);
    io.runAll();

    assertThat(other.cancels).hasValue(1);
    assertThat(other.requested).hasValue(0);
    assertThat(publisher.cancels).hasValue(0);
    publisher.send("still here");
    io.runAll();
    assertThat(output.text()).isEqualTo("still here");
  }

  @Test
  void stop_cancels_and_ends_without_a_word_to_the_output() {
    ResponseBodyWriter writer = started(-1);
    publisher.send("a");
    writer.stop();
    io.runAll();

    assertThat(output.calls).isEmpty();
    assertThat(publisher.cancels).hasValue(1);
    assertThat(writer.isFinished()).isTrue();
  }

  @Test
  void fail_after_the_end_changes_nothing() {
    ResponseBodyWriter writer = started(-1);
    publisher.subscriber.onComplete();
    io.runAll();
    writer.fail(new IOException("late"));
    assertThat(output.calls).containsExactly("end");
  }

  @Test
  void signals_that_arrive_before_the_executor_runs_queue_one_task() {
    started(-1);
    int before = io.submitted();
    for (int i = 0; i < 8; i++) {
      publisher.send("x");
    }
    publisher.subscriber.onComplete();
    assertThat(io.submitted() - before).isEqualTo(1);
    io.runAll();
    assertThat(output.text()).isEqualTo("x".repeat(8));
    assertThat(output.count("end")).isEqualTo(1);
  }

  @Test
  void a_publisher_on_its_own_thread_gets_every_byte_through_in_order_with_demand_never_above_the_window()
      throws Exception {
    ExecutorService ioThread = Executors.newSingleThreadExecutor();
    ExecutorService upstream = Executors.newSingleThreadExecutor();
    int buffers = 20_000;
    AtomicLong maxOutstanding = new AtomicLong();
    CountDownLatch ended = new CountDownLatch(1);
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    AtomicReference<ResponseBodyWriter> self = new AtomicReference<>();
    ResponseBodyWriter.Output slowOutput = new ResponseBodyWriter.Output() {
      int flushes;

      @Override
      public boolean write(ByteBuffer buffer, boolean last) {
        seen.write(buffer.get()); // one byte per call: the output is "full" until it resumes the writer
        if (!buffer.hasRemaining()) {
          return true;
        }
        ioThread.execute(() -> self.get().resume());
        return false;
      }

      @Override
      public boolean flush() {
        if (++flushes % 3 == 0) {
          ioThread.execute(() -> self.get().resume());
          return false;
        }
        return true;
      }

      @Override
      public boolean end() {
        ended.countDown();
        return true;
      }

      @Override
      public boolean committed() {
        return seen.size() > 0;
      }

      @Override
      public void replace(int status, String detail) {
        throw new AssertionError("replace: " + detail);
      }

      @Override
      public void cut(Throwable cause) {
        throw new AssertionError("cut", cause);
      }

      @Override
      public void broken(Exception cause) {
        throw new AssertionError("broken", cause);
      }
    };
    Flow.Publisher<ByteBuffer> threaded = s -> s.onSubscribe(new Flow.Subscription() {
      final AtomicLong outstanding = new AtomicLong();
      long sent; // upstream thread only

      @Override
      public void request(long n) {
        maxOutstanding.accumulateAndGet(outstanding.addAndGet(n), Math::max);
        upstream.execute(() -> {
          while (outstanding.get() > 0 && sent < buffers) {
            outstanding.decrementAndGet();
            byte[] bytes = {(byte) (sent % 251), (byte) (sent % 241)};
            sent++;
            s.onNext(ByteBuffer.wrap(bytes));
          }
          if (sent == buffers) {
            sent++;
            s.onComplete();
          }
        });
      }

      @Override
      public void cancel() {
        throw new AssertionError("cancelled");
      }
    });
    try {
      ResponseBodyWriter writer = ResponseBodyWriter.of(Body.ofPublisher(threaded, 2L * buffers), slowOutput, ioThread);
      self.set(writer);
      ioThread.execute(writer::start);
      assertThat(ended.await(30, TimeUnit.SECONDS)).as("ended").isTrue();
      ioThread.submit(() -> assertThat(writer.isFinished()).isTrue()).get();
    } finally {
      ioThread.shutdownNow();
      upstream.shutdownNow();
    }
    byte[] bytes = seen.toByteArray();
    assertThat(bytes).hasSize(2 * buffers);
    for (int i = 0; i < buffers; i++) {
      assertThat(bytes[2 * i]).as("buffer %d", i).isEqualTo((byte) (i % 251));
      assertThat(bytes[2 * i + 1]).as("buffer %d", i).isEqualTo((byte) (i % 241));
    }
    assertThat(maxOutstanding.get()).isBetween(1L, 8L);
  }
}
