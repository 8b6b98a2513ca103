package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {
  private static final RequestLimits DEFAULTS = RequestLimits.defaults();

  @Test
  void the_defaults_are_those_of_the_table() {
    assertThat(DEFAULTS.maxTargetLength()).isEqualTo(8192);
    assertThat(DEFAULTS.maxHeaderCount()).isEqualTo(100);
    assertThat(DEFAULTS.maxHeaderBytes()).isEqualTo(32_768);
    assertThat(DEFAULTS.maxQueryParameters()).isEqualTo(1000);
    assertThat(DEFAULTS.maxBodyBytes()).isEqualTo(10_485_760L);
    assertThat(DEFAULTS).hasToString("RequestLimits[maxTargetLength=8192, maxHeaderCount=100, maxHeaderBytes=32768, "
        + "maxQueryParameters=1000, maxBodyBytes=10485760]");
  }

  @Test
  void each_setter_changes_its_own_limit_in_a_copy() {
    RequestLimits changed = DEFAULTS.maxTargetLength(1).maxHeaderCount(2).maxHeaderBytes(3).maxQueryParameters(4)
        .maxBodyBytes(0);

    assertThat(changed).hasToString("RequestLimits[maxTargetLength=1, maxHeaderCount=2, maxHeaderBytes=3, "
        + "maxQueryParameters=4, maxBodyBytes=0]");
    assertThat(DEFAULTS.maxBodyBytes(Long.MAX_VALUE).maxBodyBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(RequestLimits.defaults()).isSameAs(DEFAULTS).isEqualTo(DEFAULTS.maxTargetLength(8192));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"maxTargetLength", "maxHeaderCount", "maxHeaderBytes", "maxQueryParameters", "maxBodyBytes"})
  void a_change_in_any_one_limit_makes_an_unequal_value(String field) {
    RequestLimits one = set(field, 1).apply(DEFAULTS);
    RequestLimits same = set(field, 1).apply(DEFAULTS);

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one).isNotEqualTo(DEFAULTS);
    assertThat(one.hashCode()).isNotEqualTo(DEFAULTS.hashCode());
    assertThat(one).isNotEqualTo(set(field, 2).apply(DEFAULTS));
    assertThat(one).isNotEqualTo(one.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"maxTargetLength", "maxHeaderCount", "maxHeaderBytes", "maxQueryParameters"})
  void count_limits_are_at_least_one(String field) {
    assertThat(set(field, 1).apply(DEFAULTS).toString()).contains(field + "=1");
    assertThatThrownBy(() -> set(field, 0).apply(DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(field + ": 0 (expected: >= 1)");
    assertThatThrownBy(() -> set(field, -5).apply(DEFAULTS))
        .hasMessage(field + ": -5 (expected: >= 1)");
  }

  @Test
  void the_body_limit_is_at_least_zero() {
    assertThat(DEFAULTS.maxBodyBytes(0).maxBodyBytes()).isZero();
    assertThatThrownBy(() -> DEFAULTS.maxBodyBytes(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBodyBytes: -1 (expected: >= 0)");
  }

  private static UnaryOperator<RequestLimits> set(String field, int value) {
    return switch (field) {
      case "maxTargetLength" -> l -> l.maxTargetLength(value);
      case "maxHeaderCount" -> l -> l.maxHeaderCount(value);
      case "maxHeaderBytes" -> l -> l.maxHeaderBytes(value);
      case "maxQueryParameters" -> l -> l.maxQueryParameters(value);
      case "maxBodyBytes" -> l -> l.maxBodyBytes(value);
      default -> throw new IllegalArgumentException(field);
    };
  }
}
