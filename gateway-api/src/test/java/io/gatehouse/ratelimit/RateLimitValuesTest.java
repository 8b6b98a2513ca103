package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The traffic-limit values: equal settings are equal, text as before, and the check no setter can trip. */
class RateLimitValuesTest {

  @Test
  void a_negative_queue_is_refused_by_the_constructor_that_no_setter_reaches_with_it() {
    assertThatThrownBy(() -> new ConcurrencyLimit(1, -1, Duration.ZERO)).hasMessage("maxQueued: -1 (expected: >= 0)");
  }

  @Test
  void values_with_equal_settings_are_equal() {
    assertThat(ConcurrencyLimit.of(4).queue(2, Duration.ofSeconds(1))).isEqualTo(ConcurrencyLimit.of(4).queue(2, Duration.ofSeconds(1)))
        .hasSameHashCodeAs(ConcurrencyLimit.of(4).queue(2, Duration.ofSeconds(1))).isNotEqualTo(ConcurrencyLimit.of(4));
    assertThat(Quota.perDay(10).named("d")).isEqualTo(Quota.perDay(10).named("d")).isNotEqualTo(Quota.perDay(10))
        .isNotEqualTo(Quota.perDay(10).named("d").in(ZoneId.of("Europe/Paris")));
    assertThat(RateLimitCost.fromHeader("X-Cost", 5)).isEqualTo(RateLimitCost.fromHeader("X-Cost", 5))
        .isNotEqualTo(RateLimitCost.of(5));
  }

  @Test
  void values_print_as_the_records_did() {
    assertThat(ConcurrencyLimit.of(4)).hasToString("ConcurrencyLimit[maxInFlight=4, maxQueued=0, maxWait=PT0S]");
    assertThat(Quota.perMonth(100)).hasToString("Quota[name=monthly, requests=100, window=MONTH, zone=Z]");
    assertThat(RateLimitCost.of(2)).hasToString("RateLimitCost[permits=2, header=none, max=2]");
    assertThat(RateLimitCost.fromHeader("X-Cost", 9)).hasToString("RateLimitCost[permits=1, header=X-Cost, max=9]");
  }
}
