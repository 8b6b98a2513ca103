package io.gatehouse.impl.observe;

import io.gatehouse.GatewaySpec;
import io.gatehouse.impl.metering.UsageMeter;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of one gateway: the user's, then the access log if it is on, then the usage meter
 * if metering is on. A failing observer is logged (a warning the first time, debug after) and
 * never affects the request or the others.
 */
public final class Observers {
  private static final Logger log = LoggerFactory.getLogger(Observers.class);

  
  /** None: nothing is recorded, and nothing costs anything. */
  public static final Observers NONE = new Observers(List.of(), null, null);

  private final List<GatewayObserver> observers;
  private final UsageMeter meter;
  private final AccessLog accessLog;
  private final Set<Class<?>> failedBefore = ConcurrentHashMap.newKeySet();

  private Observers(List<GatewayObserver> observers, UsageMeter meter, AccessLog accessLog) {
    this.observers = List.copyOf(observers);
    this.meter = meter;
    this.accessLog = accessLog;
  }

  /**
   * The observers a gateway's description asks for.
   *
   * @param spec the description
   * @return the observers, possibly none
   */
  public static Observers of(GatewaySpec spec) {
    List<GatewayObserver> all = new ArrayList<>(spec.observation().observers());
    AccessLog accessLog = spec.observation().accessLog() ? new AccessLog() : null;
    if (accessLog != null) {
      all.add(accessLog);
    }
    UsageMeter meter = spec.observation().metering().map(m -> new UsageMeter(m, spec.time().wallClock())).orElse(null);
    if (meter != null) {
      all.add(meter);
    }
    return all.isEmpty() ? NONE : new Observers(all, meter, accessLog);
  }

  /**
   * The usage meter, whose windows a successor may take over.
   *
   * @return the meter; empty without metering
   */
  public Optional<UsageMeter> meter() {
    return Optional.ofNullable(meter);
  }

  /** {@return the usage the meter counted; empty without metering} */
  public UsageReport usage() {
    return meter == null ? UsageReport.empty() : meter.report();
  }

  /** {@return whether anyone listens: when not, requests are not measured at all} */
  public boolean active() {
    return !observers.isEmpty();
  }

  /**
   * Tells every observer of a finished request.
   *
   * @param record the request
   */
  public void request(RequestRecord record) {
    for (GatewayObserver observer : observers) {
      try {
        observer.onRequest(record);
      } catch (RuntimeException e) {
        failed(observer, e);
      }
    }
  }

  /**
   * Tells every observer of a state change.
   *
   * @param event the change
   */
  public void event(GatewayEvent event) {
    for (GatewayObserver observer : observers) {
      try {
        observer.onEvent(event);
      } catch (RuntimeException e) {
        failed(observer, e);
      }
    }
  }

  /** Writes the access log's queued records and stops its writer; a record after this is written by its own thread. */
  public void close() {
    if (accessLog != null) {
      accessLog.close();
    }
  }

  private void failed(GatewayObserver observer, RuntimeException e) {
    if (failedBefore.add(observer.getClass())) {
      log.warn("observer {} failed (later failures of this observer are logged at debug level)", observer.getClass().getName(), e);
    } else {
      log.debug("observer {} failed", observer.getClass().getName(), e);
    }
  }
}
