package io.gatehouse.metering;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;

/**
 * Metering: the gateway counts every finished request per consumer and route (requests, status
 * classes, body bytes both ways) in fixed time windows, keeps the last few windows in memory, and
 * reports them with {@code Gateway.usage()}.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .metering(Metering.every(Duration.ofHours(1)).keep(48))
 *     .route(...)
 *     .build();
 * UsageReport lastTwoDays = gateway.usage();
 * }</pre>
 *
 * <p><b>Windows.</b> Windows are aligned to the epoch in UTC: hourly windows start on the hour,
 * daily ones at midnight UTC (multi-day windows count whole days from 1970-01-01, a Thursday). A
 * request counts in the window in which it finished, by the gateway's clock, because only then are
 * its status and bytes known; so a window that has ended does not change any more (but for
 * requests finishing at that very instant), and an exporter can ship each ended window once. If
 * the clock steps back, requests count in the newest window until it catches up.
 *
 * <p><b>Memory.</b> The gateway keeps {@link #keep()} windows, the current one included, and in
 * each at most {@link #maxKeys()} (consumer, route) pairs. Requests of further pairs count under
 * the consumer {@link Usage#OTHER} on their route, so the totals, per window and per route, stay
 * exact. The worst case is about {@code keep * maxKeys * 200} bytes: 48 MB with the defaults.
 *
 * @since 0.1
 */
public final class Metering {
  /** The windows kept by default: 24, a day of hourly windows. */
  public static final int DEFAULT_KEEP = 24;

  /** The (consumer, route) pairs per window by default: 10,000. */
  public static final int DEFAULT_MAX_KEYS = 10_000;

  private static final long DAY_SECONDS = Duration.ofDays(1).getSeconds();
  private static final long MAX_DAYS = 366;

  private final Duration window;
  private final int keep;
  private final int maxKeys;

  private Metering(Duration window, int keep, int maxKeys) {
    Check.positive("window", window);
    if (window.getNano() != 0
        || (DAY_SECONDS % window.getSeconds() != 0 && window.getSeconds() % DAY_SECONDS != 0)) {
      throw new IllegalArgumentException("window: " + window
          + " (expected: whole seconds that divide a day, such as PT1M, PT15M or PT1H, or whole days)");
    }
    if (window.getSeconds() > MAX_DAYS * DAY_SECONDS) {
      throw Check.invalid("window", window, "<= 366 days");
    }
    Check.atLeast("keep", keep, 1);
    Check.atLeast("maxKeys", maxKeys, 1);
    this.window = window;
    this.keep = keep;
    this.maxKeys = maxKeys;
  }

  /**
   * The length of a window: whole seconds that divide a day, or whole days.
   *
   * @return the setting
   */
  public Duration window() {
    return window;
  }

  /**
   * How many windows are kept, the current one included; at least 1.
   *
   * @return the setting
   */
  public int keep() {
    return keep;
  }

  /**
   * The most (consumer, route) pairs counted apart in one window; at least 1.
   *
   * @return the setting
   */
  public int maxKeys() {
    return maxKeys;
  }

  /**
   * Whether another Metering has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Metering o && window.equals(o.window)
        && keep == o.keep
        && maxKeys == o.maxKeys;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(window, keep, maxKeys);
  }

  @Override
  public String toString() {
    return Text.fields(this, "window", window, "keep", keep, "maxKeys", maxKeys);
  }

  /**
   * Metering in windows of this length, keeping {@value #DEFAULT_KEEP} windows of at most
   * {@value #DEFAULT_MAX_KEYS} (consumer, route) pairs.
   *
   * <p>{@code Metering.every(Duration.ofMinutes(15))}
   *
   * @param window whole seconds that divide a day (such as a minute, 15 minutes or an hour), or
   *     whole days, up to 366
   * @return the metering
   */
  public static Metering every(Duration window) {
    return new Metering(window, DEFAULT_KEEP, DEFAULT_MAX_KEYS);
  }

  /**
   * The same metering, keeping this many windows, the current one included.
   *
   * <p>{@code Metering.every(Duration.ofDays(1)).keep(31)}
   *
   * @param windows at least 1
   * @return a changed copy
   */
  public Metering keep(int windows) {
    return new Metering(window, windows, maxKeys);
  }

  /**
   * The same metering, counting at most this many (consumer, route) pairs apart in one window;
   * the requests of further pairs count under the consumer {@link Usage#OTHER}.
   *
   * <p>{@code Metering.every(Duration.ofHours(1)).maxKeys(100_000)}
   *
   * @param pairs at least 1
   * @return a changed copy
   */
  public Metering maxKeys(int pairs) {
    return new Metering(window, keep, pairs);
  }
}
