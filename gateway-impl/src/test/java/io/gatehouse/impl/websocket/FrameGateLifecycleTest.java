package io.gatehouse.impl.websocket;

import static io.gatehouse.impl.websocket.FrameGateTest.concat;
import static io.gatehouse.impl.websocket.FrameGateTest.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.impl.websocket.FrameGateTest.Events;
import io.gatehouse.impl.websocket.FrameGateTest.Sink;
import io.gatehouse.impl.websocket.FrameGateTest.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a direction of a session starts and ends, in memory: its one subscriber, demand, the close
 * frame put in at a frame boundary, ending, aborting, and either side leaving.
 */
class FrameGateLifecycleTest {
  private static final byte[] TEXT = frame(0x81, true, 5);

  private static FrameGate gate(Source source, Events events) {
    return new FrameGate(source, true, 1 << 20, 1 << 20, events);
  }

  /** The close code of a masked close frame at the end of the bytes (its mask is random). */
  private static int closeCodeAtEnd(byte[] got) {
    int at = got.length - 8;
    assertThat(got[at] & 0xff).as("FIN and opcode close").isEqualTo(0x88);
    assertThat(got[at + 1] & 0xff).as("masked, two payload bytes").isEqualTo(0x82);
    int hi = (got[at + 6] ^ got[at + 2]) & 0xff;
    int lo = (got[at + 7] ^ got[at + 3]) & 0xff;
    return hi << 8 | lo;
  }

  private static byte[] head(byte[] got, int length) {
    return java.util.Arrays.copyOf(got, length);
  }

  @Test
  void a_second_subscriber_is_refused_and_the_first_keeps_its_stream() {
    Source source = new Source(List.of(TEXT));
    FrameGate gate = gate(source, new Events());
    Sink first = new Sink();
    Sink second = new Sink();
    gate.subscribe(first);
    gate.subscribe(second);

    assertThat(second.error).isInstanceOf(IllegalStateException.class).hasMessage("a WebSocket stream takes one subscriber");
    first.sub.request(10);
    source.pump();
    assertThat(first.got.toByteArray()).isEqualTo(TEXT);
    assertThat(first.complete).isTrue();
  }

  @ParameterizedTest(name = "request({0})")
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void a_request_for_no_items_fails_the_stream_and_stops_the_sender(long n) {
    Source source = new Source(List.of(TEXT));
    FrameGate gate = gate(source, new Events());
    Sink sink = new Sink();
    gate.subscribe(sink);

    sink.sub.request(n);

    assertThat(sink.error).isInstanceOf(IllegalArgumentException.class).hasMessage("request: " + n + " (expected: > 0)");
    assertThat(source.cancelled).isTrue();
    sink.sub.request(1);
    assertThat(sink.items).as("nothing after the failure").isZero();
  }

  @Test
  void demand_passes_through_one_for_one_and_adds_up_without_overflowing() {
    Source source = new Source(List.of(TEXT, TEXT, TEXT));
    FrameGate gate = gate(source, new Events());
    Sink sink = new Sink();
    gate.subscribe(sink);

    sink.sub.request(2);
    assertThat(source.requested).isEqualTo(2);
    source.pump();
    assertThat(sink.items).as("two asked, two passed").isEqualTo(2);

    sink.sub.request(Long.MAX_VALUE);
    sink.sub.request(Long.MAX_VALUE);
    gate.close(1000);
    byte[] got = sink.got.toByteArray();
    assertThat(got).as("demand saturated, not wrapped: the close frame went at once").hasSize(2 * TEXT.length + 8);
    assertThat(head(got, 2 * TEXT.length)).isEqualTo(concat(TEXT, TEXT));
    assertThat(closeCodeAtEnd(got)).isEqualTo(1000);
    assertThat(sink.complete).isTrue();
    assertThat(source.cancelled).isTrue();
  }

  @Test
  void a_close_frame_waits_for_demand_and_goes_only_at_a_frame_boundary() {
    Source source = new Source(List.of(TEXT, TEXT));
    Events events = new Events();
    FrameGate gate = gate(source, events);
    Sink sink = new Sink();
    gate.subscribe(sink);
    sink.sub.request(1);
    source.pump();

    gate.close(1001);
    assertThat(sink.complete).as("no demand left: the close frame waits").isFalse();
    assertThat(source.cancelled).as("the sender is stopped at once").isTrue();
    gate.close(1002);
    gate.end();
    sink.sub.request(1);
    byte[] got = sink.got.toByteArray();
    assertThat(got).hasSize(TEXT.length + 8);
    assertThat(head(got, TEXT.length)).isEqualTo(TEXT);
    assertThat(closeCodeAtEnd(got)).as("the first close asked for, and only it").isEqualTo(1001);
    assertThat(sink.complete).isTrue();

    Source midFrame = new Source(List.of(java.util.Arrays.copyOf(frame(0x82, true, 300), 100)));
    FrameGate cut = gate(midFrame, new Events());
    Sink partial = new Sink();
    cut.subscribe(partial);
    partial.sub.request(10);
    midFrame.pump();
    cut.close(1001);
    assertThat(partial.got.size()).as("inside a frame: no close frame can follow").isEqualTo(100);
    assertThat(partial.complete).isTrue();
  }

  @Test
  void ending_completes_without_a_close_frame_and_aborting_fails_the_receiver_once() {
    Source source = new Source(List.of(TEXT));
    FrameGate ended = gate(source, new Events());
    Sink sink = new Sink();
    ended.subscribe(sink);
    sink.sub.request(5);
    ended.end();
    ended.abort();
    assertThat(sink.complete).isTrue();
    assertThat(sink.error).as("already ended: the abort changes nothing").isNull();
    assertThat(source.cancelled).isTrue();
    assertThat(sink.items).isZero();

    Source other = new Source(List.of(TEXT));
    FrameGate aborted = gate(other, new Events());
    Sink receiver = new Sink();
    aborted.subscribe(receiver);
    aborted.close(1001); // no demand: the close frame is pending
    aborted.abort();
    receiver.sub.request(5);
    assertThat(receiver.error).isInstanceOf(IOException.class);
    assertThat(receiver.items).as("the pending close frame is dropped").isZero();
    assertThat(receiver.complete).isFalse();
    assertThat(other.cancelled).isTrue();
  }

  @Test
  void the_receiver_leaving_stops_the_sender_and_tells_the_session() {
    Source source = new Source(List.of(TEXT));
    Events events = new Events();
    FrameGate gate = gate(source, events);
    Sink sink = new Sink();
    gate.subscribe(sink);
    sink.sub.cancel();
    assertThat(events.senderLeft).isFalse();
    assertThat(source.cancelled).isTrue();
    sink.sub.cancel();
    gate.close(1000);
    assertThat(sink.items).isZero();
  }

  @Test
  void the_sender_failing_or_finishing_ends_the_stream_and_tells_the_session() {
    List<Flow.Subscriber<? super ByteBuffer>> subscribers = new ArrayList<>();
    Flow.Publisher<ByteBuffer> failing = s -> {
      subscribers.add(s);
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
    };
    Events events = new Events();
    FrameGate gate = new FrameGate(failing, false, 1 << 20, 1 << 20, events);
    Sink sink = new Sink();
    gate.subscribe(sink);
    subscribers.get(0).onError(new IOException("reset"));
    assertThat(events.senderLeft).isTrue();
    assertThat(sink.complete).isTrue();
    assertThat(gate.fromClient()).isFalse();
  }

  @Test
  void a_sender_that_subscribes_after_the_end_is_cancelled_at_once() {
    List<Flow.Subscriber<? super ByteBuffer>> late = new ArrayList<>();
    Flow.Publisher<ByteBuffer> lazy = late::add; // onSubscribe comes only when the test says
    FrameGate gate = new FrameGate(lazy, true, 1 << 20, 1 << 20, new Events());
    Sink sink = new Sink();
    gate.subscribe(sink);
    sink.sub.request(3);
    gate.end();
    boolean[] cancelled = {false};
    long[] requested = {0};
    late.get(0).onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        requested[0] += n;
      }

      @Override
      public void cancel() {
        cancelled[0] = true;
      }
    });
    assertThat(cancelled[0]).isTrue();
    assertThat(requested[0]).isZero();
    assertThat(sink.complete).isTrue();

    List<Flow.Subscriber<? super ByteBuffer>> later = new ArrayList<>();
    FrameGate live = new FrameGate(later::add, true, 1 << 20, 1 << 20, new Events());
    Sink reader = new Sink();
    live.subscribe(reader);
    reader.sub.request(3);
    later.get(0).onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        requested[0] += n;
      }

      @Override
      public void cancel() {}
    });
    assertThat(requested[0]).as("demand asked before the sender arrived is passed on").isEqualTo(3);
  }

  @Test
  void a_header_arriving_byte_by_byte_is_asked_for_by_the_gate_itself() {
    List<byte[]> bytes = FrameGateTest.split(TEXT, 1);
    Source source = new Source(bytes);
    FrameGate gate = gate(source, new Events());
    Sink sink = new Sink();
    gate.subscribe(sink);

    sink.sub.request(1);
    source.pump();

    assertThat(sink.items).as("one item for the one asked").isOne();
    assertThat(sink.got.toByteArray()).as("the whole header (2 bytes and the mask) once it was complete")
        .isEqualTo(java.util.Arrays.copyOf(TEXT, 6));
  }

  @ParameterizedTest(name = "pieces of {0} bytes, each at offset 3 of its buffer")
  @ValueSource(ints = {1, 2, 3, 4, 7, 64})
  void buffers_that_do_not_start_at_position_zero_pass_exactly(int size) {
    byte[] all = concat(frame(0x81, true, 5), frame(0x02, true, 200), frame(0x80, true, 126), frame(0x88, true, 2));
    List<Flow.Subscriber<? super ByteBuffer>> subscribers = new ArrayList<>();
    long[] asked = {0};
    Flow.Publisher<ByteBuffer> offset = s -> {
      subscribers.add(s);
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          asked[0] += n;
        }

        @Override
        public void cancel() {}
      });
    };
    Events events = new Events();
    FrameGate gate = new FrameGate(offset, true, 1 << 20, 1 << 20, events);
    Sink sink = new Sink();
    gate.subscribe(sink);
    sink.sub.request(Long.MAX_VALUE);
    for (int i = 0; i < all.length; i += size) {
      int n = Math.min(size, all.length - i);
      byte[] padded = new byte[n + 6];
      System.arraycopy(all, i, padded, 3, n);
      subscribers.get(0).onNext(ByteBuffer.wrap(padded, 3, n));
    }
    subscribers.get(0).onComplete();

    assertThat(sink.got.toByteArray()).isEqualTo(all);
    assertThat(events.frames).isEqualTo(4);
    assertThat(events.breach).isZero();
    assertThat(gate.closeSeen()).isTrue();
  }

  @Test
  void the_senders_close_frame_is_seen() {
    Source source = new Source(List.of(concat(TEXT, frame(0x88, true, 2))));
    FrameGate gate = gate(source, new Events());
    Sink sink = new Sink();
    gate.subscribe(sink);
    assertThat(gate.closeSeen()).isFalse();
    sink.sub.request(5);
    source.pump();
    assertThat(gate.closeSeen()).isTrue();
    assertThat(gate.fromClient()).isTrue();
  }
}
