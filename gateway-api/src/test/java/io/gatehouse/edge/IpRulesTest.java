package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.route.RouteSpec;
import org.junit.jupiter.api.Test;

/** The IP rules value: entries kept as given (build() checks them), copies, equality, and what is refused at once. */
class IpRulesTest {

  @Test
  void any_has_no_entries_and_lets_everyone_in() {
    assertThat(IpRules.any().allowed()).isEmpty();
    assertThat(IpRules.any().denied()).isEmpty();
    assertThat(IpRules.any().isAny()).isTrue();
    assertThat(IpRules.any()).hasToString("IpRules[allowed=[], denied=[]]");
  }

  @Test
  void entries_are_kept_in_order_as_given_and_deny_returns_a_copy() {
    IpRules allow = IpRules.allow("10.0.0.0/8", "2001:db8::/32");
    IpRules both = allow.deny("10.66.0.0/16").deny("2001:db8:bad::/48", "10.0.0.7");

    assertThat(allow.allowed()).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(allow.denied()).isEmpty();
    assertThat(allow.isAny()).isFalse();
    assertThat(both.allowed()).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(both.denied()).containsExactly("10.66.0.0/16", "2001:db8:bad::/48", "10.0.0.7");
    assertThat(IpRules.any().deny("198.51.100.0/24").isAny()).isFalse();
    assertThat(both).hasToString("IpRules[allowed=[10.0.0.0/8, 2001:db8::/32], "
        + "denied=[10.66.0.0/16, 2001:db8:bad::/48, 10.0.0.7]]");
    assertThat(IpRules.allow("10.0.0.0/8", "2001:db8::/32").deny("10.66.0.0/16", "2001:db8:bad::/48", "10.0.0.7"))
        .isEqualTo(both).hasSameHashCodeAs(both);
    assertThat(IpRules.allow("2001:db8::/32", "10.0.0.0/8")).isNotEqualTo(allow);
  }

  @Test
  void the_entries_cannot_be_changed_through_the_lists_or_the_array() {
    String[] entries = {"10.0.0.0/8"};
    IpRules rules = IpRules.allow(entries);
    entries[0] = "0.0.0.0/0";

    assertThat(rules.allowed()).containsExactly("10.0.0.0/8");
    assertThatThrownBy(() -> rules.allowed().add("0.0.0.0/0")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> rules.denied().add("0.0.0.0/0")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void no_entries_and_null_entries_are_refused_at_once() {
    assertThatThrownBy(IpRules::allow).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ipRules.allow: none (expected: at least one address or CIDR block; IpRules.any() lets every address in)");
    assertThatThrownBy(() -> IpRules.any().deny()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ipRules.deny: none (expected: at least one address or CIDR block)");
    assertThatThrownBy(() -> IpRules.allow("10.0.0.0/8", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("addressOrCidr");
    assertThatThrownBy(() -> IpRules.any().deny((String[]) null)).isInstanceOf(NullPointerException.class)
        .hasMessage("addressesOrCidrs");
    assertThatThrownBy(() -> Gateway.builder().ipRules(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("rules");
    assertThatThrownBy(() -> RouteSpec.builder("r").ipRules(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("rules");
  }

  @Test
  void the_gateway_and_route_rules_survive_to_builder() {
    IpRules office = IpRules.allow("192.0.2.0/24");
    Gateway.Builder builder = Gateway.builder().ipRules(IpRules.any().deny("198.51.100.0/24"))
        .route("r", r -> r.path("/r").ipRules(office).respond(200, "text/plain", "ok"));

    assertThat(builder.spec().ingress().ipRules()).isEqualTo(IpRules.any().deny("198.51.100.0/24"));
    assertThat(builder.spec().routes().get(0).access().ipRules()).contains(office);
    assertThat(builder.spec().toBuilder().spec()).isEqualTo(builder.spec());
    assertThat(builder.spec().routes().get(0).toBuilder().build()).isEqualTo(builder.spec().routes().get(0));
    assertThat(Gateway.builder().spec().ingress().ipRules()).isEqualTo(IpRules.any());
    assertThat(RouteSpec.builder("r").build().access().ipRules()).isEmpty();
    assertThat(builder.spec().routes().get(0).access().toString())
        .endsWith(", ipRules=IpRules[allowed=[192.0.2.0/24], denied=[]], cors=none]");
  }
}
