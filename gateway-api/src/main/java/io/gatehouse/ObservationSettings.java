package io.gatehouse;

import io.gatehouse.internal.Text;
import io.gatehouse.metering.Metering;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Tracing;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the gateway tells about its work: the observers of every finished request and state change,
 * the access log, metering per consumer and route, the configuration's version label and tracing.
 * Immutable; made by {@link Gateway.Builder} ({@code observer}, {@code accessLog}, {@code metering},
 * {@code version}, {@code tracing}).
 *
 * <p>{@code Optional<String> version = gateway.spec().observation().version();}
 *
 * @since 0.1
 */
public final class ObservationSettings {
  private final List<GatewayObserver> observers;
  private final boolean accessLog;
  private final Optional<Metering> metering;
  private final Optional<String> version;
  private final Optional<Tracing> tracing;

  ObservationSettings(List<GatewayObserver> observers, boolean accessLog, Optional<Metering> metering,
      Optional<String> version, Optional<Tracing> tracing) {
    this.observers = List.copyOf(observers);
    this.accessLog = accessLog;
    this.metering = Objects.requireNonNull(metering, "metering");
    this.version = Objects.requireNonNull(version, "version");
    this.tracing = Objects.requireNonNull(tracing, "tracing");
  }

  /**
   * Who is told of every finished request and state change.
   *
   * @return the observers, in declaration order
   */
  public List<GatewayObserver> observers() {
    return observers;
  }

  /**
   * Whether each finished request is logged to the SLF4J logger {@code io.gatehouse.access}.
   *
   * @return true if logged
   */
  public boolean accessLog() {
    return accessLog;
  }

  /**
   * The metering of usage per consumer and route.
   *
   * @return the metering, or empty when off
   */
  public Optional<Metering> metering() {
    return metering;
  }

  /**
   * The configuration's version label, as given; {@code build()} makes one when it is empty.
   *
   * @return the label, or empty
   */
  public Optional<String> version() {
    return version;
  }

  /**
   * The tracing of requests and upstream calls.
   *
   * @return the tracing, or empty: W3C trace context is propagated
   */
  public Optional<Tracing> tracing() {
    return tracing;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservationSettings s && observers.equals(s.observers) && accessLog == s.accessLog
        && metering.equals(s.metering) && version.equals(s.version) && tracing.equals(s.tracing);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observers, accessLog, metering, version, tracing);
  }

  @Override
  public String toString() {
    return Text.fields(this, "observers", observers, "accessLog", accessLog, "metering", metering,
        "version", version, "tracing", tracing);
  }
}
