package io.gatehouse.impl.responsecache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDatesTest {
  private static final Instant RFC_EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

  @ParameterizedTest
  @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
      "  Sun, 06 Nov 1994 08:49:37 GMT  "})
  void reads_the_three_forms_rfc_9110_names(String value) {
    assertThat(HttpDates.parse(value)).contains(RFC_EXAMPLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "", "tomorrow", "Mon, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
      "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 GMT Sun, 06 Nov 1994 08:49:37 GMT"})
  void anything_else_is_not_a_date(String value) {
    assertThat(HttpDates.parse(value)).isEmpty();
  }

  @Test
  void formats_as_imf_fixdate_and_reads_it_back() {
    assertThat(HttpDates.format(RFC_EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDates.parse(HttpDates.format(Instant.parse("2026-12-07T21:00:00Z"))))
        .contains(Instant.parse("2026-12-07T21:00:00Z"));
  }
}
