package io.gatehouse.ratelimit;

import io.gatehouse.internal.Check;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A usage quota over a calendar window: so many requests per day or per month, per consumer,
 * counted from the start of the window (midnight, or the first of the month, in a time zone;
 * UTC by default) and reset when the next window starts. Quotas belong to usage plans
 * ({@code Gateway.Builder.usagePlan("free", Quota.perDay(1_000))}) that consumers are assigned to.
 *
 * @param name the quota's name in headers and problem details
 * @param requests the requests allowed per window, at least 1
 * @param window the calendar window
 * @param zone where days and months begin
 * @since 0.1
 */
public record Quota(String name, long requests, Window window, ZoneId zone) {

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

  /**
   * Checks the values.
   *
   * @param name the quota's name in headers and problem details
   * @param requests the requests allowed per window, at least 1
   * @param window the calendar window
   * @param zone where days and months begin
   */
  public Quota {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(zone, "zone");
    if (!name.matches("[a-z][a-z0-9_.*-]{0,63}")) {
      throw new IllegalArgumentException("name: '" + name
          + "' (expected: 1 to 64 of lowercase letters, digits, '_', '.', '-', '*', starting with a letter)");
    }
    Check.atLeast("requests", requests, 1);
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
