package io.gatehouse.impl.pool;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.HealthCheck;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one upstream group's active {@link HealthCheck}: every interval, {@code GET basePath + path}
 * to each of the group's targets through the gateway's transport, and each result goes to
 * {@link LiveTarget#recordCheck}, which flips the target's health at the thresholds.
 *
 * <pre>{@code
 * HealthChecker checker = new HealthChecker(pool, check, transport, gatewayScheduler);
 * checker.start();
 * ...
 * checker.close();
 * }</pre>
 *
 * <p>Threads: rounds run on the scheduler and only start calls, so they never block it (except
 * while the transport resolves a host name that is not in the JVM's DNS cache). Results are
 * recorded on the thread that completes the call: a transport I/O thread, or the scheduler's
 * thread (a manual clock's advancing thread) when a check times out. A target has at most one check in flight; a round skips it until that check
 * ends, which it does within the check's timeout.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  static final String USER_AGENT = "gatehouse-health-check";
  /** Bodies up to this size are read to their end, so that their connection is reused; larger ones are cut. */
  private static final long MAX_BODY_BYTES = 4096;

  private final TargetPool pool;
  private final HealthCheck check;
  private final UpstreamTransport transport;
  private final TimeSource.Scheduler scheduler;
  // LiveTarget has identity equality: a target that discovery replaces is a new key.
  private final ConcurrentMap<LiveTarget, Probe> inFlight = new ConcurrentHashMap<>();
  private TimeSource.Scheduled nextRound; // guarded by this; null before start() and once closed
  private boolean started; // guarded by this
  private volatile boolean closed;

  /**
   * Creates a checker; nothing runs before {@link #start()}.
   *
   * @param pool the group whose targets to check; its target list is read at each round
   * @param check what to check, and how often
   * @param transport the gateway's upstream transport
   * @param scheduler the gateway's timer; the checker never blocks it
   */
  public HealthChecker(TargetPool pool, HealthCheck check, UpstreamTransport transport, TimeSource.Scheduler scheduler) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.check = Objects.requireNonNull(check, "check");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * Runs the first round now and the next ones every interval after the previous one.
   *
   * @throws IllegalStateException if the checker was started or closed before
   */
  public synchronized void start() {
    if (closed || started) {
      throw new IllegalStateException(pool + ": health checker already " + (closed ? "closed" : "started"));
    }
    started = true;
    nextRound = scheduler.schedule(Duration.ZERO, this::round);
  }

  /** One round, and the next one an interval after it. */
  private void round() {
    try {
      probeAll();
    } finally {
      scheduleNext();
    }
  }

  private synchronized void scheduleNext() {
    if (closed) {
      return;
    }
    try {
      nextRound = scheduler.schedule(check.interval(), this::round);
    } catch (RejectedExecutionException e) {
      nextRound = null; // the gateway is closing
    }
  }

  private void probeAll() {
    for (LiveTarget target : pool.targets()) {
      if (closed) {
        return;
      }
      // A periodic task that throws is never run again, silently: no failure may escape.
      try {
        Probe probe = new Probe(target);
        if (inFlight.putIfAbsent(target, probe) == null) {
          if (closed) {
            // close() may have aborted the checks in flight before this one was added.
            inFlight.remove(target, probe);
            return;
          }
          probe.start();
        }
      } catch (RuntimeException e) {
        log.warn("{}: health check of target {} could not run", pool, target, e);
      }
    }
  }

  /** Stops the rounds and aborts the checks in flight; no result is recorded afterwards. Later calls do nothing. */
  @Override
  public void close() {
    TimeSource.Scheduled next;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      next = nextRound;
      nextRound = null;
    }
    if (next != null) {
      next.cancel();
    }
    // Aborted at once so that closing the transport next does not wait for them.
    inFlight.values().forEach(probe -> probe.abort("the health checker is closed"));
  }

  /** One check of one target, from sending the request to the end of the response body. */
  private final class Probe {
    private final LiveTarget target;
    private final BodyDrain drain = new BodyDrain(MAX_BODY_BYTES);
    private volatile CompletableFuture<Response> call;
    private volatile String abortReason; // why abort() cancelled the call, for the check's detail

    Probe(LiveTarget target) {
      this.target = target;
    }

    /** Never throws: a probe that stayed in {@code inFlight} would stop its target's checks for good. */
    void start() {
      drain.done().whenComplete((ignored, failure) -> inFlight.remove(target, this));
      try {
        Request request = Request.builder("GET", target.basePath() + check.path())
            .header("User-Agent", USER_AGENT)
            .build();
        // The group's TLS setting: a check of an mTLS upstream presents the same certificate as its calls.
        call = transport.send(new UpstreamCall(target.origin(), request, check.timeout(), check.timeout(), check.timeout(),
            pool.spec().tls(), pool.spec().http2()))
            .toCompletableFuture();
        if (abortReason != null) {
          call.cancel(true); // aborted (by close()) while starting
        }
        call.whenComplete(this::answered);
        // The transport has timeouts of its own, but a faulty one must not stall the checks.
        TimeSource.Scheduled deadline = scheduler.schedule(check.timeout(), this::expire);
        drain.done().whenComplete((ignored, failure) -> deadline.cancel());
      } catch (RuntimeException e) {
        String reason = "the check could not start: " + e;
        abort(reason);
        if (call == null) {
          record(false, reason); // otherwise answered() records the cancelled call
        }
      }
    }

    private void answered(Response response, Throwable failure) {
      try {
        if (response == null) {
          record(false, describe(failure));
          drain.stop();
          return;
        }
        int status = response.status();
        boolean passed = status >= check.expectedStatusFrom() && status <= check.expectedStatusTo();
        record(passed, "status " + status + " (expected: " + check.expectedStatusFrom() + ".." + check.expectedStatusTo() + ")");
        response.body().subscribe(drain);
      } catch (RuntimeException e) {
        log.warn("{}: health check of target {} failed to end", pool, target, e);
        drain.stop();
      }
    }

    private void expire() {
      abort("no answer within " + check.timeout());
    }

    /** Cancels the call, or the response body if the head has arrived. */
    void abort(String reason) {
      abortReason = reason;
      CompletableFuture<Response> started = call;
      if (started != null) {
        started.cancel(true);
      }
      drain.stop();
    }

    private void record(boolean passed, String detail) {
      if (!closed) {
        target.recordCheck(passed, check.healthyThreshold(), check.unhealthyThreshold(), detail);
      }
    }

    private String describe(Throwable failure) {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      String reason = abortReason;
      if (cause instanceof CancellationException && reason != null) {
        return reason;
      }
      if (cause instanceof UpstreamException e) {
        return e.kind() + ": " + e.getMessage();
      }
      return cause.toString();
    }
  }
}
