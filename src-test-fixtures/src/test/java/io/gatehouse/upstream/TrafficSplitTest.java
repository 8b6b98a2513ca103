package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.testing.GatewayTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Canary splits: by weight, sticky by key, and by header or cookie rules. */
class TrafficSplitTest {
  private static final String STABLE = "http://orders:8080";
  private static final String CANARY = "http://orders-canary:8080";
  private static final Upstream stable = Upstream.of(STABLE);
  private static final Upstream canary = Upstream.of(CANARY);

  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private void tester(TrafficSplit split) {
    tester = GatewayTester.of(Gateway.builder().route("orders", r -> r.path("/**").split(split)))
        .stubUpstream(STABLE, s -> s.respond(200, "stable"))
        .stubUpstream(CANARY, s -> s.respond(200, "canary"));
  }

  @Test
  void weights_split_the_traffic() {
    tester(TrafficSplit.of(stable, 90).and(canary, 10));
    for (int i = 0; i < 4000; i++) {
      tester.get("/x").send();
    }
    int toCanary = tester.upstream(CANARY).received().size();
    assertThat(toCanary).isBetween(280, 520); // 400 expected; 6 standard deviations each side
    assertThat(tester.upstream(STABLE).received().size() + toCanary).isEqualTo(4000);
  }

  @Test
  void a_sticky_split_keeps_each_key_on_one_side_and_still_splits_by_weight() {
    tester(TrafficSplit.of(stable, 50).and(canary, 50).stickyOn(RequestKey.header("X-User")));
    int canaryUsers = 0;
    for (int user = 0; user < 400; user++) {
      String first = tester.get("/x").header("X-User", "user-" + user).send().body();
      for (int i = 0; i < 3; i++) {
        assertThat(tester.get("/x").header("X-User", "user-" + user).send().body()).isEqualTo(first);
      }
      canaryUsers += first.equals("canary") ? 1 : 0;
    }
    assertThat(canaryUsers).isBetween(140, 260);
  }

  @Test
  void rules_send_matching_requests_before_the_weights_apply() {
    tester(TrafficSplit.of(stable, 100).and(canary, 1)
        .whenHeader("X-Beta", "true", canary)
        .whenCookie("channel", "beta", canary));
    for (int i = 0; i < 20; i++) {
      assertThat(tester.get("/x").header("x-beta", "true").send().body()).isEqualTo("canary");
      assertThat(tester.get("/x").header("Cookie", "a=1; channel=beta").send().body()).isEqualTo("canary");
      assertThat(tester.get("/x").header("X-Beta", "false").send().status()).isEqualTo(200);
    }
  }

  @Test
  void an_upstream_used_by_a_rule_and_a_weight_is_one_group() {
    tester(TrafficSplit.of(stable, 1).and(canary, 1).whenHeader("X-Beta", "true", canary));
    assertThat(tester.gateway().upstreams()).extracting(UpstreamStatus::name)
        .containsExactly("route:orders", "route:orders#2");
  }
}
