package io.gatehouse.impl.problem;

import io.gatehouse.http.Response;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The {@code Retry-After} header (RFC 9110 section 10.2.3) both ways: the gateway's own 503s say
 * when to come back ({@link #on}), and an upstream's answer says when a target may be called
 * again ({@link #parse}).
 *
 * <pre>{@code
 * Response busy = RetryAfter.on(exchange.problem(503, "Service Unavailable", "..."), Duration.ofMillis(1200)); // Retry-After: 2
 * Optional<Duration> wait = RetryAfter.parse(response.headers().first("Retry-After").orElse(""), clock.instant());
 * }</pre>
 */
public final class RetryAfter {
  public static final String HEADER = "Retry-After";
  /**
   * The longest wait an upstream's header is read as; larger values (a year, a date decades away)
   * are capped here, so that no arithmetic on them overflows. Whether the gateway waits that long
   * is the route deadline's business.
   */
  public static final Duration MAX = Duration.ofDays(1);

  private RetryAfter() {}

  /**
   * Whole seconds for a {@code Retry-After} value: rounded up, at least 1, at most {@link #MAX}.
   *
   * @param wait how long until the client may come back
   * @return the header value, such as {@code 2} for 1.2 s
   */
  public static String seconds(Duration wait) {
    long nanos = wait.isNegative() ? 0 : wait.compareTo(MAX) > 0 ? MAX.toNanos() : wait.toNanos();
    long seconds = nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
    return Long.toString(Math.max(1, seconds));
  }

  /**
   * The response with {@code Retry-After} set to {@link #seconds} of the wait.
   *
   * @param response usually a 503 problem
   * @param wait how long until the client may come back
   * @return a copy with the header set
   */
  public static Response on(Response response, Duration wait) {
    return response.toBuilder().headers(response.headers().toBuilder().set(HEADER, seconds(wait)).build()).build();
  }

  /**
   * Reads an upstream's {@code Retry-After}: delta-seconds (digits only) or an IMF-fixdate
   * ({@code Wed, 21 Oct 2015 07:28:00 GMT}, the form RFC 9110 has senders use), strictly; the
   * obsolete date forms, signs, fractions and anything else are no value. A date in the past
   * is zero; every value is capped at {@link #MAX}.
   *
   * @param value the header's value
   * @param now the wall-clock time now, for a date
   * @return the wait, or empty when the value is missing or malformed
   */
  public static Optional<Duration> parse(String value, Instant now) {
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // More than 6 digits is more than 11 days: capped without parsing, so no length overflows.
      if (v.length() > 6) {
        return Optional.of(MAX);
      }
      return Optional.of(capped(Duration.ofSeconds(Long.parseLong(v))));
    }
    Optional<Instant> date = date(v);
    return date.map(d -> d.isAfter(now) ? capped(Duration.between(now, d)) : Duration.ZERO);
  }

  private static Optional<Instant> date(String v) {
    // RFC_1123_DATE_TIME alone also takes one-digit days and other zones; the fixed length and GMT keep it to IMF-fixdate.
    if (!v.endsWith(" GMT") || v.length() != 29) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Duration capped(Duration wait) {
    return wait.compareTo(MAX) > 0 ? MAX : wait;
  }
}
