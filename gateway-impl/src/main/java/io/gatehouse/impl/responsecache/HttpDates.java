package io.gatehouse.impl.responsecache;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 section 5.6.7): the IMF-fixdate that senders must use
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), and the obsolete RFC 850 and asctime forms that
 * recipients must still read. Anything else, such as {@code Expires: 0}, is not a date.
 */
final class HttpDates {
  private static final DateTimeFormatter IMF =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
  /** No date in any of the three forms is longer; longer input is refused without parsing. */
  private static final int MAX_LENGTH = 40;

  private HttpDates() {}

  /**
   * Reads an HTTP date.
   *
   * @param value the field's value
   * @return the instant, or empty if the value is not a date
   */
  static Optional<Instant> parse(String value) {
    String v = value.trim();
    if (v.isEmpty() || v.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    try {
      return Optional.of(ZonedDateTime.parse(v, IMF).toInstant());
    } catch (DateTimeParseException e) {
      // try the obsolete forms
    }
    int comma = v.indexOf(", ");
    try {
      // The weekday is not checked against a two-digit year's century, which is not known yet.
      LocalDateTime t = LocalDateTime.parse(comma < 0 ? v : v.substring(comma + 2), RFC_850);
      // Two-digit years more than 50 years in the future are in the past century (RFC 9110).
      int thisYear = LocalDateTime.now(ZoneOffset.UTC).getYear();
      if (t.getYear() > thisYear + 50) {
        t = t.minusYears(100);
      }
      return Optional.of(t.toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      // try asctime
    }
    try {
      return Optional.of(LocalDateTime.parse(v, ASCTIME).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * Formats an instant as an IMF-fixdate.
   *
   * @param instant the instant
   * @return the date, as {@code Date} and {@code Last-Modified} carry it
   */
  static String format(Instant instant) {
    return IMF.format(instant);
  }
}
