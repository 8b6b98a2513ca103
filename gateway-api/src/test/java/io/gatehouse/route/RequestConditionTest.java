package io.gatehouse.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.route.RequestCondition.Match;
import io.gatehouse.route.RequestCondition.Source;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestConditionTest {

  @Test
  void a_condition_prints_as_route_explanations_name_it() {
    assertThat(new RequestCondition(Source.HEADER, "X-Beta", Match.PRESENT, Optional.empty()))
        .hasToString("header X-Beta present");
    assertThat(new RequestCondition(Source.QUERY, "v", Match.EQUALS, Optional.of("2")))
        .hasToString("query v = '2'");
    assertThat(new RequestCondition(Source.COOKIE, "group", Match.REGEX, Optional.of("beta-.*")))
        .hasToString("cookie group ~ /beta-.*/");
  }

  @Test
  void a_value_is_given_exactly_when_the_condition_compares_one() {
    assertThatThrownBy(() -> new RequestCondition(Source.HEADER, "X-Beta", Match.PRESENT, Optional.of("1")))
        .hasMessage("header 'X-Beta': value '1' (expected: a value exactly when matching)");
    assertThatThrownBy(() -> new RequestCondition(Source.QUERY, "", Match.PRESENT, Optional.empty()))
        .hasMessage("query name: '' (expected: not empty)");
  }
}
