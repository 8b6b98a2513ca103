package io.gatehouse.impl.websocket;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One direction of a session: passes one side's bytes on to the other side untouched (masks and
 * payloads included), reading only frame headers to hold the sender to RFC 6455 and the route's
 * sizes. A frame header is passed on only once it is whole and valid, so the bytes passed on
 * always end at a frame boundary or inside an accepted frame: a breach is cut off before its
 * header, and a close frame can then be put in its place ({@link #close}).
 *
 * <p>Demand is passed through one for one: it reads from its source only as fast as its
 * subscriber takes bytes, and holds at most one frame header (14 bytes) of its own. Every signal
 * runs in one serial order (a drain loop, no lock), whatever thread it comes from.
 */
final class FrameGate implements Flow.Publisher<ByteBuffer> {
  static final int PROTOCOL_ERROR = 1002;
  static final int TOO_BIG = 1009;
  static final int GOING_AWAY = 1001;

  /** What the gate tells its session. */
  interface Session {
    /** A frame header passed (activity, for the idle timeout). */
    void active();

    /** The sender broke a rule: {@code code} is the close code it should get. */
    void breach(FrameGate gate, int code, String why);

    /**
     * A side left: the gate's sender (its source completed or failed) or its receiver (the
     * subscriber cancelled).
     */
    void ended(FrameGate gate, boolean senderLeft);
  }

  private final Flow.Publisher<ByteBuffer> source;
  private final boolean fromClient; // client frames must be masked, server frames must not
  private final long maxFrame;
  private final long maxMessage;
  private final Session session;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();

  // Everything below is touched only inside the drain loop.
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private Flow.Subscription upstream;
  private long demand;
  private boolean sourceDone;
  private boolean finished;
  private ByteBuffer pendingClose; // a close frame waiting for demand
  private final byte[] header = new byte[14];
  private int headerHave;
  private long payloadLeft;
  private boolean inMessage;
  private long messageSize;
  private volatile boolean closeSeen;
  private boolean stopped; // the source is cancelled
  private int breachCode;

  /**
   * @param source the sender's bytes
   * @param fromClient whether the sender is the client (its frames must be masked)
   */
  FrameGate(Flow.Publisher<ByteBuffer> source, boolean fromClient, long maxFrame, long maxMessage, Session session) {
    this.source = Objects.requireNonNull(source, "source");
    this.fromClient = fromClient;
    this.maxFrame = maxFrame;
    this.maxMessage = maxMessage;
    this.session = session;
  }

  boolean fromClient() {
    return fromClient;
  }

  /** Whether the sender's close frame has passed. */
  boolean closeSeen() {
    return closeSeen;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    run(() -> {
      if (subscriber != null) {
        s.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
        s.onError(new IllegalStateException("a WebSocket stream takes one subscriber"));
        return;
      }
      subscriber = s;
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          run(() -> requested(n));
        }

        @Override
        public void cancel() {
          run(() -> cancelled());
        }
      });
      source.subscribe(new Flow.Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Flow.Subscription sub) {
          run(() -> {
            if (finished || stopped) {
              sub.cancel();
            } else {
              upstream = sub;
              if (demand > 0) {
                sub.request(demand);
              }
            }
          });
        }

        @Override
        public void onNext(ByteBuffer item) {
          run(() -> next(item));
        }

        @Override
        public void onError(Throwable t) {
          run(() -> sourceEnded());
        }

        @Override
        public void onComplete() {
          run(() -> sourceEnded());
        }
      });
    });
  }

  /**
   * Ends this direction with a close frame of {@code code} (if the bytes passed so far end at a
   * frame boundary; otherwise the stream just ends), and stops reading the source.
   */
  void close(int code) {
    run(() -> {
      if (finished || pendingClose != null) {
        return;
      }
      cancelSource();
      headerHave = 0; // held header bytes were never passed on
      if (payloadLeft == 0) {
        pendingClose = closeFrame(code, fromClient);
        flushClose();
      } else {
        finish();
      }
    });
  }

  /** Ends this direction without a close frame (its receiver is gone, or has its close already). */
  void end() {
    run(() -> {
      if (!finished && pendingClose == null) {
        cancelSource();
        finish();
      }
    });
  }

  /**
   * Ends this direction at once with an error, whatever is pending: its receiver's connection is
   * closed without waiting for a close frame to be written (a receiver that stopped reading).
   */
  void abort() {
    run(() -> {
      cancelSource();
      pendingClose = null;
      if (!finished) {
        finished = true;
        if (subscriber != null) {
          subscriber.onError(new java.io.IOException("the WebSocket session ended and its receiver did not take the rest"));
        }
      }
    });
  }

  private void requested(long n) {
    if (finished) {
      return;
    }
    if (n <= 0) {
      cancelSource();
      finished = true;
      subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    if (pendingClose != null) {
      flushClose();
      return;
    }
    if (upstream != null && !sourceDone && !stopped) {
      upstream.request(n);
    }
  }

  private void cancelled() {
    if (finished) {
      return;
    }
    finished = true;
    pendingClose = null;
    cancelSource();
    session.ended(this, false);
  }

  private void sourceEnded() {
    if (finished || sourceDone || stopped) {
      return;
    }
    sourceDone = true;
    if (pendingClose == null) {
      // The session may answer with a close frame for this direction's receiver: its task is
      // queued behind this one, so the plain end is queued after it.
      session.ended(this, true);
      run(() -> {
        if (pendingClose == null) {
          finish();
        }
      });
    }
  }

  private void next(ByteBuffer buf) {
    if (finished || pendingClose != null || stopped) {
      return;
    }
    int start = buf.position();
    int end = buf.limit();
    int held = headerHave; // header bytes from earlier buffers, held back so far
    int headerStart = held > 0 ? -1 : start; // -1: the header in progress began in an earlier buffer
    byte[] prefix = null;
    int cut = end;
    String why = null;
    int i = start;
    while (i < end) {
      if (payloadLeft > 0) {
        int take = (int) Math.min(payloadLeft, end - i);
        payloadLeft -= take;
        i += take;
        continue;
      }
      if (headerHave == 0) {
        headerStart = i;
      }
      header[headerHave++] = buf.get(i++);
      if (headerHave < headerLength()) {
        continue;
      }
      why = check();
      if (why != null) {
        cut = headerStart < 0 ? start : headerStart;
        break;
      }
      if (headerStart < 0) {
        prefix = java.util.Arrays.copyOf(header, held); // now a whole, valid header: they pass on
      }
      headerHave = 0;
      session.active();
    }
    if (why == null && headerHave > 0) {
      cut = headerStart < 0 ? start : headerStart; // hold an incomplete header back
    }
    ByteBuffer out;
    if (prefix == null) {
      out = buf.slice(start, cut - start);
    } else {
      out = ByteBuffer.allocate(prefix.length + cut - start);
      out.put(prefix).put(buf.slice(start, cut - start)).flip();
    }
    buf.position(end);
    if (out.hasRemaining()) {
      demand--;
      subscriber.onNext(out);
    } else if (why == null && upstream != null) {
      upstream.request(1); // nothing passed on: ask again for what the subscriber's demand was for
    }
    if (why != null) {
      // Nothing after a breach passes: the session closes this direction (with a close frame,
      // as the bytes passed end at a frame boundary).
      headerHave = 0;
      payloadLeft = 0;
      cancelSource();
      session.breach(this, breachCode, why);
    }
  }

  private void flushClose() {
    if (pendingClose == null || demand <= 0 || subscriber == null) {
      return;
    }
    ByteBuffer frame = pendingClose;
    pendingClose = null;
    demand--;
    subscriber.onNext(frame);
    finish();
  }

  private void finish() {
    if (!finished) {
      finished = true;
      if (subscriber != null) {
        subscriber.onComplete();
      }
    }
  }

  private void cancelSource() {
    if (!stopped) {
      stopped = true;
      if (upstream != null) {
        upstream.cancel();
      }
    }
  }

  /** The length of the header in progress, as far as its first two bytes tell (2 until they are in). */
  private int headerLength() {
    if (headerHave < 2) {
      return 2;
    }
    int len7 = header[1] & 0x7F;
    int n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
    return (header[1] & 0x80) != 0 ? n + 4 : n;
  }

  /** Checks a whole header and, if it passes, takes it in; otherwise why not (and {@link #breachCode}). */
  private String check() {
    int b0 = header[0] & 0xFF;
    int b1 = header[1] & 0xFF;
    boolean fin = (b0 & 0x80) != 0;
    int rsv = b0 & 0x70;
    int op = b0 & 0x0F;
    boolean masked = (b1 & 0x80) != 0;
    int len7 = b1 & 0x7F;
    long length = len7;
    breachCode = PROTOCOL_ERROR;
    if (len7 == 126) {
      length = ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
      if (length < 126) {
        return "a 16-bit length of " + length + " (expected: the shortest encoding)";
      }
    } else if (len7 == 127) {
      if ((header[2] & 0x80) != 0) {
        return "a 64-bit length with its top bit set";
      }
      length = 0;
      for (int k = 2; k < 10; k++) {
        length = (length << 8) | (header[k] & 0xFFL);
      }
      if (length < 65536) {
        return "a 64-bit length of " + length + " (expected: the shortest encoding)";
      }
    }
    if (rsv != 0) {
      return "reserved bits 0x" + Integer.toHexString(rsv >> 4) + " set (expected: none, no extension was negotiated)";
    }
    if ((op >= 3 && op <= 7) || op >= 0xB) {
      return "reserved opcode 0x" + Integer.toHexString(op);
    }
    if (masked != fromClient) {
      return fromClient ? "an unmasked frame from the client (expected: masked)" : "a masked frame from the server (expected: unmasked)";
    }
    if (op >= 8) {
      if (!fin) {
        return "a fragmented control frame";
      }
      if (length > 125) {
        return "a control frame of " + length + " bytes (expected: <= 125)";
      }
      if (op == 8 && length == 1) {
        return "a close frame with a 1-byte payload";
      }
      if (op == 8) {
        closeSeen = true;
      }
    } else {
      if (op == 0 && !inMessage) {
        return "a continuation frame without a message to continue";
      }
      if (op != 0 && inMessage) {
        return "a new message before the fragmented one ended";
      }
      if (length > maxFrame) {
        breachCode = TOO_BIG;
        return "a frame of " + length + " bytes (expected: <= " + maxFrame + ")";
      }
      long size = (op == 0 ? messageSize : 0) + length;
      if (size > maxMessage) {
        breachCode = TOO_BIG;
        return "a message of more than " + maxMessage + " bytes (expected: <= " + maxMessage + ")";
      }
      messageSize = fin ? 0 : size;
      inMessage = !fin;
    }
    payloadLeft = length;
    return null;
  }

  /** A close frame with a status code and no reason; masked (with a random key) toward a server. */
  static ByteBuffer closeFrame(int code, boolean masked) {
    ByteBuffer b = ByteBuffer.allocate(masked ? 8 : 4);
    b.put((byte) 0x88);
    if (masked) {
      // The key only keeps a client's payload from being chosen by a script (RFC 6455 10.3); this
      // payload is the gateway's own two bytes.
      int key = ThreadLocalRandom.current().nextInt();
      b.put((byte) 0x82).putInt(key);
      b.put((byte) ((code >> 8) ^ (key >>> 24))).put((byte) (code ^ (key >>> 16)));
    } else {
      b.put((byte) 0x02).put((byte) (code >> 8)).put((byte) code);
    }
    return b.flip();
  }

  private void run(Runnable task) {
    tasks.add(task);
    if (wip.getAndIncrement() != 0) {
      return;
    }
    do {
      Runnable t = tasks.poll();
      try {
        t.run();
      } catch (RuntimeException e) {
        // A subscriber that throws breaks the Flow contract; end this direction rather than the loop.
        finished = true;
      }
    } while (wip.decrementAndGet() != 0);
  }
}
