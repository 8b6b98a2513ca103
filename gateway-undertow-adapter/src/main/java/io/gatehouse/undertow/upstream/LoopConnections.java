package io.gatehouse.undertow.upstream;

import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.upstream.ConnectionPool;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * The connections one I/O thread holds to every upstream, and the calls made on that thread. Only
 * that thread touches them, so nothing here is locked; the per-origin limit is shared with the
 * transport's other threads through {@link Origin}. A call that finds no idle connection and no
 * free slot waits, at most the pool's acquire timeout, for a connection released on any thread.
 */
final class LoopConnections {
  private static final OptionMap SOCKET_OPTIONS = OptionMap.builder()
      .set(Options.TCP_NODELAY, true)
      .set(Options.KEEP_ALIVE, true)
      .getMap();
  private static final int READ_BUFFER = 32 * 1024;
  /** How often the response timeouts of this thread's exchanges are checked while any runs. */
  static final long SILENCE_CHECK_MILLIS = 50;

  private final IoThreadTransport transport;
  private final XnioIoThread thread;
  private final ConnectionPool pool;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
  private final Map<Origin, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
  private final Set<UpstreamConnection> open = new HashSet<>();
  private volatile int available;
  private XnioExecutor.Key sweep;
  private XnioExecutor.Key silenceWatch;
  private boolean closing;

  LoopConnections(IoThreadTransport transport, XnioIoThread thread, ConnectionPool pool) {
    this.transport = transport;
    this.thread = thread;
    this.pool = pool;
  }

  XnioIoThread thread() {
    return thread;
  }

  /** The buffer every connection of this thread reads into; its bytes are copied before the read returns. */
  ByteBuffer readBuffer() {
    return readBuffer;
  }

  /** Idle connections, for the pool's status. */
  int available() {
    return available;
  }

  /** Runs the task on this thread: now if already on it, else queued in order. */
  void run(Runnable task) {
    runIfAlive(task);
  }

  /** Runs the task on this thread in a later turn of its loop, after the events waiting now. */
  void later(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException stopped) {
      // The worker has stopped: its connections are closed with it.
    }
  }

  /**
   * As {@link #run}; false if the thread has stopped (its worker shut down, which closed its
   * connections), so the task will never run.
   */
  boolean runIfAlive(Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
      return true;
    }
    if (thread.getWorker().isShutdown()) {
      return false;
    }
    try {
      thread.execute(task);
      return true;
    } catch (RejectedExecutionException stopped) {
      return false;
    }
  }

  // ------------------------------------------------------------------ acquiring

  /** Starts the exchange on an idle connection or a new one, or has it wait for one. */
  void acquire(Exchange e) {
    if (closing || transport.isClosed()) {
      e.failBeforeHead(new UpstreamException(Kind.CONNECT_REFUSED, e.description() + ": the transport is closed"));
      return;
    }
    startOrWait(e);
  }

  /** A connection for the origin of a waiting exchange may be free now (another thread released one). */
  void wake(Exchange e) {
    if (e.isWaiting() && e.origin().forget(e)) {
      e.stopWaiting();
      startOrWait(e);
    }
  }

  /**
   * Starts the exchange, or queues it. A slot freed on another thread between a failed try and the
   * queueing would wake nobody (the releaser found the queue empty), so once queued the exchange
   * looks again, and takes itself off the queue to try once more if a slot or an idle connection
   * is there now; from then on every release sees it in the queue.
   */
  private void startOrWait(Exchange e) {
    Origin origin = e.origin();
    while (!tryStart(e)) {
      e.startWaiting(pool.acquireTimeout().toNanos());
      origin.await(e);
      if (!mayStartNow(origin) || !origin.forget(e)) {
        return;
      }
      e.stopWaiting();
    }
  }

  /** Whether a try could succeed now: an idle connection here, or a free slot under both limits. */
  private boolean mayStartNow(Origin origin) {
    ArrayDeque<UpstreamConnection> connections = idle.get(origin);
    return connections != null && !connections.isEmpty()
        || origin.open() < pool.maxPerOrigin() && transport.open() < pool.maxTotal();
  }

  private boolean tryStart(Exchange e) {
    Origin origin = e.origin();
    if (!e.newConnectionOnly()) {
      UpstreamConnection c = takeIdle(origin);
      if (c != null) {
        c.start(e, true);
        return true;
      }
    }
    if (reserve(origin) || closeOneIdle(origin) && reserve(origin)) {
      connect(e);
      return true;
    }
    return false;
  }

  private boolean reserve(Origin origin) {
    if (!origin.reserve(pool.maxPerOrigin())) {
      return false;
    }
    if (!transport.reserveTotal()) {
      origin.free();
      return false;
    }
    return true;
  }

  private UpstreamConnection takeIdle(Origin origin) {
    ArrayDeque<UpstreamConnection> connections = idle.get(origin);
    if (connections == null) {
      return null;
    }
    long now = System.nanoTime();
    for (UpstreamConnection c = connections.pollFirst(); c != null; c = connections.pollFirst()) {
      available--;
      if (c.isOpen() && now - c.openedAt() < pool.maxLifetime().toNanos()) {
        return c;
      }
      c.close();
    }
    return null;
  }

  /**
   * Makes room under the pool's limits by closing an idle connection of this thread, where that
   * helps: one to the origin itself (a call that must open a new connection), else, when it is the
   * total limit that is reached, the longest-idle one to any origin.
   */
  private boolean closeOneIdle(Origin origin) {
    ArrayDeque<UpstreamConnection> same = idle.get(origin);
    if (same != null && !same.isEmpty()) {
      same.peekLast().close();
      return true;
    }
    if (origin.open() >= pool.maxPerOrigin()) {
      return false;
    }
    UpstreamConnection oldest = null;
    for (ArrayDeque<UpstreamConnection> connections : idle.values()) {
      UpstreamConnection c = connections.peekLast();
      if (c != null && (oldest == null || c.idleSince() < oldest.idleSince())) {
        oldest = c;
      }
    }
    if (oldest == null) {
      return false;
    }
    oldest.close();
    return true;
  }

  private void connect(Exchange e) {
    Origin origin = e.origin();
    IoFuture<?>[] opening = new IoFuture<?>[1];
    e.connecting(() -> {
      IoFuture<?> f = opening[0];
      if (f != null) {
        f.cancel();
      }
      e.failBeforeHead(new UpstreamException(Kind.CONNECT_TIMEOUT, e.description() + ": no connection within "
          + e.call().connectTimeout().toMillis() + " ms"));
    });
    transport.resolve(origin.host()).whenComplete((address, failure) -> run(() -> {
      if (failure != null || e.finished()) {
        freeSlot(origin);
        if (failure != null) {
          e.failBeforeHead(IoThreadTransport.unresolved(e.description(), origin.host(), failure));
        }
        return;
      }
      IoFuture<StreamConnection> f = thread.openStreamConnection(
          new InetSocketAddress(address, origin.port()), null, SOCKET_OPTIONS);
      opening[0] = f;
      f.addNotifier((future, ignored) -> run(() -> connected(future, e)), null);
    }));
  }

  private void connected(IoFuture<? extends StreamConnection> future, Exchange e) {
    Origin origin = e.origin();
    switch (future.getStatus()) {
      case DONE -> {
        StreamConnection channel;
        try {
          channel = future.get();
        } catch (IOException impossible) {
          freeSlot(origin);
          e.failBeforeHead(refused(e, impossible));
          return;
        }
        UpstreamConnection c = new UpstreamConnection(this, origin, channel);
        open.add(c);
        if (e.finished() || closing) {
          c.close();
          return;
        }
        c.start(e, false);
      }
      case FAILED -> {
        freeSlot(origin);
        e.failBeforeHead(refused(e, future.getException()));
      }
      default -> freeSlot(origin); // cancelled by the connect timeout, which failed the exchange
    }
  }

  private static UpstreamException refused(Exchange e, IOException cause) {
    String why = cause instanceof ConnectException ? "the upstream refused the connection" : "connecting failed";
    return new UpstreamException(Kind.CONNECT_REFUSED, e.description() + ": " + why + ": " + cause.getMessage(), cause);
  }

  // ------------------------------------------------------------------ releasing

  /** The exchange on the connection is over; a reusable connection serves a waiting call or idles. */
  void released(UpstreamConnection c, boolean reusable) {
    if (!reusable || closing || transport.isClosed() || !c.isOpen()
        || System.nanoTime() - c.openedAt() >= pool.maxLifetime().toNanos()) {
      c.close();
      return;
    }
    Origin origin = c.origin();
    for (Exchange w = origin.nextWaiter(); w != null; w = origin.nextWaiter()) {
      if (w.loop() == this) {
        if (w.isWaiting()) {
          w.stopWaiting();
          c.start(w, true);
          return;
        }
      } else {
        // The connection belongs to this thread; the waiter's thread opens its own in the freed
        // slot: closing frees it and wakes a waiter (this one is put back in line).
        origin.await(w);
        c.close();
        return;
      }
    }
    idle.computeIfAbsent(origin, o -> new ArrayDeque<>()).addFirst(c);
    available++;
    c.idle();
    scheduleSweep();
  }

  /** The connection closed (UpstreamConnection.close): its slot goes back, and a waiter may take it. */
  void closed(UpstreamConnection c) {
    open.remove(c);
    ArrayDeque<UpstreamConnection> connections = idle.get(c.origin());
    if (connections != null && connections.remove(c)) {
      available--;
    }
    freeSlot(c.origin());
  }

  private void freeSlot(Origin origin) {
    origin.free();
    transport.freeTotal();
    Exchange w = origin.nextWaiter();
    if (w != null) {
      w.origin().await(w);
      w.loop().run(() -> w.loop().wake(w));
    }
  }

  // ------------------------------------------------------------------ sweeping and closing

  /**
   * Starts the response-timeout sweep if it is not running: one timer per thread every
   * {@value #SILENCE_CHECK_MILLIS} ms while any exchange is on a connection, rather than a timer
   * per call (so a response timeout fires up to that much late, as the httpclient5 transport's).
   */
  void watchSilence() {
    if (silenceWatch == null) {
      silenceWatch = thread.executeAfter(this::checkSilence, SILENCE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void checkSilence() {
    silenceWatch = null;
    long now = System.nanoTime();
    List<Exchange> silent = null;
    boolean busy = false;
    for (UpstreamConnection c : open) {
      Exchange e = c.exchange();
      if (e != null) {
        busy = true;
        if (e.silentPast(now)) {
          if (silent == null) {
            silent = new ArrayList<>();
          }
          silent.add(e);
        }
      }
    }
    if (silent != null) {
      silent.forEach(Exchange::silenceTimedOut);
    }
    if (busy) {
      watchSilence();
    }
  }

  private void scheduleSweep() {
    if (sweep == null && available > 0) {
      long every = Math.max(50, Math.min(5_000,
          Math.min(pool.maxLifetime().toMillis(), pool.idleTimeout().toMillis()) / 4));
      sweep = thread.executeAfter(this::sweep, every, TimeUnit.MILLISECONDS);
    }
  }

  /** Closes idle connections past the idle timeout or the max lifetime; runs only while some idle. */
  private void sweep() {
    sweep = null;
    long now = System.nanoTime();
    List<UpstreamConnection> expired = new ArrayList<>();
    for (ArrayDeque<UpstreamConnection> connections : idle.values()) {
      for (UpstreamConnection c : connections) {
        if (now - c.idleSince() >= pool.idleTimeout().toNanos() || now - c.openedAt() >= pool.maxLifetime().toNanos()) {
          expired.add(c);
        }
      }
    }
    expired.forEach(UpstreamConnection::close);
    idle.values().removeIf(ArrayDeque::isEmpty);
    scheduleSweep();
  }

  /** Closes idle connections now, and every other one once its exchange had {@code graceMillis} to finish. */
  void close(long graceMillis, Runnable done) {
    closing = true;
    for (ArrayDeque<UpstreamConnection> connections : idle.values()) {
      new ArrayList<>(connections).forEach(UpstreamConnection::close);
    }
    if (sweep != null) {
      sweep.remove();
      sweep = null;
    }
    if (open.isEmpty()) {
      done.run();
      return;
    }
    thread.executeAfter(() -> {
      for (Iterator<UpstreamConnection> it = new ArrayList<>(open).iterator(); it.hasNext(); ) {
        it.next().lost("the transport was closed", null);
      }
      done.run();
    }, graceMillis, TimeUnit.MILLISECONDS);
  }

  /** Passes a failed attempt to the transport, which sends it once more or fails the call. */
  void attemptFailed(Exchange e, UpstreamException failure, boolean responseStarted) {
    transport.attemptFailed(e, failure, responseStarted);
  }
}
