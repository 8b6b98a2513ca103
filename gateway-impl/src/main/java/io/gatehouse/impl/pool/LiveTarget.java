package io.gatehouse.impl.pool;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.resilience.Breaker;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TargetStatus;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target of an upstream group at run time: where it is, whether the health checks let it take
 * traffic, its circuit, and how many requests are in flight to it. Thread-safe. The target of a
 * gateway swapped in, in a group of the same name and health settings, takes this state over
 * ({@link #takeOver}).
 */
public final class LiveTarget {
  private static final Logger log = LoggerFactory.getLogger(LiveTarget.class);

  private final Target target;
  private final URI origin;
  private final String basePath;
  private final TimeSource time;
  private final Optional<OutlierDetection> outliers;
  private final Breaker breaker; // null without one
  private final String group;
  private final Observers observers;
  private final AtomicInteger inFlight = new AtomicInteger(); // this gateway's calls only: not taken over
  private volatile State state;

  /** What the checks, outlier detection and calls found; shared with a successor. */
  private static final class State {
    volatile boolean activeHealthy = true;
    int checksInARow; // successes while unhealthy, failures while healthy; guarded by this (the state)
    volatile long ejectedUntil; // time.nanoTime() the ejection ends; creation time when never ejected
    int failuresInARow; // guarded by this
    int ejections; // guarded by this

    State(long now) {
      this.ejectedUntil = now;
    }
  }

  LiveTarget(Target target, URI url, TimeSource time, Optional<OutlierDetection> outliers, Breaker breaker,
      String group, Observers observers) {
    this.group = group;
    this.observers = observers;
    this.target = target;
    this.origin = URI.create(url.getScheme() + "://" + url.getRawAuthority());
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.time = time;
    this.state = new State(time.nanoTime());
    this.outliers = outliers;
    this.breaker = breaker;
  }

  /**
   * Takes over a predecessor's health, ejection and circuit: from now on both share them. Requests
   * in flight are not: the predecessor's leave as they finish. The predecessor is the same target
   * in a group of the same name and health settings.
   *
   * @param previous the predecessor
   */
  void takeOver(LiveTarget previous) {
    state = previous.state;
    if (breaker != null && previous.breaker != null) {
      breaker.takeOver(previous.breaker);
    }
  }

  /** {@return the target as declared or discovered} */
  public Target target() {
    return target;
  }

  /** {@return scheme, host and port, such as {@code http://orders-1:8080}} */
  public URI origin() {
    return origin;
  }

  /** {@return the base path prepended to every request path, without a trailing slash; often empty} */
  public String basePath() {
    return basePath;
  }

  public int weight() {
    return target.weight();
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** {@return whether health checks and outlier detection let the target take traffic now} */
  public boolean healthy() {
    State s = state;
    return s.activeHealthy && s.ejectedUntil - time.nanoTime() <= 0;
  }

  /**
   * How long until this target may take traffic again, as well as it is known: the rest of its
   * ejection, the time until its circuit half-opens, and for a target the active checks took out,
   * the check interval (the next check may bring it back). Zero when nothing holds it back.
   */
  Duration availableIn(Optional<Duration> checkInterval) {
    State s = state;
    Duration wait = Duration.ZERO;
    if (!s.activeHealthy) {
      wait = checkInterval.orElse(Duration.ZERO);
    }
    long ejected = s.ejectedUntil - time.nanoTime();
    if (ejected > 0 && ejected > wait.toNanos()) {
      wait = Duration.ofNanos(ejected);
    }
    if (breaker != null) {
      Duration circuit = breaker.untilHalfOpen();
      if (circuit.compareTo(wait) > 0) {
        wait = circuit;
      }
    }
    return wait;
  }

  boolean tryEnter(int cap) {
    while (true) {
      int now = inFlight.get();
      if (now >= cap) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void enter() {
    inFlight.incrementAndGet();
  }

  void leave() {
    inFlight.decrementAndGet();
  }

  boolean tryAcquireCircuit() {
    return breaker == null || breaker.tryAcquire();
  }

  /** Records how a call to this target ended: its circuit and outlier detection learn from it. */
  void record(CallOutcome outcome, int status, long nanos) {
    if (breaker != null) {
      breaker.record(outcome, status, nanos);
    }
    if (outliers.isEmpty() || outcome == CallOutcome.CANCELLED) {
      return;
    }
    OutlierDetection detection = outliers.get();
    State s = state;
    synchronized (s) {
      long now = time.nanoTime();
      if (!outcome.isFailure()) {
        s.failuresInARow = 0;
        if (s.ejections > 0 && now - s.ejectedUntil >= detection.maxEjection().toNanos()) {
          s.ejections = 0; // stayed in long enough: earlier ejections are forgiven
        }
        return;
      }
      if (s.ejectedUntil - now > 0) {
        return; // a call that started before the ejection
      }
      if (++s.failuresInARow >= detection.consecutiveFailures()) {
        s.failuresInARow = 0;
        s.ejections++;
        long millis = Math.min(detection.baseEjection().toMillis() * s.ejections, detection.maxEjection().toMillis());
        s.ejectedUntil = now + TimeUnit.MILLISECONDS.toNanos(millis);
        log.warn("upstream target {} ejected for {} ms after {} failures in a row (ejection #{})",
            target.url(), millis, detection.consecutiveFailures(), s.ejections);
        observers.event(new GatewayEvent.TargetHealthChanged(group, target.url(), TargetStatus.Health.EJECTED));
      }
    }
  }

  /**
   * Records one active health check; flips the target's health at the thresholds.
   *
   * @param passed whether the check passed
   * @param healthyThreshold passes in a row that bring an unhealthy target back
   * @param unhealthyThreshold failures in a row that take a healthy target out
   * @param detail what the check saw, for the log
   */
  public void recordCheck(boolean passed, int healthyThreshold, int unhealthyThreshold, String detail) {
    State s = state;
    synchronized (s) {
      recordCheck(s, passed, healthyThreshold, unhealthyThreshold, detail);
    }
  }

  private void recordCheck(State s, boolean passed, int healthyThreshold, int unhealthyThreshold, String detail) {
    if (passed == s.activeHealthy) {
      s.checksInARow = 0;
      return;
    }
    s.checksInARow++;
    if (s.activeHealthy && s.checksInARow >= unhealthyThreshold) {
      s.activeHealthy = false;
      s.checksInARow = 0;
      log.warn("upstream target {} is unhealthy: {} failed checks in a row, last: {}", target.url(), unhealthyThreshold, detail);
      observers.event(new GatewayEvent.TargetHealthChanged(group, target.url(), TargetStatus.Health.UNHEALTHY));
    } else if (!s.activeHealthy && s.checksInARow >= healthyThreshold) {
      s.activeHealthy = true;
      s.checksInARow = 0;
      log.info("upstream target {} is healthy again: {} passed checks in a row", target.url(), healthyThreshold);
      observers.event(new GatewayEvent.TargetHealthChanged(group, target.url(), status().health()));
    }
  }

  TargetStatus status() {
    State s = state;
    TargetStatus.Health health = !s.activeHealthy ? TargetStatus.Health.UNHEALTHY
        : s.ejectedUntil - time.nanoTime() > 0 ? TargetStatus.Health.EJECTED : TargetStatus.Health.HEALTHY;
    TargetStatus.Circuit circuit = breaker == null ? TargetStatus.Circuit.NONE : breaker.state();
    return new TargetStatus(target.url(), target.weight(), health, circuit, inFlight.get());
  }

  @Override
  public String toString() {
    return target.url();
  }
}
