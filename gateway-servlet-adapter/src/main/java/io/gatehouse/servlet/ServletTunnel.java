package io.gatehouse.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection that a {@code 101} has switched (a WebSocket session), as the two byte
 * streams the gateway's core works with: {@link #fromClient()} is the request's
 * {@link io.gatehouse.http.Request#tunnel() tunnel}, and {@link #toClient} writes the 101's body.
 * Both run on the container's non-blocking I/O ({@link ReadListener}, {@link WriteListener},
 * {@code isReady()}), so no thread waits on a session, with back-pressure both ways: the client
 * is read only while the core asks for bytes (which it does only once the upstream has taken the
 * last ones), and the next buffer for the client is asked for only once the last one is written
 * and flushed. At most one 16 KiB buffer is held per direction.
 *
 * <p>Until the container calls {@link Handler#init} with the {@link WebConnection}, nothing is
 * read or written. Every use of the connection's streams runs on the tunnel's own {@link Serial}.
 * Ending: when the bytes for the client end, what is written is flushed and the connection closed
 * (so a last close frame goes out); when they fail, a write fails or the container destroys the
 * handler, the connection is closed at once and the client's stream fails, so the core closes the
 * upstream side.
 */
final class ServletTunnel {
  private static final Logger log = LoggerFactory.getLogger(ServletTunnel.class);
  static final int READ_SIZE = 16 * 1024;

  private final Serial serial = new Serial();
  private final Source source = new Source();
  // Serial only:
  private WebConnection connection;
  private Sink sink;
  private boolean closed;

  /** The client's bytes after the switch, for the request's tunnel. */
  Flow.Publisher<ByteBuffer> fromClient() {
    return source;
  }

  /**
   * Writes these bytes to the client once the connection has switched.
   *
   * @param body the 101's body
   */
  void toClient(Flow.Publisher<ByteBuffer> body) {
    Sink s = new Sink();
    serial.execute(() -> sink = s);
    body.subscribe(s);
  }

  /** The connection is not going to switch (the upgrade failed): the client's stream fails. */
  void abandon(Throwable cause) {
    serial.execute(() -> {
      closed = true;
      source.fail(cause);
      Sink s = sink;
      if (s != null) {
        s.cancel();
      }
    });
  }

  /** The container switched the connection. Any thread. */
  private void init(WebConnection c) {
    serial.execute(() -> {
      if (closed) {
        closeQuietly(c);
        return;
      }
      connection = c;
      try {
        ServletInputStream in = c.getInputStream();
        ServletOutputStream out = c.getOutputStream();
        source.attach(in);
        Sink s = sink;
        if (s == null) {
          throw new IllegalStateException("no bytes for the client");
        }
        s.attach(out);
      } catch (IOException | RuntimeException e) {
        log.debug("starting a switched connection failed: {}", e.toString());
        close(e);
      }
    });
  }

  /** Closes the connection (once) and fails the client's stream. Serial. */
  private void close(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    source.fail(cause);
    Sink s = sink;
    if (s != null) {
      s.cancel();
    }
    if (connection != null) {
      closeQuietly(connection);
    }
  }

  private static void closeQuietly(WebConnection c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing a switched connection: {}", e.toString());
    }
  }

  /**
   * What the container instantiates for {@code HttpServletRequest.upgrade}: containers make
   * upgrade handlers by reflection, so this class and its constructor are public, in a
   * package-private class. Not for users.
   */
  public static final class Handler implements HttpUpgradeHandler {
    private ServletTunnel tunnel; // guarded by this
    private WebConnection early; // guarded by this: init before bind

    /** For the container. */
    public Handler() {}

    /** Joins the handler to its tunnel; the container may already have called {@link #init}. */
    void bind(ServletTunnel t) {
      WebConnection c;
      synchronized (this) {
        tunnel = t;
        c = early;
        early = null;
      }
      if (c != null) {
        t.init(c);
      }
    }

    @Override
    public void init(WebConnection c) {
      ServletTunnel t;
      synchronized (this) {
        t = tunnel;
        if (t == null) {
          early = c;
          return;
        }
      }
      t.init(c);
    }

    @Override
    public void destroy() {
      ServletTunnel t;
      synchronized (this) {
        t = tunnel;
      }
      if (t != null) {
        t.serial.execute(() -> t.close(new IOException("the client connection ended")));
      }
    }
  }

  /**
   * The client's bytes, read on the container's threads: in {@link #onDataAvailable} as far as
   * the subscriber asks, plus at most one buffer held for the next request (so that no byte
   * waits in the container's own buffer for an event that would not come). When a request
   * arrives and bytes are known to be ready, it reads on the requesting thread, except on
   * Tomcat, whose upgraded input keeps its readiness in a field its poller also writes: there it
   * waits for the container's next {@code onDataAvailable}, which Tomcat sends again and again
   * while unread bytes wait on the socket. Its own lock (held only for non-blocking calls) keeps
   * reads and signals in order.
   */
  private final class Source implements Flow.Publisher<ByteBuffer>, ReadListener {
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    // Guarded by lock:
    private ServletInputStream in;
    private boolean anyThread;
    private boolean readyLeft; // the last read loop stopped for want of demand, with bytes ready
    private ByteBuffer held;
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;
    private boolean done;
    private boolean ended; // the client's end of stream was seen
    private Throwable failedEarly;

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      Objects.requireNonNull(s, "subscriber");
      lock.lock();
      try {
        if (subscriber != null) {
          s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
          s.onError(new IllegalStateException("a connection's bytes take one subscriber"));
          return;
        }
        subscriber = s;
        s.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            lock.lock();
            try {
              if (n <= 0) {
                fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
                return;
              }
              demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
              if (held != null && !done) {
                ByteBuffer b = held;
                held = null;
                demand--;
                subscriber.onNext(b);
              }
              if (ended) {
                end();
              } else if (readyLeft && anyThread) {
                pump();
              }
            } finally {
              lock.unlock();
            }
          }

          @Override
          public void cancel() {
            lock.lock();
            try {
              done = true;
              held = null;
            } finally {
              lock.unlock();
            }
          }
        });
        if (failedEarly != null) {
          fail(failedEarly);
        }
      } finally {
        lock.unlock();
      }
    }

    /** Any thread. */
    void attach(ServletInputStream stream) {
      lock.lock();
      try {
        in = stream;
        anyThread = !stream.getClass().getName().startsWith("org.apache.coyote.");
        stream.setReadListener(this); // the container calls onDataAvailable when bytes are ready
      } finally {
        lock.unlock();
      }
    }

    /** Reads while asked for (and one buffer ahead) and the container has bytes. Holds the lock. */
    private void pump() {
      if (in == null || subscriber == null) {
        return;
      }
      readyLeft = false;
      try {
        while (!done && (demand > 0 || held == null)) {
          if (in.isFinished()) {
            end();
            return;
          }
          if (!in.isReady()) {
            return; // onDataAvailable follows
          }
          byte[] b = new byte[READ_SIZE];
          int n = in.read(b);
          if (n < 0) {
            end();
            return;
          }
          if (n > 0) {
            ByteBuffer got = ByteBuffer.wrap(b, 0, n);
            if (demand > 0) {
              demand--;
              subscriber.onNext(got);
            } else {
              held = got;
            }
          }
        }
        readyLeft = !done;
      } catch (IOException | RuntimeException e) {
        serial.execute(() -> close(e));
      }
    }

    /** The client's end of stream: completes once the held bytes, if any, went out. */
    private void end() {
      ended = true;
      if (!done && held == null) {
        done = true;
        subscriber.onComplete();
      }
    }

    /** Any thread. */
    void fail(Throwable t) {
      lock.lock();
      try {
        if (done) {
          return;
        }
        if (subscriber == null) {
          failedEarly = t;
          return;
        }
        done = true;
        held = null;
        subscriber.onError(t);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onDataAvailable() {
      lock.lock();
      try {
        pump();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onAllDataRead() {
      lock.lock();
      try {
        if (subscriber != null) {
          end();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onError(Throwable t) {
      serial.execute(() -> close(t));
    }
  }

  /**
   * The bytes for the client: one buffer at a time, the next asked for once the last is written
   * and flushed.
   */
  private final class Sink implements Flow.Subscriber<ByteBuffer>, WriteListener {
    // Serial only:
    private ServletOutputStream out;
    private Flow.Subscription subscription;
    private ByteBuffer current;
    private boolean unflushed;
    private boolean asked;
    private boolean completing;
    private boolean cancelled;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      serial.execute(() -> {
        if (subscription != null || cancelled) {
          s.cancel();
          return;
        }
        subscription = s;
        pump();
      });
    }

    /** Serial. */
    void attach(ServletOutputStream stream) {
      out = stream;
      stream.setWriteListener(this); // the container calls onWritePossible
    }

    /** Serial. */
    void cancel() {
      cancelled = true;
      if (subscription != null) {
        subscription.cancel();
      }
    }

    @Override
    public void onNext(ByteBuffer item) {
      serial.execute(() -> {
        if (cancelled) {
          return;
        }
        asked = false;
        current = item;
        pump();
      });
    }

    /** The bytes for the client failed (Flow), or writing failed (WriteListener): closed at once. */
    @Override
    public void onError(Throwable failure) {
      serial.execute(() -> close(failure));
    }

    @Override
    public void onComplete() {
      serial.execute(() -> {
        completing = true;
        pump();
      });
    }

    /** Writes what waits while the container can take it; asks for more when all is out. Serial. */
    private void pump() {
      if (out == null || subscription == null || cancelled) {
        return;
      }
      try {
        while (true) {
          if (current != null) {
            if (!out.isReady()) {
              return; // onWritePossible follows
            }
            ByteBuffer b = current;
            current = null;
            if (b.hasArray()) {
              out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            } else {
              byte[] copy = new byte[b.remaining()];
              b.get(copy);
              out.write(copy);
            }
            unflushed = true;
            continue;
          }
          if (unflushed) {
            if (!out.isReady()) {
              return;
            }
            unflushed = false;
            out.flush();
            continue;
          }
          if (!out.isReady()) {
            return; // the flush is still going out
          }
          if (completing) {
            cancelled = true;
            closed = true;
            source.fail(new IOException("the session ended"));
            if (connection != null) {
              closeQuietly(connection);
            }
            return;
          }
          if (!asked) {
            asked = true;
            subscription.request(1);
          }
          return;
        }
      } catch (IOException | RuntimeException e) {
        close(e);
      }
    }

    @Override
    public void onWritePossible() {
      serial.execute(this::pump);
    }
  }
}
