package io.gatehouse.impl.websocket;

import io.gatehouse.TimeSource;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied WebSocket session: the client's bytes on their way to the upstream and the
 * upstream's on their way to the client, each through a {@link FrameGate}, and the idle timer.
 * Whatever ends one direction ends the other: a breach (1002 or 1009 to the sender, 1001 to the
 * other side), the idle timeout (1001 to both), one side leaving (1001 to the other unless that
 * side had sent its close frame, which has then passed on).
 */
final class WebSocketSession implements FrameGate.Session {
  private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
  /** How long an ended session's last frames may take to be written before the connections close anyway. */
  static final Duration LINGER = Duration.ofSeconds(10);

  private final String name;
  private final TimeSource time;
  private final TimeSource.Scheduler scheduler;
  private final long idleNanos;
  private final FrameGate toUpstream;
  private volatile FrameGate toClient;
  private final AtomicBoolean over = new AtomicBoolean();
  private volatile long lastActive;
  private volatile TimeSource.Scheduled idleTimer;

  /**
   * @param name the route and request, for the log
   * @param fromClient the client's bytes once its connection has switched
   */
  WebSocketSession(String name, Flow.Publisher<ByteBuffer> fromClient, long maxFrame, long maxMessage, Duration idle,
      TimeSource time, TimeSource.Scheduler scheduler) {
    this.name = name;
    this.time = time;
    this.scheduler = scheduler;
    this.idleNanos = idle.toNanos();
    this.toUpstream = new FrameGate(fromClient, true, maxFrame, maxMessage, this);
  }

  /** The client's bytes as the upstream gets them. */
  Flow.Publisher<ByteBuffer> toUpstream() {
    return toUpstream;
  }

  /**
   * The upstream switched: its bytes as the client gets them. The idle timer starts now.
   *
   * @param fromUpstream the upstream's bytes after its 101
   */
  Flow.Publisher<ByteBuffer> start(Flow.Publisher<ByteBuffer> fromUpstream, long maxFrame, long maxMessage) {
    FrameGate gate = new FrameGate(fromUpstream, false, maxFrame, maxMessage, this);
    toClient = gate;
    active();
    armIdle(idleNanos);
    return gate;
  }

  /** The upstream did not switch: the client's bytes are not wanted. */
  void abandon() {
    if (over.compareAndSet(false, true)) {
      toUpstream.abort();
    }
  }

  @Override
  public void active() {
    lastActive = time.nanoTime();
  }

  @Override
  public void breach(FrameGate gate, int code, String why) {
    if (!over.compareAndSet(false, true)) {
      return;
    }
    log.debug("{}: the {} sent {}: closing with {}", name, gate.fromClient() ? "client" : "upstream", why, code);
    // The count of the client's bytes ends before the session's record is made (CountingBody order).
    if (gate.fromClient()) {
      toUpstream.close(FrameGate.GOING_AWAY);
      closeToClient(code);
    } else {
      toUpstream.close(code);
      closeToClient(FrameGate.GOING_AWAY);
    }
    cancelIdle();
  }

  @Override
  public void ended(FrameGate gate, boolean senderLeft) {
    if (!over.compareAndSet(false, true)) {
      return;
    }
    boolean clientLeft = gate.fromClient() == senderLeft;
    log.debug("{}: the {} left the session", name, clientLeft ? "client" : "upstream");
    // The side still there gets a close frame, unless the one that left sent its own, which has passed on.
    if (clientLeft) {
      if (toUpstream.closeSeen()) {
        toUpstream.end();
      } else {
        toUpstream.close(FrameGate.GOING_AWAY);
      }
      endToClient();
    } else {
      toUpstream.end();
      FrameGate gate2 = toClient;
      if (gate2 != null && gate2.closeSeen()) {
        gate2.end();
      } else {
        closeToClient(FrameGate.GOING_AWAY);
      }
    }
    cancelIdle();
  }

  private void closeToClient(int code) {
    FrameGate gate = toClient;
    if (gate != null) {
      gate.close(code);
    }
  }

  private void endToClient() {
    FrameGate gate = toClient;
    if (gate != null) {
      gate.end();
    }
  }

  private void armIdle(long nanos) {
    try {
      idleTimer = scheduler.schedule(Duration.ofNanos(nanos), this::idleCheck);
    } catch (RejectedExecutionException closed) {
      idle(); // the gateway is closing: so is the session
    }
  }

  private void idleCheck() {
    if (over.get()) {
      return;
    }
    long quiet = time.nanoTime() - lastActive;
    if (quiet >= idleNanos) {
      idle();
    } else {
      armIdle(idleNanos - quiet);
    }
  }

  private void idle() {
    if (!over.compareAndSet(false, true)) {
      return;
    }
    log.debug("{}: no frame either way for {} ms: closing with 1001", name, idleNanos / 1_000_000);
    toUpstream.close(FrameGate.GOING_AWAY);
    closeToClient(FrameGate.GOING_AWAY);
    cancelIdle();
  }

  /**
   * The session is over; its last frames are on their way. A receiver that does not take them
   * within {@link #LINGER} (it stopped reading) has its connection closed regardless, so that no
   * connection outlives its session for long.
   */
  private void cancelIdle() {
    TimeSource.Scheduled t = idleTimer;
    if (t != null) {
      t.cancel();
    }
    try {
      scheduler.schedule(LINGER, () -> {
        toUpstream.abort();
        FrameGate gate = toClient;
        if (gate != null) {
          gate.abort();
        }
      });
    } catch (RejectedExecutionException closed) {
      toUpstream.abort();
      FrameGate gate = toClient;
      if (gate != null) {
        gate.abort();
      }
    }
  }
}
