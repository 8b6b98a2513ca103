package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.route.ExchangeDeadline;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExchangeDeadlineTest {
  @Test
  void rejects_nonsense_at_once_and_names_the_field() {
    assertThatThrownBy(() -> ExchangeDeadline.of(Duration.ZERO)).hasMessage("exchangeDeadline total: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ExchangeDeadline.of(Duration.ofSeconds(-1))).hasMessage("exchangeDeadline total: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> ExchangeDeadline.none().minBodyRate(-1, Duration.ofSeconds(1)))
        .hasMessage("minBytesPerSecond: -1 (expected: >= 0)");
    assertThatThrownBy(() -> ExchangeDeadline.none().minBodyRate(1, Duration.ZERO)).hasMessage("grace: PT0S (expected: > 0)");
    assertThatThrownBy(() -> ExchangeDeadline.of(null)).isInstanceOf(NullPointerException.class).hasMessage("total");
  }

  @Test
  void none_limits_nothing_and_either_part_limits() {
    assertThat(ExchangeDeadline.none().limits()).isFalse();
    assertThat(ExchangeDeadline.of(Duration.ofSeconds(1)).limits()).isTrue();
    assertThat(ExchangeDeadline.none().minBodyRate(1, Duration.ofSeconds(1)).limits()).isTrue();
  }
}
