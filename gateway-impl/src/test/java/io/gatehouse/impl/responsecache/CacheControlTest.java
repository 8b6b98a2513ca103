package io.gatehouse.impl.responsecache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheControlTest {

  private static CacheControl parse(String... lines) {
    return CacheControl.parse(List.of(lines));
  }

  @Test
  void no_lines_mean_no_directives() {
    assertThat(CacheControl.parse(List.of())).isEqualTo(CacheControl.NONE);
    assertThat(parse("")).isEqualTo(CacheControl.NONE);
    assertThat(parse(" , ,, ")).isEqualTo(CacheControl.NONE);
  }

  @Test
  void reads_every_directive_a_shared_cache_uses() {
    CacheControl cc = parse("public, max-age=60, s-maxage=120", "must-revalidate, proxy-revalidate",
        "stale-while-revalidate=30, stale-if-error=300, no-cache, no-store, private");

    assertThat(cc.isPublic()).isTrue();
    assertThat(cc.maxAge()).isEqualTo(60);
    assertThat(cc.sMaxAge()).isEqualTo(120);
    assertThat(cc.mustRevalidate()).isTrue();
    assertThat(cc.proxyRevalidate()).isTrue();
    assertThat(cc.staleWhileRevalidate()).isEqualTo(30);
    assertThat(cc.staleIfError()).isEqualTo(300);
    assertThat(cc.noCache()).isTrue();
    assertThat(cc.noStore()).isTrue();
    assertThat(cc.isPrivate()).isTrue();
  }

  @Test
  void absent_directives_read_as_absent_or_false() {
    CacheControl cc = parse("max-age=5");
    assertThat(cc.sMaxAge()).isEqualTo(CacheControl.ABSENT);
    assertThat(cc.staleWhileRevalidate()).isEqualTo(CacheControl.ABSENT);
    assertThat(cc.staleIfError()).isEqualTo(CacheControl.ABSENT);
    assertThat(cc.noStore() || cc.noCache() || cc.isPrivate() || cc.isPublic() || cc.mustRevalidate()).isFalse();
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "max-age=60|60",
      "MAX-AGE=60|60",
      "Max-Age = 60|60",
      "max-age=\"60\"|60",
      "max-age=0|0",
      "max-age=|0",
      "max-age|0",
      "max-age=-1|0",
      "max-age=1.5|0",
      "max-age=abc|0",
      "max-age=0x10|0",
      "max-age=60 junk|0",
      "max-age=\"60|0",
      "max-age=2147483648|2147483648",
      "max-age=99999999999999999999999999|2147483648",
      "max-age=60, max-age=60|60",
      "max-age=60, max-age=10|10",
      "max-age=10, max-age=60|10",
      "max-age=60, max-age=abc|0",
      "max-age=0060|60",
  })
  void delta_seconds_from_hostile_input_err_on_the_side_of_stale(String line, long expected) {
    assertThat(parse(line).maxAge()).isEqualTo(expected);
  }

  @Test
  void a_duplicate_across_lines_takes_the_smaller_value() {
    assertThat(parse("s-maxage=600", "s-maxage=5").sMaxAge()).isEqualTo(5);
  }

  @Test
  void qualified_no_cache_and_private_count_as_unqualified() {
    assertThat(parse("no-cache=\"Set-Cookie, X-Foo\"").noCache()).isTrue();
    assertThat(parse("private=\"Authorization\"").isPrivate()).isTrue();
  }

  @Test
  void quoted_strings_hide_commas_and_escaped_quotes() {
    CacheControl cc = parse("ext=\"a, no-store, \\\"max-age=9\", max-age=30");
    assertThat(cc.noStore()).isFalse();
    assertThat(cc.maxAge()).isEqualTo(30);
  }

  @Test
  void unknown_and_malformed_directives_are_skipped_without_losing_the_rest() {
    CacheControl cc = parse("immutable, =5, ;;;, x-y=\"z\", @@@, max-age=7, no-transform");
    assertThat(cc.maxAge()).isEqualTo(7);
  }

  @Test
  void reading_stops_after_a_bounded_number_of_directives() {
    String many = "x, ".repeat(100) + "no-store";
    assertThat(parse(many).noStore()).isFalse();
    assertThat(parse("no-store, " + "x, ".repeat(100)).noStore()).isTrue();
  }

  @Test
  void a_huge_line_parses_in_linear_time() {
    String huge = "a".repeat(1_000_000) + ", max-age=5";
    long start = System.nanoTime();
    assertThat(parse(huge).maxAge()).isEqualTo(5);
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }
}
