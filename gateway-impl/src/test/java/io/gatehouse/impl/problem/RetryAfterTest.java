package io.gatehouse.impl.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "PT0S, 1", "PT0.001S, 1", "PT1S, 1", "PT1.001S, 2", "PT1.2S, 2", "PT2S, 2", "PT59.999S, 60", "PT-5S, 1",
      "P2D, 86400"})
  void formats_whole_seconds_rounded_up_at_least_1_at_most_a_day(Duration wait, String header) {
    assertThat(RetryAfter.seconds(wait)).isEqualTo(header);
  }

  @ParameterizedTest(name = "''{0}'' -> {1} s")
  @CsvSource({
      "0, 0", "2, 2", "120, 120", "007, 7", "86400, 86400", "86401, 86400", "999999, 86400",
      "99999999999999999999999, 86400",
      "'Mon, 07 Dec 2026 10:00:02 GMT', 2", "'Mon, 07 Dec 2026 09:59:00 GMT', 0", "'Tue, 07 Dec 2027 10:00:00 GMT', 86400",
      "' 3 ', 3"})
  void reads_delta_seconds_and_imf_dates_capped(String value, long seconds) {
    assertThat(RetryAfter.parse(value, NOW)).contains(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "-1", "+2", "1.5", "2s", "soon", "0x10", "1 2",
      "Monday, 07-Dec-26 10:00:02 GMT", "Mon Dec  7 10:00:02 2026", "Mon, 7 Dec 2026 10:00:02 GMT",
      "Mon, 07 Dec 2026 10:00:02 +0000", "Tue, 07 Dec 2026 10:00:02 GMT", "Mon, 07 Dec 2026 25:00:02 GMT"})
  void rejects_everything_else(String value) {
    assertThat(RetryAfter.parse(value, NOW)).isEqualTo(Optional.empty());
  }
}
