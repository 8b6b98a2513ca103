package io.gatehouse.impl.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.edge.IpRules;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IP rules entries at build(): every canonical form is taken, and every entry of every lenient or
 * malformed family fails build() with a violation naming the route (or the gateway), the field and
 * the entry.
 */
class IpRulesConfigTest {
  private static final String EXPECTED =
      " (expected: a canonical IP address or CIDR block such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)";

  private static Gateway.Builder route(IpRules rules) {
    return Gateway.builder().route("admin", r -> r.path("/admin/**").ipRules(rules).respond(200, "text/plain", "ok"));
  }

  private static GatewayConfigException failure(Gateway.Builder builder) {
    try {
      builder.build().close();
    } catch (GatewayConfigException e) {
      return e;
    }
    throw new AssertionError("expected build() to fail");
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(delimiter = '|', value = {
      // IPv4: addresses (a /32) and blocks, boundaries of the prefix
      "0.0.0.0/0",
      "0.0.0.0",
      "255.255.255.255",
      "255.255.255.255/32",
      "10.0.0.0/8",
      "10.128.0.0/9",
      "192.0.2.128/25",
      "192.0.2.254/31",
      "128.0.0.0/1",
      // IPv6: compressed, full, mixed, upper case, mapped, boundaries
      "::/0",
      "::",
      "::1",
      "::1/128",
      "2001:db8::/32",
      "2001:DB8::/32",
      "2001:0db8:0000:0000:0000:0000:0000:0000/32",
      "2001:db8:0:0:0:0:0:1",
      "2001:db8::1:0:0:1",
      "fe80::/10",
      "8000::/1",
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127",
      "::ffff:10.0.0.0/104",
      "::ffff:10.1.2.3",
      "::ffff:0:0/96",
      "64:ff9b::192.0.2.33",
      "1:2:3:4:5:6:1.2.3.4"})
  void every_canonical_address_and_block_is_taken(String entry) {
    route(IpRules.allow(entry).deny(entry)).build().close();
    Gateway.builder().ipRules(IpRules.allow(entry)).route("a", r -> r.path("/a").respond(200, "text/plain", "ok"))
        .build().close();
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      // leading zeros and octal-looking parts, which inet_aton reads as octal
      "010.0.0.1             | part '010' has a leading zero",
      "10.0.0.01             | part '01' has a leading zero",
      "00.0.0.0/0            | part '00' has a leading zero",
      "0127.0.0.1            | part '0127' has a leading zero",
      "::ffff:010.0.0.1      | part '010' has a leading zero",
      // hex and shortened IPv4, which the JDK or libc read leniently
      "0x7f.0.0.1            | part '0x7f' is not a decimal number",
      "0x7f000001            | has 1 part (an IPv4 address has 4)",
      "167772161             | has 1 part (an IPv4 address has 4)",
      "10.1                  | has 2 parts (an IPv4 address has 4)",
      "10.0.1/24             | has 3 parts (an IPv4 address has 4)",
      "1.2.3.4.5             | has 5 parts (an IPv4 address has 4)",
      "10..0.1               | has an empty part",
      // out-of-range parts
      "256.0.0.1             | part '256' is above 255",
      "10.0.0.1000           | part '1000' is above 255",
      "::ffff:1.2.3.256      | part '256' is above 255",
      "-1.0.0.0              | part '-1' is not a decimal number",
      // prefix lengths: out of range, leading zeros, signs, spaces, masks, several
      "10.0.0.0/33           | prefix length '33' is not a decimal from 0 to 32",
      "::/129                | prefix length '129' is not a decimal from 0 to 128",
      "10.0.0.0/-1           | prefix length '-1' is not a decimal from 0 to 32",
      "10.0.0.0/+8           | prefix length '+8' is not a decimal from 0 to 32",
      "10.0.0.0/08           | prefix length '08' is not a decimal from 0 to 32",
      "2001:db8::/032        | prefix length '032' is not a decimal from 0 to 128",
      "10.0.0.0/             | prefix length '' is not a decimal from 0 to 32",
      "'10.0.0.0/ 8'         | prefix length ' 8' is not a decimal from 0 to 32",
      "'10.0.0.0/8 '         | prefix length '8 ' is not a decimal from 0 to 32",
      "10.0.0.0/255.0.0.0    | prefix length '255.0.0.0' is not a decimal from 0 to 32",
      "10.0.0.0/8/8          | prefix length '8/8' is not a decimal from 0 to 32",
      "10.0.0.0/0x8          | prefix length '0x8' is not a decimal from 0 to 32",
      "10.0.0.0/８           | prefix length '８' is not a decimal from 0 to 32",
      "/8                    | is empty",
      // host bits beyond the prefix
      "10.0.0.1/8            | host bits set (expected: 10.0.0.0/8)",
      "192.168.1.0/16        | host bits set (expected: 192.168.0.0/16)",
      "0.0.0.1/0             | host bits set (expected: 0.0.0.0/0)",
      "192.0.2.1/31          | host bits set (expected: 192.0.2.0/31)",
      "2001:db8::1/32        | host bits set (expected: 2001:db8::/32)",
      "::1/0                 | host bits set (expected: ::/0)",
      "::ffff:10.0.0.1/104   | host bits set (expected: ::ffff:10.0.0.0/104)",
      // zone ids, brackets, ports
      "fe80::1%eth0          | has a zone id",
      "fe80::%1/64           | has a zone id",
      "[::1]                 | is in brackets",
      "[2001:db8::]/32       | is in brackets",
      "10.0.0.1:80           | has an embedded IPv4 address that is not its last 32 bits",
      // IPv6 group errors
      "1::2::3               | has more than one '::'",
      ":::                   | has more than one '::'",
      "1:2:3:4:5:6:7:8:9     | has 9 groups (expected: 8, or '::')",
      "1:2:3:4:5:6:7:8::     | has 8 groups and '::' (expected: at most 7 with '::')",
      "12345::               | group '12345' has more than 4 hex digits",
      "2001:db8::g           | group 'g' is not hexadecimal",
      ":1:2:3:4:5:6:7        | has an empty group",
      "1.2.3.4::             | has an embedded IPv4 address that is not its last 32 bits",
      // empty strings, whitespace, names, non-ASCII digits
      "''                    | is empty",
      "' '                   | has 1 part (an IPv4 address has 4)",
      "' 10.0.0.0/8'         | part ' 10' is not a decimal number",
      "'10.0.0.1\t'          | part '1\t' is not a decimal number",
      "' ::1'                | group ' ' is not hexadecimal",
      "'::1 '                | group '1 ' is not hexadecimal",
      "localhost             | has 1 part (an IPv4 address has 4)",
      "admin.example.com     | has 3 parts (an IPv4 address has 4)",
      "１０.0.0.1            | part '１０' is not a decimal number"})
  void every_malformed_entry_fails_build_naming_the_route_the_field_and_the_entry(String entry, String reason) {
    GatewayConfigException allow = failure(route(IpRules.allow(entry)));
    GatewayConfigException deny = failure(route(IpRules.any().deny(entry)));
    GatewayConfigException gateway = failure(Gateway.builder().ipRules(IpRules.allow("10.0.0.0/8").deny(entry))
        .route("a", r -> r.path("/a").respond(200, "text/plain", "ok")));

    assertThat(allow.violations()).containsExactly(
        ConfigViolation.ofRoute("admin", "ipRules.allow", "'" + entry + "' " + reason + EXPECTED));
    assertThat(deny.violations()).containsExactly(
        ConfigViolation.ofRoute("admin", "ipRules.deny", "'" + entry + "' " + reason + EXPECTED));
    assertThat(gateway.violations()).containsExactly(
        ConfigViolation.ofGateway("ipRules.deny", "'" + entry + "' " + reason + EXPECTED));
    assertThat(allow).hasMessageContaining("route 'admin': ipRules.allow: '" + entry + "' " + reason);
  }

  @Test
  void every_bad_entry_is_reported_together_with_the_rest_of_the_configuration() {
    GatewayConfigException e = failure(Gateway.builder().ipRules(IpRules.allow("10.0.0.1/8", "10.1"))
        .route("a", r -> r.path("/a").ipRules(IpRules.allow("192.0.2.0/24").deny("192.0.2.07", "::/129"))
            .respond(200, "text/plain", "ok"))
        .route("b", r -> r.path("/b").upstream("nope")));

    assertThat(e.violations()).extracting(ConfigViolation::toString).contains(
        "gateway: ipRules.allow: '10.0.0.1/8' host bits set (expected: 10.0.0.0/8)" + EXPECTED,
        "gateway: ipRules.allow: '10.1' has 2 parts (an IPv4 address has 4)" + EXPECTED,
        "route 'a': ipRules.deny: '192.0.2.07' part '07' has a leading zero" + EXPECTED,
        "route 'a': ipRules.deny: '::/129' prefix length '129' is not a decimal from 0 to 128" + EXPECTED);
    assertThat(e.violations()).extracting(ConfigViolation::routeId).contains(Optional.of("b"));
  }
}
