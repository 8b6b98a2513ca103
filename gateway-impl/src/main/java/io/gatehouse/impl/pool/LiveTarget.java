package io.gatehouse.impl.pool;

import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.resilience.Breaker;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TargetStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One target of an upstream group at run time: where it is, whether the health checks let it take
 * traffic, its circuit, and how many requests are in flight to it. Thread-safe.
 */
public final class LiveTarget {
  private static final Logger log = LoggerFactory.getLogger(LiveTarget.class);

  private final Target target;
  private final URI origin;
  private final String basePath;
  private final Clock clock;
  private final Optional<OutlierDetection> outliers;
  private final Breaker breaker; // null without one
  private final AtomicInteger inFlight = new AtomicInteger();
  private final String group;
  private final Observers observers;

  private volatile boolean activeHealthy = true;
  private int checksInARow; // successes while unhealthy, failures while healthy; guarded by this
  private volatile long ejectedUntil; // epoch millis; 0 when never ejected
  private int failuresInARow; // guarded by this
  private int ejections; // guarded by this

  LiveTarget(Target target, URI url, Clock clock, Optional<OutlierDetection> outliers, Breaker breaker,
      String group, Observers observers) {
    this.group = group;
    this.observers = observers;
    this.target = target;
    this.origin = URI.create(url.getScheme() + "://" + url.getRawAuthority());
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.clock = clock;
    this.outliers = outliers;
    this.breaker = breaker;
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

  /** {@return the target's weight} */
  public int weight() {
    return target.weight();
  }

  /** {@return the requests in flight to this target now} */
  public int inFlight() {
    return inFlight.get();
  }

  /** {@return whether health checks and outlier detection let the target take traffic now} */
  public boolean healthy() {
    return activeHealthy && ejectedUntil <= clock.millis();
  }

  /**
   * How long until this target may take traffic again, as well as it is known: the rest of its
   * ejection, the time until its circuit half-opens, and for a target the active checks took out,
   * the check interval (the next check may bring it back). Zero when nothing holds it back.
   */
  Duration availableIn(Optional<Duration> checkInterval) {
    long now = clock.millis();
    Duration wait = Duration.ZERO;
    if (!activeHealthy) {
      wait = checkInterval.orElse(Duration.ZERO);
    }
    long ejected = ejectedUntil - now;
    if (ejected > 0 && ejected > wait.toMillis()) {
      wait = Duration.ofMillis(ejected);
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

  void releaseCircuit() {
    if (breaker != null) {
      breaker.release();
    }
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
    synchronized (this) {
      long now = clock.millis();
      if (!outcome.isFailure()) {
        failuresInARow = 0;
        if (ejections > 0 && ejectedUntil + detection.maxEjection().toMillis() <= now) {
          ejections = 0; // stayed in long enough: earlier ejections are forgiven
        }
        return;
      }
      if (ejectedUntil > now) {
        return; // a call that started before the ejection
      }
      if (++failuresInARow >= detection.consecutiveFailures()) {
        failuresInARow = 0;
        ejections++;
        long millis = Math.min(detection.baseEjection().toMillis() * ejections, detection.maxEjection().toMillis());
        ejectedUntil = now + millis;
        log.warn("upstream target {} ejected for {} ms after {} failures in a row (ejection #{})",
            target.url(), millis, detection.consecutiveFailures(), ejections);
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
  public synchronized void recordCheck(boolean passed, int healthyThreshold, int unhealthyThreshold, String detail) {
    if (passed == activeHealthy) {
      checksInARow = 0;
      return;
    }
    checksInARow++;
    if (activeHealthy && checksInARow >= unhealthyThreshold) {
      activeHealthy = false;
      checksInARow = 0;
      log.warn("upstream target {} is unhealthy: {} failed checks in a row, last: {}", target.url(), unhealthyThreshold, detail);
      observers.event(new GatewayEvent.TargetHealthChanged(group, target.url(), TargetStatus.Health.UNHEALTHY));
    } else if (!activeHealthy && checksInARow >= healthyThreshold) {
      activeHealthy = true;
      checksInARow = 0;
      log.info("upstream target {} is healthy again: {} passed checks in a row", target.url(), healthyThreshold);
      observers.event(new GatewayEvent.TargetHealthChanged(group, target.url(), status().health()));
    }
  }

  TargetStatus status() {
    TargetStatus.Health health = !activeHealthy ? TargetStatus.Health.UNHEALTHY
        : ejectedUntil > clock.millis() ? TargetStatus.Health.EJECTED : TargetStatus.Health.HEALTHY;
    TargetStatus.Circuit circuit = breaker == null ? TargetStatus.Circuit.NONE : breaker.state();
    return new TargetStatus(target.url(), target.weight(), health, circuit, inFlight.get());
  }

  @Override
  public String toString() {
    return target.url();
  }
}
