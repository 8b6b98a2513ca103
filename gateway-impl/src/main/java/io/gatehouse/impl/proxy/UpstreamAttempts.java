package io.gatehouse.impl.proxy;

import io.gatehouse.TimeSource;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.pool.Lease;
import io.gatehouse.impl.pool.LiveTarget;
import io.gatehouse.impl.pool.Pick;
import io.gatehouse.impl.pool.Refusal;
import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.UpstreamSpan;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's calls to its upstream group: an attempt to a leased target, then, while the
 * route's {@link RetryRules} allow it and its deadline leaves time, a backoff and another attempt,
 * to another target when there is one. Each attempt's timeouts are cut to what is left of the
 * deadline. Every lease is completed exactly once with the attempt's outcome, and every attempt
 * has an {@link UpstreamSpan}, child of the request's, whose context its headers carry and which
 * ends exactly once with the attempt. Holds no thread.
 */
final class UpstreamAttempts {
  private static final Logger log = LoggerFactory.getLogger(UpstreamAttempts.class);
  /** How much of a retried response's body is read to keep its connection; more is cut off. */
  private static final long DRAIN_LIMIT = 64 * 1024;

  /** How the attempts ended, for the client and the route's circuit breaker. */
  record Result(Response response, CallOutcome outcome, int status) {}

  private final String routeId;
  private final RequestState state;
  private final Destination destination;
  private final Request template;
  private final String path;
  private final byte[] body; // null when the body streams (one attempt only)
  private final String key;
  private final UpstreamTransport transport;
  private final RetryRules retry; // null when the request may not be retried
  private final long deadline; // state.time().nanoTime(); Long.MAX_VALUE without one
  private final TimeSource.Scheduler scheduler; // null when neither retries nor a deadline need it
  private final CompletableFuture<Result> result = new CompletableFuture<>();
  private final Set<LiveTarget> tried;
  // Per target, the state.time().nanoTime() before which its Retry-After forbids another attempt; guarded by this.
  private Map<LiveTarget, Long> notBefore;

  // Written under this, so a client's cancellation sees the attempt or timer in progress: what stops it.
  private Runnable pending;
  private boolean cancelled;
  private volatile boolean deadlinePassed;

  UpstreamAttempts(String routeId, RequestState state, Destination destination, Request template, String path,
      byte[] body, String key, UpstreamTransport transport, RetryRules retry, long deadline,
      TimeSource.Scheduler scheduler) {
    this.routeId = routeId;
    this.state = state;
    this.destination = destination;
    this.template = template;
    this.path = path;
    this.body = body;
    this.key = key;
    this.transport = transport;
    this.retry = retry;
    this.deadline = deadline;
    this.scheduler = scheduler;
    this.tried = retry == null ? Set.of() : new HashSet<>(4);
  }

  CompletableFuture<Result> start() {
    state.onCancel(this::cancel);
    attempt(1);
    return result;
  }

  /** Stops the attempt or backoff in progress, as a client's leaving does; the result says CANCELLED. */
  void cancel() {
    Runnable current;
    synchronized (this) {
      cancelled = true;
      current = pending;
    }
    if (current != null) {
      current.run();
    }
  }

  private void attempt(int number) {
    Lease lease = null;
    try {
      lease = leaseAndSend(number);
    } catch (RuntimeException e) {
      // Only a closed gateway's scheduler refuses work; anything else is a bug, but the client still gets an answer.
      if (lease != null) {
        lease.complete(CallOutcome.CANCELLED, 0, 0);
      }
      failUnexpectedly(e);
    }
  }

  /** Sends one attempt; returns its lease, or null when it ended without one. */
  private Lease leaseAndSend(int number) {
    long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - state.time().nanoTime();
    if (remaining <= 0) {
      finish(deadlineProblem(), CallOutcome.TIMEOUT, 0);
      return null;
    }
    Pick pick = destination.pool().lease(key, tried, waitingFor(state.time().nanoTime()));
    if (pick instanceof Refusal refusal) {
      log.warn("route '{}' request {}: {}", routeId, state.requestId(), refusal.detail());
      state.reject(Rejection.NO_UPSTREAM);
      finish(RetryAfter.on(state.problem(503, "Service Unavailable", refusal.detail()), refusal.retryAfter()),
          CallOutcome.CONNECT_FAILURE, 0);
      return null;
    }
    Lease lease = (Lease) pick;
    LiveTarget target = lease.target();
    if (retry != null) {
      tried.add(target);
    }
    // A timeout of an attempt whose timeouts the deadline cut is the deadline's.
    boolean cutShort = remaining < Math.max(destination.connectTimeout().toNanos(), destination.responseTimeout().toNanos());
    TimeSource.Scheduled deadlineTimer;
    try {
      deadlineTimer = remaining == Long.MAX_VALUE || scheduler == null ? null
          : scheduler.schedule(Duration.ofNanos(remaining), this::deadlinePassed);
    } catch (RuntimeException e) {
      lease.complete(CallOutcome.CANCELLED, 0, 0); // the caller never sees this lease
      throw e;
    }
    // Started after the last step that may throw, so that ended(...) always ends it.
    String targetPath = target.basePath() + path;
    UpstreamSpan span = state.trace().upstream(template.method(),
        target.origin() + targetPath + template.rawQuery().map(q -> "?" + q).orElse(""), number);
    HttpHeaders.Builder headers = template.headers().toBuilder();
    span.inject(headers::set);
    Request out = template.toBuilder()
        .path(targetPath)
        .headers(headers.build())
        .body(body == null ? template.body() : Body.of(body))
        .build();
    UpstreamCall call = new UpstreamCall(target.origin(), out,
        cut(destination.connectTimeout(), remaining), cut(destination.responseTimeout(), remaining),
        destination.bodyIdleTimeout(), // the route's deadline ends with the head: the body is not cut to it
        destination.pool().spec().tls(), destination.pool().spec().http2());
    long started = state.time().nanoTime();
    state.upstreamAttemptStarted();
    CompletableFuture<Response> sent;
    try {
      sent = transport.send(call).toCompletableFuture();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Response> attempt = sent;
    boolean cancelledAlready;
    synchronized (this) {
      pending = () -> attempt.cancel(true);
      cancelledAlready = cancelled;
    }
    if (cancelledAlready || deadlinePassed) {
      attempt.cancel(true);
    }
    attempt.whenComplete((response, failure) -> {
      if (deadlineTimer != null) {
        deadlineTimer.cancel();
      }
      try {
        ended(number, lease, span, response, failure, state.time().nanoTime() - started, cutShort);
      } catch (RuntimeException e) {
        lease.complete(CallOutcome.CANCELLED, 0, 0);
        failUnexpectedly(e);
      }
    });
    return lease;
  }

  private void deadlinePassed() {
    Runnable current;
    synchronized (this) {
      deadlinePassed = true;
      current = pending;
    }
    if (current != null) {
      current.run();
    }
  }

  private void failUnexpectedly(RuntimeException e) {
    if (e instanceof RejectedExecutionException) {
      finish(state.problem(503, "Service Unavailable", "the gateway is shutting down"), CallOutcome.CANCELLED, 0);
    } else {
      log.error("route '{}' request {}: the upstream call failed unexpectedly", routeId, state.requestId(), e);
      finish(state.problem(502, "Bad Gateway", "the upstream call failed"), CallOutcome.CANCELLED, 0);
    }
  }

  private void ended(int number, Lease lease, UpstreamSpan span, Response response, Throwable failure, long nanos,
      boolean cutShort) {
    Throwable cause = CallOutcome.unwrapped(failure);
    int status = response == null ? 0 : response.status();
    // The deadline's timer cancels the call: that cancellation is the deadline's timeout.
    CallOutcome outcome = response == null && deadlinePassed ? CallOutcome.TIMEOUT : CallOutcome.of(response, failure);
    span.end(status, response != null ? Optional.empty() : Optional.of(failureType(outcome, cause)));
    lease.complete(outcome, status, nanos);
    state.upstreamAttemptEnded(lease.target().target().url(), nanos);

    long wait = retryWait(number, outcome, status, lease.target(), retryAfter(response));
    if (wait >= 0) {
      if (response != null) {
        response.body().bytes(DRAIN_LIMIT); // read and dropped, so the connection goes back to the pool
      }
      log.debug("route '{}' request {}: attempt {} to {} ended {} {}; retrying in {} ms", routeId, state.requestId(),
          number, lease.target(), outcome, status, TimeUnit.NANOSECONDS.toMillis(wait));
      if (wait == 0 || scheduler == null) {
        attempt(number + 1);
      } else {
        TimeSource.Scheduled timer = scheduler.schedule(Duration.ofNanos(wait), () -> attempt(number + 1));
        boolean cancelledAlready;
        synchronized (this) {
          pending = timer::cancel;
          cancelledAlready = cancelled;
        }
        if (cancelledAlready && timer.cancel()) {
          finish(state.problem(502, "Bad Gateway", "the upstream call was cancelled"), CallOutcome.CANCELLED, 0);
        }
      }
      return;
    }
    if (response != null) {
      finish(response, outcome, status);
    } else if (deadlinePassed || (cutShort && outcome == CallOutcome.TIMEOUT)) {
      finish(deadlineProblem(), outcome, 0);
    } else {
      state.reject(Rejection.UPSTREAM_FAILED);
      finish(UpstreamProblems.of(state, routeId, lease.target(), cause), outcome, 0);
    }
  }

  /** A failed attempt's error type for its span: low-cardinality, as OpenTelemetry's {@code error.type}. */
  private String failureType(CallOutcome outcome, Throwable cause) {
    if (deadlinePassed) {
      return "timeout";
    }
    if (cause instanceof UpstreamException upstream) {
      return upstream.kind().name().toLowerCase(Locale.ROOT);
    }
    return outcome == CallOutcome.CANCELLED ? "cancelled" : cause == null ? "unknown" : cause.getClass().getName();
  }

  /** The upstream's Retry-After in nanoseconds, or -1 without a valid one. */
  private long retryAfter(Response response) {
    if (response == null || retry == null) {
      return -1;
    }
    return response.headers().first(RetryAfter.HEADER)
        .flatMap(v -> RetryAfter.parse(v, state.time().now()))
        .map(Duration::toNanos).orElse(-1L);
  }

  /** The targets whose Retry-After has not passed at {@code now}. */
  private synchronized Set<LiveTarget> waitingFor(long now) {
    if (notBefore == null) {
      return Set.of();
    }
    Set<LiveTarget> waiting = new HashSet<>();
    notBefore.forEach((target, until) -> {
      if (until - now > 0) {
        waiting.add(target);
      }
    });
    return waiting;
  }

  /**
   * The wait before another attempt, or -1 when there is none: the backoff, or, when the target
   * said Retry-After and no other target is available, until the soonest target may be called.
   */
  private long retryWait(int number, CallOutcome outcome, int status, LiveTarget target, long retryAfter) {
    if (retry == null || number > retry.spec.maxRetries() || !retry.retries(outcome, status)) {
      return -1;
    }
    synchronized (this) {
      if (cancelled) {
        return -1;
      }
    }
    long wait = retry.backoffNanos(number);
    if (retryAfter >= 0) {
      long now = state.time().nanoTime();
      synchronized (this) {
        if (notBefore == null) {
          notBefore = new HashMap<>(4);
        }
        notBefore.merge(target, now + retryAfter, Math::max);
      }
      Set<LiveTarget> waiting = waitingFor(now + wait);
      if (!waiting.isEmpty() && !destination.pool().hasOtherTarget(waiting)) {
        long soonest = Long.MAX_VALUE;
        synchronized (this) {
          for (LiveTarget t : waiting) {
            soonest = Math.min(soonest, notBefore.get(t) - now);
          }
        }
        wait = Math.max(wait, soonest);
        if (deadline == Long.MAX_VALUE && wait > retry.spec.maxBackoff().toNanos()) {
          // Without a route deadline nothing bounds the wait: a Retry-After past the longest backoff is not waited for.
          return -1;
        }
      }
    }
    if (deadline != Long.MAX_VALUE && state.time().nanoTime() + wait >= deadline) {
      return -1;
    }
    if (!retry.spend()) {
      log.debug("route '{}' request {}: retry budget spent; no retry", routeId, state.requestId());
      return -1;
    }
    return wait;
  }

  private Response deadlineProblem() {
    state.reject(Rejection.UPSTREAM_FAILED);
    return state.problem(504, "Gateway Timeout", "the upstream did not answer within the route's timeout");
  }

  private void finish(Response response, CallOutcome outcome, int status) {
    result.complete(new Result(response, outcome, status));
  }

  private static Duration cut(Duration timeout, long remainingNanos) {
    return remainingNanos == Long.MAX_VALUE || timeout.toNanos() <= remainingNanos ? timeout : Duration.ofNanos(remainingNanos);
  }
}
