package io.gatehouse.ratelimit;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A usage quota over a calendar window: so many requests per day or per month, per consumer,
 * counted from the start of the window (midnight, or the first of the month, in a time zone;
 * UTC by default) and reset when the next window starts. Quotas belong to usage plans
 * ({@code Gateway.Builder.usagePlan("free", Quota.perDay(1_000))}) that consumers are assigned to.
 *
 * @since 0.1
 */
public final class Quota {
  private final String name;
  private final long requests;
  private final Window window;
  private final ZoneId zone;

  /**
   * A calendar window.
   *
   * @since 0.1
   */
  public enum Window {
    /** From midnight to midnight. */
    DAY,
    /** From the first of a month to the first of the next. */
    MONTH
  }

  private Quota(String name, long requests, Window window, ZoneId zone) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(zone, "zone");
    if (!name.matches("[a-z][a-z0-9_.*-]{0,63}")) {
      throw new IllegalArgumentException("name: '" + name
          + "' (expected: 1 to 64 of lowercase letters, digits, '_', '.', '-', '*', starting with a letter)");
    }
    Check.atLeast("requests", requests, 1);
    this.name = name;
    this.requests = requests;
    this.window = window;
    this.zone = zone;
  }

  /**
   * The quota's name in headers and problem details.
   *
   * @return the setting
   */
  public String name() {
    return name;
  }

  /**
   * The requests allowed per window, at least 1.
   *
   * @return the setting
   */
  public long requests() {
    return requests;
  }

  /**
   * The calendar window.
   *
   * @return the setting
   */
  public Window window() {
    return window;
  }

  /**
   * Where days and months begin.
   *
   * @return the setting
   */
  public ZoneId zone() {
    return zone;
  }

  /**
   * Whether another Quota has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Quota o && name.equals(o.name)
        && requests == o.requests
        && window.equals(o.window)
        && zone.equals(o.zone);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(name, requests, window, zone);
  }

  @Override
  public String toString() {
    return Text.fields(this, "name", name, "requests", requests, "window", window, "zone", zone);
  }

  /**
   * So many requests per day, named {@code daily}, days beginning at midnight UTC.
   *
   * @param requests at least 1
   * @return the quota
   */
  public static Quota perDay(long requests) {
    return new Quota("daily", requests, Window.DAY, ZoneOffset.UTC);
  }

  /**
   * So many requests per calendar month, named {@code monthly}, months beginning in UTC.
   *
   * @param requests at least 1
   * @return the quota
   */
  public static Quota perMonth(long requests) {
    return new Quota("monthly", requests, Window.MONTH, ZoneOffset.UTC);
  }

  /**
   * The same quota with days and months beginning in another time zone.
   *
   * @param zone the zone
   * @return a changed copy
   */
  public Quota in(ZoneId zone) {
    return new Quota(name, requests, window, zone);
  }

  /**
   * The same quota under another name.
   *
   * @param name lowercase letters, digits, {@code _ . - *}, starting with a letter
   * @return a changed copy
   */
  public Quota named(String name) {
    return new Quota(name, requests, window, zone);
  }
}
