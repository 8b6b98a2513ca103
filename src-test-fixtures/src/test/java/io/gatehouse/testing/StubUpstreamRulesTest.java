package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.spi.UpstreamException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A stub answers by method and path when told to, before its standing answer and after one-shots. */
class StubUpstreamRulesTest {
  private static final String ORDERS = "http://orders:8080";
  private final GatewayTester tester = GatewayTester.of(Gateway.builder()
      .route("orders", r -> r.path("/**").upstream(ORDERS)))
      .stubUpstream(ORDERS, stub -> stub.respond(200, "standing")
          .when("GET", "/orders/*").respond(200, "one order")
          .when("POST", "/orders").respond(201, "application/json", "{\"id\":8}")
          .when("*", "/static/**").respond(200, "static")
          .when("DELETE", "/orders/*").fail(UpstreamException.Kind.CONNECT_REFUSED));

  @AfterEach
  void close() {
    tester.close();
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource(delimiter = '|', value = {
      "GET    | /orders/7        | 200 | one order",
      "GET    | /orders/7/lines  | 200 | standing",
      "GET    | /orders          | 200 | standing",
      "POST   | /orders          | 201 | {\"id\":8}",
      "PUT    | /orders/7        | 200 | standing",
      "GET    | /static          | 200 | static",
      "GET    | /static/a/b/c    | 200 | static",
      "GET    | /staticx         | 200 | standing",
  })
  void the_first_matching_rule_answers_else_the_standing_answer(String method, String path, int status, String body) {
    TestResponse res = tester.request(method, path).send();
    assertThat(res).hasStatus(status).hasBody(body);
  }

  @Test
  void a_rule_can_fail_like_a_real_upstream() {
    assertThat(tester.request("DELETE", "/orders/7").send()).hasStatus(502);
  }

  @Test
  void one_shot_answers_come_before_rules_and_a_rule_declared_again_replaces_its_answer() {
    tester.upstream(ORDERS).failNext(1, 503).when("GET", "/orders/*").respond(200, "replaced");
    assertThat(tester.get("/orders/7").send()).hasStatus(503);
    assertThat(tester.get("/orders/7").send()).hasStatus(200).hasBody("replaced");
  }

  @ParameterizedTest
  @CsvSource({"orders", "/a/**/b", "/a/**x", "/**/"})
  void a_malformed_pattern_is_refused_at_once(String pattern) {
    assertThatThrownBy(() -> tester.upstream(ORDERS).when("GET", pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pathPattern: '" + pattern + "'");
  }
}
