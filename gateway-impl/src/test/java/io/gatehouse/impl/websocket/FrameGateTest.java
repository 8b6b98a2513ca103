package io.gatehouse.impl.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame gate over in-memory streams, cut at every point: what passes, what is held, what is refused. */
class FrameGateTest {

  /** Emits the given buffers as asked, and counts what was asked. */
  static final class Source implements Flow.Publisher<ByteBuffer> {
    final List<byte[]> parts;
    long requested;
    boolean cancelled;
    int next;
    Flow.Subscriber<? super ByteBuffer> s;

    Source(List<byte[]> parts) {
      this.parts = parts;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      s = subscriber;
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          requested += n;
        }

        @Override
        public void cancel() {
          cancelled = true;
        }
      });
    }

    /** Emits as much as has been asked for; completes once all is out. */
    void pump() {
      while (!cancelled && requested > 0 && next < parts.size()) {
        requested--;
        s.onNext(ByteBuffer.wrap(parts.get(next++)));
      }
      if (!cancelled && next == parts.size()) {
        next++;
        s.onComplete();
      }
    }
  }

  static final class Sink implements Flow.Subscriber<ByteBuffer> {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    int items;
    Flow.Subscription sub;
    boolean complete;
    Throwable error;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      sub = s;
    }

    @Override
    public void onNext(ByteBuffer item) {
      byte[] b = new byte[item.remaining()];
      item.get(b);
      got.writeBytes(b);
      items++;
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {
      complete = true;
    }
  }

  static final class Events implements FrameGate.Session {
    int frames;
    int breach;
    String why;
    Boolean senderLeft;

    @Override
    public void active() {
      frames++;
    }

    @Override
    public void breach(FrameGate gate, int code, String why) {
      breach = code;
      this.why = why;
    }

    @Override
    public void ended(FrameGate gate, boolean senderLeft) {
      this.senderLeft = senderLeft;
    }
  }

  static byte[] frame(int b0, boolean masked, int length) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(b0);
    int m = masked ? 0x80 : 0;
    if (length < 126) {
      f.write(m | length);
    } else if (length < 65536) {
      f.write(m | 126);
      f.write(length >> 8);
      f.write(length);
    } else {
      f.write(m | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) length >> (8 * i)));
      }
    }
    if (masked) {
      f.writeBytes(new byte[] {1, 2, 3, 4});
    }
    byte[] payload = new byte[length];
    Arrays.fill(payload, (byte) 'p');
    f.writeBytes(payload);
    return f.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  /** The stream in pieces of {@code size} bytes. */
  static List<byte[]> split(byte[] all, int size) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < all.length; i += size) {
      out.add(Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
    }
    return out;
  }

  record Run(Source source, Sink sink, Events events, FrameGate gate) {}

  static Run run(List<byte[]> parts, boolean fromClient, long maxFrame, long maxMessage) {
    Source source = new Source(parts);
    Sink sink = new Sink();
    Events events = new Events();
    FrameGate gate = new FrameGate(source, fromClient, maxFrame, maxMessage, events);
    gate.subscribe(sink);
    sink.sub.request(Long.MAX_VALUE);
    source.pump();
    return new Run(source, sink, events, gate);
  }

  private static final byte[] VALID_FROM_CLIENT = concat(
      frame(0x81, true, 5), frame(0x02, true, 200), frame(0x89, true, 3), frame(0x00, true, 70_000),
      frame(0x80, true, 0), frame(0x8A, true, 0), frame(0x88, true, 2));

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 13, 14, 15, 100, 4096, 1 << 20})
  void valid_frames_pass_byte_for_byte_however_the_stream_is_cut(int size) {
    Run r = run(split(VALID_FROM_CLIENT, size), true, 1 << 20, 1 << 20);
    assertThat(r.sink.got.toByteArray()).isEqualTo(VALID_FROM_CLIENT);
    assertThat(r.events.frames).isEqualTo(7);
    assertThat(r.events.breach).isZero();
    assertThat(r.sink.complete).isTrue();
    assertThat(r.events.senderLeft).isTrue();
  }

  @Test
  void every_single_cut_point_of_a_valid_stream_passes_it_whole() {
    IntStream.range(1, 300).forEach(cut -> {
      byte[] all = concat(frame(0x81, true, 5), frame(0x02, true, 200), frame(0x80, true, 126));
      List<byte[]> parts = List.of(Arrays.copyOfRange(all, 0, cut), Arrays.copyOfRange(all, cut, all.length));
      Run r = run(parts, true, 1 << 20, 1 << 20);
      assertThat(r.sink.got.toByteArray()).as("cut at %d", cut).isEqualTo(all);
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 9, 64, 4096})
  void a_breach_is_cut_off_before_its_header_and_nothing_after_it_passes(int size) {
    byte[] good = concat(frame(0x81, true, 5), frame(0x82, true, 300));
    byte[] bad = frame(0x81, false, 5); // unmasked from the client
    Run r = run(split(concat(good, bad, frame(0x81, true, 5)), size), true, 1 << 20, 1 << 20);
    assertThat(r.sink.got.toByteArray()).isEqualTo(good);
    assertThat(r.events.breach).isEqualTo(FrameGate.PROTOCOL_ERROR);
    assertThat(r.events.why).contains("unmasked");
    assertThat(r.source.cancelled || r.events.breach != 0).isTrue();
  }

  @Test
  void a_close_after_a_breach_adds_a_masked_close_frame_toward_the_server() {
    byte[] good = frame(0x81, true, 5);
    Run r = run(List.of(concat(good, frame(0x82, true, 2000))), true, 1000, 1 << 20);
    assertThat(r.events.breach).isEqualTo(FrameGate.TOO_BIG);
    assertThat(r.events.why).isEqualTo("a frame of 2000 bytes (expected: <= 1000)");
    r.gate.close(FrameGate.GOING_AWAY);
    byte[] got = r.sink.got.toByteArray();
    assertThat(Arrays.copyOf(got, good.length)).isEqualTo(good);
    byte[] close = Arrays.copyOfRange(got, good.length, got.length);
    assertThat(close).hasSize(8);
    assertThat(close[0] & 0xFF).isEqualTo(0x88);
    assertThat(close[1] & 0xFF).isEqualTo(0x82);
    int code = (((close[6] ^ close[2]) & 0xFF) << 8) | ((close[7] ^ close[3]) & 0xFF);
    assertThat(code).isEqualTo(1001);
    assertThat(r.sink.complete).isTrue();
    assertThat(r.source.cancelled).isTrue();
  }

  @Test
  void a_close_toward_the_client_is_unmasked() {
    Run r = run(List.of(frame(0x81, false, 3)), false, 1000, 1000);
    // completed: the source ended; a fresh gate for the close
    Source source = new Source(List.of(frame(0x81, false, 3)));
    Sink sink = new Sink();
    FrameGate gate = new FrameGate(source, false, 1000, 1000, new Events());
    gate.subscribe(sink);
    sink.sub.request(1);
    gate.close(1009);
    assertThat(sink.got.toByteArray()).containsExactly(0x88, 0x02, 0x03, (byte) 0xF1);
    assertThat(sink.complete).isTrue();
    assertThat(r.sink.got.toByteArray()).isEqualTo(frame(0x81, false, 3));
  }

  @Test
  void a_close_in_the_middle_of_a_frame_ends_the_stream_without_a_frame() {
    byte[] all = frame(0x82, true, 100);
    Run r = run(List.of(Arrays.copyOf(all, 50)), true, 1000, 1000);
    r.gate.close(1001);
    assertThat(r.sink.got.toByteArray()).isEqualTo(Arrays.copyOf(all, 50));
    assertThat(r.sink.complete).isTrue();
  }

  @Test
  void a_close_waits_for_demand() {
    Source source = new Source(List.of());
    Sink sink = new Sink();
    FrameGate gate = new FrameGate(source, false, 1000, 1000, new Events());
    gate.subscribe(sink);
    gate.close(1001);
    assertThat(sink.got.size()).isZero();
    assertThat(sink.complete).isFalse();
    sink.sub.request(1);
    assertThat(sink.got.toByteArray()).containsExactly(0x88, 0x02, 0x03, (byte) 0xE9);
    assertThat(sink.complete).isTrue();
  }

  @Test
  void the_source_is_asked_for_no_more_than_the_subscriber_asked_for() {
    Source source = new Source(split(VALID_FROM_CLIENT, 1000));
    Sink sink = new Sink();
    FrameGate gate = new FrameGate(source, true, 1 << 20, 1 << 20, new Events());
    gate.subscribe(sink);
    assertThat(source.requested).isZero();
    sink.sub.request(3);
    assertThat(source.requested).isEqualTo(3);
    source.pump();
    assertThat(sink.items).isEqualTo(3);
    assertThat(source.requested).as("buffers that passed nothing on are asked for again, one for one").isZero();
  }

  @Test
  void a_subscriber_that_cancels_ends_the_session_as_the_receiver_leaving() {
    Run r = run(List.of(frame(0x81, true, 1)), true, 1000, 1000);
    Events events = new Events();
    Source source = new Source(List.of(frame(0x81, true, 1)));
    Sink sink = new Sink();
    FrameGate gate = new FrameGate(source, true, 1000, 1000, events);
    gate.subscribe(sink);
    sink.sub.cancel();
    assertThat(events.senderLeft).isFalse();
    assertThat(source.cancelled).isTrue();
    assertThat(r.events.senderLeft).isTrue();
  }

  enum Breach {
    RSV1(frame(0xC1, true, 1), 1002, "reserved bits 0x4 set (expected: none, no extension was negotiated)"),
    RSV3(frame(0x91, true, 1), 1002, "reserved bits 0x1 set"),
    OPCODE_3(frame(0x83, true, 1), 1002, "reserved opcode 0x3"),
    OPCODE_7(frame(0x87, true, 1), 1002, "reserved opcode 0x7"),
    OPCODE_B(frame(0x8B, true, 1), 1002, "reserved opcode 0xb"),
    OPCODE_F(frame(0x8F, true, 1), 1002, "reserved opcode 0xf"),
    PING_126(frame(0x89, true, 126), 1002, "a control frame of 126 bytes (expected: <= 125)"),
    FRAGMENTED_CLOSE(frame(0x08, true, 2), 1002, "a fragmented control frame"),
    CLOSE_1(frame(0x88, true, 1), 1002, "a close frame with a 1-byte payload"),
    CONTINUATION(frame(0x80, true, 1), 1002, "a continuation frame without a message to continue"),
    NEW_INSIDE_FRAGMENTED(concat(frame(0x01, true, 1), frame(0x81, true, 1)), 1002,
        "a new message before the fragmented one ended"),
    SHORT_IN_16(new byte[] {(byte) 0x81, (byte) 0xFE, 0, 125, 0, 0, 0, 0}, 1002, "a 16-bit length of 125"),
    SHORT_IN_64(new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0}, 1002,
        "a 64-bit length of 65535"),
    TOP_BIT(new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 1002,
        "a 64-bit length with its top bit set"),
    FRAME_1001(frame(0x82, true, 1001), 1009, "a frame of 1001 bytes (expected: <= 1000)"),
    MESSAGE_2001(concat(frame(0x02, true, 1000), frame(0x00, true, 1000), frame(0x80, true, 1)), 1009,
        "a message of more than 2000 bytes"),
    UNMASKED(frame(0x82, false, 1), 1002, "an unmasked frame from the client (expected: masked)");

    final byte[] bytes;
    final int code;
    final String why;

    Breach(byte[] bytes, int code, String why) {
      this.bytes = bytes;
      this.code = code;
      this.why = why;
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Breach.class)
  void each_breach_of_the_protocol_or_the_sizes_is_refused_with_its_code(Breach breach) {
    for (int size : new int[] {1, 3, breach.bytes.length}) {
      Run r = run(split(breach.bytes, size), true, 1000, 2000);
      assertThat(r.events.breach).as("cut in %d", size).isEqualTo(breach.code);
      assertThat(r.events.why).contains(breach.why);
    }
  }

  @Test
  void a_masked_frame_from_the_server_is_refused() {
    Run r = run(List.of(frame(0x81, true, 1)), false, 1000, 1000);
    assertThat(r.events.breach).isEqualTo(1002);
    assertThat(r.events.why).isEqualTo("a masked frame from the server (expected: unmasked)");
    assertThat(r.sink.got.size()).isZero();
  }
}
