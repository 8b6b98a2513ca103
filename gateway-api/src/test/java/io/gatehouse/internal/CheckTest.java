package io.gatehouse.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckTest {

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of((ThrowingCallable) () -> Check.positive("t", Duration.ZERO), "t: PT0S (expected: > 0)"),
        Arguments.of((ThrowingCallable) () -> Check.positive("t", Duration.ofNanos(-1)), "t: PT-0.000000001S (expected: > 0)"),
        Arguments.of((ThrowingCallable) () -> Check.notNegative("t", Duration.ofNanos(-1)), "t: PT-0.000000001S (expected: >= 0)"),
        Arguments.of((ThrowingCallable) () -> Check.positive("n", 0L), "n: 0 (expected: > 0)"),
        Arguments.of((ThrowingCallable) () -> Check.positive("n", Long.MIN_VALUE), "n: -9223372036854775808 (expected: > 0)"),
        Arguments.of((ThrowingCallable) () -> Check.atLeast("n", 0, 1), "n: 0 (expected: >= 1)"),
        Arguments.of((ThrowingCallable) () -> Check.atLeast("n", -2, -1), "n: -2 (expected: >= -1)"),
        Arguments.of((ThrowingCallable) () -> Check.atLeast("n", -1L, 0L), "n: -1 (expected: >= 0)"),
        Arguments.of((ThrowingCallable) () -> Check.between("n", 0, 1, 10), "n: 0 (expected: 1 to 10)"),
        Arguments.of((ThrowingCallable) () -> Check.between("n", 11, 1, 10), "n: 11 (expected: 1 to 10)"),
        Arguments.of((ThrowingCallable) () -> Check.positiveAtMost("p", 0, 100), "p: 0.0 (expected: > 0 and <= 100)"),
        Arguments.of((ThrowingCallable) () -> Check.positiveAtMost("p", 100.5, 100), "p: 100.5 (expected: > 0 and <= 100)"),
        Arguments.of((ThrowingCallable) () -> Check.positiveAtMost("p", Double.NaN, 1), "p: NaN (expected: > 0 and <= 1)"),
        Arguments.of((ThrowingCallable) () -> Check.positiveAtMost("p", -0.5, 1), "p: -0.5 (expected: > 0 and <= 1)"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refuses_a_value_out_of_range_in_the_message_grammar(ThrowingCallable check, String message) {
    assertThatThrownBy(check).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void returns_a_value_in_range_including_each_bound() {
    assertThat(Check.positive("t", Duration.ofNanos(1))).isEqualTo(Duration.ofNanos(1));
    assertThat(Check.notNegative("t", Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(Check.positive("n", 1L)).isEqualTo(1L);
    assertThat(Check.atLeast("n", 1, 1)).isEqualTo(1);
    assertThat(Check.atLeast("n", -1L, -1L)).isEqualTo(-1L);
    assertThat(Check.between("n", 1, 1, 10)).isEqualTo(1);
    assertThat(Check.between("n", 10, 1, 10)).isEqualTo(10);
    assertThat(Check.positiveAtMost("p", Double.MIN_VALUE, 1)).isEqualTo(Double.MIN_VALUE);
    assertThat(Check.positiveAtMost("p", 100, 100)).isEqualTo(100);
  }

  @Test
  void a_null_duration_fails_naming_the_field() {
    assertThatThrownBy(() -> Check.positive("route 'r': timeout", null))
        .isInstanceOf(NullPointerException.class).hasMessage("route 'r': timeout");
    assertThatThrownBy(() -> Check.notNegative("leeway", null)).isInstanceOf(NullPointerException.class).hasMessage("leeway");
  }

  @Test
  void invalid_builds_the_exception_for_checks_of_their_own() {
    assertThat(Check.invalid("budgetRatio", 10.5, "0 to 10"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("budgetRatio: 10.5 (expected: 0 to 10)");
  }
}
