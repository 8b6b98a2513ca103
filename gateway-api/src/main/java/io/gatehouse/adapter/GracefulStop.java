package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import io.gatehouse.http.Response;
import java.time.Duration;
import java.util.Objects;

/**
 * The gate of a graceful stop: counts the requests in flight through an adapter's server and,
 * once {@linkplain #drain draining}, turns new ones away while those in flight finish.
 *
 * <pre>{@code
 * GracefulStop gate = GracefulStop.create();
 *
 * // adapter, per request:
 * if (!gate.enter()) {
 *   respond(gate.refusal(RequestId.of(request.headers())));   // 503, Connection: close, Retry-After
 *   return;
 * }
 * ... when the exchange has ended (response written, or the client gone):
 * gate.exit();
 *
 * // server's stop(timeout), on an application thread:
 * boolean clean = gate.drain(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>An adapter's server closes its listening socket first (new connections are refused), then
 * drains: requests in flight, their response bodies included, may finish until the timeout; a new
 * request on a connection already open is refused with {@link #refusal}; a response that starts
 * while {@linkplain #isDraining() draining} should end its connection. After the timeout the server
 * closes what is left.
 *
 * <p><b>Threads.</b> Thread-safe; {@link #enter()}, {@link #exit()} and {@link #refusal} never
 * block beyond a short lock. {@link #drain} blocks its caller: never call it on an I/O thread.
 *
 * @since 0.1
 */
@Unstable
public final class GracefulStop {
  private final Object lock = new Object();
  private int inFlight; // guarded by lock
  private boolean draining; // guarded by lock
  private long drainDeadline; // System.nanoTime(); guarded by lock

  private GracefulStop() {}

  /**
   * A gate that admits every request until {@link #drain} is called.
   *
   * <p>{@code GracefulStop gate = GracefulStop.create();}
   *
   * @return the gate
   */
  public static GracefulStop create() {
    return new GracefulStop();
  }

  /**
   * Admits and counts a request, unless draining.
   *
   * <p>{@code if (gate.enter()) { ... gate.exit() when it ends } else { answer gate.refusal(id) }}
   *
   * @return true if admitted: call {@link #exit()} exactly once when its exchange has ended; false
   *     while draining: answer with {@link #refusal}
   */
  public boolean enter() {
    synchronized (lock) {
      if (draining) {
        return false;
      }
      inFlight++;
      return true;
    }
  }

  /**
   * Ends the count of a request that {@link #enter()} admitted.
   *
   * <p>{@code gate.exit();}
   *
   * @throws IllegalStateException if no admitted request is in flight
   */
  public void exit() {
    synchronized (lock) {
      if (inFlight == 0) {
        throw new IllegalStateException("exit: no request in flight (expected: one exit per admitted enter())");
      }
      if (--inFlight == 0) {
        lock.notifyAll();
      }
    }
  }

  /**
   * The answer to a request turned away while draining: 503 problem+json
   * ({@code The server is shutting down.}) with {@code Connection: close} and
   * {@code Retry-After} the time left of the drain, when this server will be gone and a client
   * should try again (elsewhere, or on its successor); at least 1 second.
   *
   * <p>{@code Response r = gate.refusal(RequestId.of(request.headers()));}
   *
   * @param requestId the request's id, see {@link RequestId}
   * @return the response
   */
  public Response refusal(String requestId) {
    Objects.requireNonNull(requestId, "requestId");
    long left;
    synchronized (lock) {
      left = draining ? Math.max(0, drainDeadline - System.nanoTime()) : 0;
    }
    return ProblemResponse.retryAfter(
        ProblemResponse.closing(503, "The server is shutting down.", requestId), Duration.ofNanos(left));
  }

  /**
   * Whether a drain has begun: new requests are refused, and a response that starts now should
   * end its connection.
   *
   * <p>{@code if (gate.isDraining()) exchange.setPersistent(false);}
   *
   * @return true once {@link #drain} has been called
   */
  public boolean isDraining() {
    synchronized (lock) {
      return draining;
    }
  }

  /**
   * The requests admitted and not yet ended.
   *
   * <p>{@code int left = gate.inFlight();}
   *
   * @return the count
   */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Stops admitting requests and waits, on the calling thread, until none is in flight or the
   * timeout has passed. A later call starts a new wait with its own timeout.
   *
   * <p>{@code boolean clean = gate.drain(Duration.ofSeconds(10));}
   *
   * @param timeout how long to wait; zero does not wait
   * @return true if no request is in flight
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public boolean drain(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
    }
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    synchronized (lock) {
      draining = true;
      drainDeadline = deadline;
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  private static long saturatedNanos(Duration d) {
    return d.compareTo(Duration.ofDays(365 * 100)) > 0 ? Duration.ofDays(365 * 100).toNanos() : d.toNanos();
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "GracefulStop[" + (draining ? "draining, " : "") + inFlight + " in flight]";
    }
  }
}
