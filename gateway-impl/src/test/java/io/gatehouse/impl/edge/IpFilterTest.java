package io.gatehouse.impl.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.IpRules;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The precedence of IP rules: deny wins; with allow entries an address must match one; a non-address never passes. */
class IpFilterTest {

  private static IpRules rules(String allow, String deny) {
    IpRules rules = allow.isEmpty() ? IpRules.any() : IpRules.allow(allow.split(" "));
    return deny.isEmpty() ? rules : rules.deny(deny.split(" "));
  }

  @ParameterizedTest(name = "allow [{0}] deny [{1}]: {2} -> {3}")
  @CsvSource(delimiter = '|', value = {
      // allow only
      "10.0.0.0/8            | ''                 | 10.0.0.0          | true",
      "10.0.0.0/8            | ''                 | 10.255.255.255    | true",
      "10.0.0.0/8            | ''                 | 11.0.0.0          | false",
      "10.0.0.0/8 192.0.2.7  | ''                 | 192.0.2.7         | true",
      "10.0.0.0/8 192.0.2.7  | ''                 | 192.0.2.8         | false",
      "0.0.0.0/0             | ''                 | 203.0.113.9       | true",
      "0.0.0.0/0             | ''                 | 2001:db8::1       | false",
      "::/0                  | ''                 | 2001:db8::1       | true",
      "::/0                  | ''                 | 203.0.113.9       | false",
      "0.0.0.0/0 ::/0        | ''                 | 203.0.113.9       | true",
      "2001:db8::/32         | ''                 | 2001:db8:ffff::1  | true",
      "2001:db8::/32         | ''                 | 2001:db9::1       | false",
      "::1                   | ''                 | ::1               | true",
      "::1                   | ''                 | 127.0.0.1         | false",
      // deny only
      "''                    | 198.51.100.0/24    | 198.51.100.255    | false",
      "''                    | 198.51.100.0/24    | 198.51.101.0      | true",
      "''                    | 198.51.100.0/24    | 2001:db8::1       | true",
      "''                    | 0.0.0.0/0 ::/0     | 203.0.113.9       | false",
      "''                    | 0.0.0.0/0 ::/0     | 2001:db8::1       | false",
      // deny wins over allow
      "10.0.0.0/8            | 10.66.0.0/16       | 10.66.1.1         | false",
      "10.0.0.0/8            | 10.66.0.0/16       | 10.67.1.1         | true",
      "10.0.0.7              | 10.0.0.7           | 10.0.0.7          | false",
      "10.0.0.0/8            | 0.0.0.0/0          | 10.0.0.1          | false",
      // IPv4-mapped: one address, however it is written on either side
      "10.0.0.0/8            | ''                 | ::ffff:10.1.2.3   | true",
      "''                    | 10.0.0.0/8         | ::ffff:10.1.2.3   | false",
      "''                    | ::ffff:10.0.0.0/104 | 10.1.2.3         | false",
      "''                    | ::ffff:10.1.2.3    | 10.1.2.3          | false",
      "::ffff:10.0.0.0/104   | ''                 | 10.1.2.3          | true",
      "::ffff:10.0.0.0/104   | ''                 | 11.1.2.3          | false",
      "''                    | ::ffff:0:0/96      | 203.0.113.9       | false",
      "''                    | ::/0               | 203.0.113.9       | true",
      "''                    | ::a00:0/104        | 10.1.2.3          | true",
      // not an address: refused by any rules
      "0.0.0.0/0 ::/0        | ''                 | client.example    | false",
      "''                    | 198.51.100.0/24    | client.example    | false",
      "''                    | 198.51.100.0/24    | 010.0.0.1         | false",
      "''                    | 198.51.100.0/24    | ''                | false"})
  void deny_wins_allow_entries_must_match_and_a_non_address_never_passes(String allow, String deny, String client,
      boolean admitted) {
    assertThat(IpFilter.of(rules(allow, deny)).admits(client)).isEqualTo(admitted);
  }
}
