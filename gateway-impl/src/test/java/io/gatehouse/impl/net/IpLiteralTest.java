package io.gatehouse.impl.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpLiteralTest {

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      // IPv4: canonical dotted quad only, boundaries of each part
      "0.0.0.0                                  | 0.0.0.0",
      "10.0.0.1                                 | 10.0.0.1",
      "255.255.255.255                          | 255.255.255.255",
      "192.0.2.199                              | 192.0.2.199",
      "1.20.100.249                             | 1.20.100.249",
      // IPv6: RFC 4291 input forms, RFC 5952 output
      "::                                       | ::",
      "::1                                      | ::1",
      "1::                                      | 1::",
      "2001:db8::1                              | 2001:db8::1",
      "2001:DB8::1                              | 2001:db8::1",
      "2001:0db8:0000:0000:0000:0000:0000:0001  | 2001:db8::1",
      "2001:db8:0:0:1:0:0:1                     | 2001:db8::1:0:0:1",
      "2001:db8:0:1:1:1:1:1                     | 2001:db8:0:1:1:1:1:1",
      "2001:db8::1:0:0:1                        | 2001:db8::1:0:0:1",
      "1:2:3:4:5:6:7::                          | 1:2:3:4:5:6:7:0",
      "::2:3:4:5:6:7:8                          | 0:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7:8                          | 1:2:3:4:5:6:7:8",
      "FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF  | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
      "fe80::1                                  | fe80::1",
      "::ffff:10.0.0.1                          | ::ffff:10.0.0.1",
      "::FFFF:a00:1                             | ::ffff:10.0.0.1",
      "0:0:0:0:0:ffff:10.0.0.1                  | ::ffff:10.0.0.1",
      "::10.0.0.1                               | ::a00:1",
      "64:ff9b::192.0.2.33                      | 64:ff9b::c000:221",
      "1:2:3:4:5:6:1.2.3.4                      | 1:2:3:4:5:6:102:304",
      "ABCD:EF01:2345:6789:abcd:ef01:2345:6789  | abcd:ef01:2345:6789:abcd:ef01:2345:6789",
      "A::9                                     | a::9"})
  void accepts_canonical_ipv4_and_rfc4291_ipv6_and_prints_rfc5952(String text, String canonical) throws Exception {
    IpLiteral literal = IpLiteral.parse(text);

    assertThat(literal).hasToString(canonical);
    assertThat(literal.toInetAddress()).isEqualTo(InetAddress.getByName(text));
    assertThat(IpLiteral.parse(canonical)).isEqualTo(literal);
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      // leading zeros (octal in inet_aton), hex and shortened forms the JDK or libc read leniently
      "010.0.0.1           | part '010' has a leading zero",
      "10.0.0.01           | part '01' has a leading zero",
      "00.0.0.0            | part '00' has a leading zero",
      "0127.0.0.1          | part '0127' has a leading zero",
      "0x7f.0.0.1          | part '0x7f' is not a decimal number",
      "0x7f.1              | has 2 parts (an IPv4 address has 4)",
      "0x7f000001          | has 1 part (an IPv4 address has 4)",
      "10.1                | has 2 parts (an IPv4 address has 4)",
      "10.0.1              | has 3 parts (an IPv4 address has 4)",
      "167772161           | has 1 part (an IPv4 address has 4)",
      "127.1               | has 2 parts (an IPv4 address has 4)",
      "1.2.3.4.5           | has 5 parts (an IPv4 address has 4)",
      "10.0.0.1.           | has 5 parts (an IPv4 address has 4)",
      ".10.0.0.1           | has 5 parts (an IPv4 address has 4)",
      "10..0.1             | has an empty part",
      "256.0.0.1           | part '256' is above 255",
      "10.0.0.1000         | part '1000' is above 255",
      "999.1.1.1           | part '999' is above 255",
      "+10.0.0.1           | part '+10' is not a decimal number",
      "10.0.0.-1           | part '-1' is not a decimal number",
      "1e1.0.0.1           | part '1e1' is not a decimal number",
      "'10.0.0.1 '         | part '1 ' is not a decimal number",
      "' 10.0.0.1'         | part ' 10' is not a decimal number",
      "'10.0.0.1\t'        | part '1\t' is not a decimal number",
      "１０.0.0.1           | part '１０' is not a decimal number",
      "''                  | is empty",
      "localhost           | has 1 part (an IPv4 address has 4)",
      // IPv6
      ":::                 | has more than one '::'",
      "1:::2               | has more than one '::'",
      "1::2::3             | has more than one '::'",
      "::1::               | has more than one '::'",
      "1:2:3:4:5:6:7:8:9   | has 9 groups (expected: 8, or '::')",
      "1:2:3:4:5:6:7       | has 7 groups (expected: 8, or '::')",
      "1:2:3:4:5:6:7:8::   | has 8 groups and '::' (expected: at most 7 with '::')",
      "::1:2:3:4:5:6:7:8   | has 8 groups and '::' (expected: at most 7 with '::')",
      "1:2:3:4:5:6:7::8    | has 8 groups and '::' (expected: at most 7 with '::')",
      "12345::1            | group '12345' has more than 4 hex digits",
      "2001:db8::00001     | group '00001' has more than 4 hex digits",
      "2001:db8::g         | group 'g' is not hexadecimal",
      "2001:db8::+1        | group '+1' is not hexadecimal",
      ":1:2:3:4:5:6:7      | has an empty group",
      "1:2:3:4:5:6:7:      | has an empty group",
      ":1::                | has an empty group",
      "1:2:3:4:5:6:7:8:    | has an empty group",
      "[::1]               | is in brackets",
      "[2001:db8::1]       | is in brackets",
      "fe80::1%eth0        | has a zone id",
      "fe80::1%1           | has a zone id",
      "%1::1               | has a zone id",
      "::.1.2.3            | has an empty part",
      "::1.2.3.            | has an empty part",
      "::G                 | group 'G' is not hexadecimal",
      "::/                 | group '/' is not hexadecimal",
      "::@                 | group '@' is not hexadecimal",
      "::`                 | group '`' is not hexadecimal",
      "::ffff:010.0.0.1    | part '010' has a leading zero",
      "::ffff:10.1         | has 2 parts (an IPv4 address has 4)",
      "::ffff:256.0.0.1    | part '256' is above 255",
      "1.2.3.4::           | has an embedded IPv4 address that is not its last 32 bits",
      "::1.2.3.4:1         | has an embedded IPv4 address that is not its last 32 bits",
      "1:2:3:4:5:6:7:1.2.3.4 | has 9 groups (expected: 8, or '::')",
      "' ::1'              | group ' ' is not hexadecimal",
      "'::1 '              | group '1 ' is not hexadecimal"})
  void refuses_every_lenient_or_non_canonical_form_saying_why(String text, String reason) {
    assertThatThrownBy(() -> IpLiteral.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(reason);
    assertThat(IpLiteral.tryParse(text)).isEmpty();
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0/8         | 10.0.0.0/8",
      "0.0.0.0/0          | 0.0.0.0/0",
      "10.0.0.1/32        | 10.0.0.1",
      "10.0.0.1           | 10.0.0.1",
      "192.168.0.0/16     | 192.168.0.0/16",
      "10.128.0.0/9       | 10.128.0.0/9",
      "::/0               | ::/0",
      "::1/128            | ::1",
      "fd00::/8           | fd00::/8",
      "2001:DB8::/32      | 2001:db8::/32",
      "2001:db8::/127     | 2001:db8::/127",
      "::ffff:10.0.0.0/104 | ::ffff:10.0.0.0/104"})
  void accepts_blocks_with_a_decimal_prefix_in_range_and_no_host_bits(String text, String canonical) {
    assertThat(IpBlock.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0/33        | prefix length '33' is not a decimal from 0 to 32",
      "::/129             | prefix length '129' is not a decimal from 0 to 128",
      "10.0.0.0/-1        | prefix length '-1' is not a decimal from 0 to 32",
      "10.0.0.0/+8        | prefix length '+8' is not a decimal from 0 to 32",
      "10.0.0.0/08        | prefix length '08' is not a decimal from 0 to 32",
      "10.0.0.0/00        | prefix length '00' is not a decimal from 0 to 32",
      "10.0.0.0/          | prefix length '' is not a decimal from 0 to 32",
      "'10.0.0.0/ 8'      | prefix length ' 8' is not a decimal from 0 to 32",
      "10.0.0.0/0x8       | prefix length '0x8' is not a decimal from 0 to 32",
      "10.0.0.0/8/8       | prefix length '8/8' is not a decimal from 0 to 32",
      "10.0.0.0/255.0.0.0 | prefix length '255.0.0.0' is not a decimal from 0 to 32",
      "::/0128            | prefix length '0128' is not a decimal from 0 to 128",
      "10.0.0.1/8         | host bits set (expected: 10.0.0.0/8)",
      "11.0.0.0/7         | host bits set (expected: 10.0.0.0/7)",
      "192.168.1.0/16     | host bits set (expected: 192.168.0.0/16)",
      "2001:db8::1/32     | host bits set (expected: 2001:db8::/32)",
      "010.0.0.0/8        | part '010' has a leading zero",
      "10/8               | has 1 part (an IPv4 address has 4)",
      "fe80::%eth0/64     | has a zone id",
      "[::1]/128          | is in brackets"})
  void refuses_blocks_with_a_bad_prefix_or_host_bits_set(String text, String reason) {
    assertThatThrownBy(() -> IpBlock.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(reason);
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0/8     | 10.255.255.255     | true",
      "10.0.0.0/8     | 11.0.0.0           | false",
      "10.0.0.0/8     | 9.255.255.255      | false",
      "10.0.0.0/8     | ::ffff:10.1.2.3    | true",
      "10.0.0.0/8     | ::a01:203          | false",
      "10.128.0.0/9   | 10.127.255.255     | false",
      "10.128.0.0/9   | 10.128.0.0         | true",
      "0.0.0.0/0      | 203.0.113.7        | true",
      "0.0.0.0/0      | 2001:db8::1        | false",
      "192.0.2.7      | 192.0.2.7          | true",
      "192.0.2.7      | 192.0.2.8          | false",
      "fd00::/8       | fdff::1            | true",
      "fd00::/8       | fe00::1            | false",
      "::/0           | 10.0.0.1           | false",
      "::1            | ::1                | true",
      "2001:db8::/127 | 2001:db8::1        | true",
      "2001:db8::/127 | 2001:db8::2        | false",
      // a block written in the mapped form holds the IPv4 addresses of the block it maps
      "::ffff:10.0.0.0/104 | 10.1.2.3      | true",
      "::ffff:10.0.0.0/104 | 10.255.255.255 | true",
      "::ffff:10.0.0.0/104 | 11.0.0.0      | false",
      "::ffff:10.0.0.0/104 | 9.255.255.255 | false",
      "::ffff:10.0.0.0/104 | ::ffff:10.1.2.3 | true",
      "::ffff:192.0.2.7    | 192.0.2.7     | true",
      "::ffff:192.0.2.7    | 192.0.2.8     | false",
      "::ffff:192.0.2.0/127 | 192.0.2.1    | true",
      "::ffff:192.0.2.0/127 | 192.0.2.2    | false",
      "::ffff:0:0/96       | 0.0.0.0       | true",
      "::ffff:0:0/96       | 255.255.255.255 | true",
      "::ffff:0:0/96       | 2001:db8::1   | false",
      // other IPv6 blocks hold no IPv4 address, though their bits cover ::ffff:0:0/96
      "::fffe:0:0/95       | 10.0.0.1      | false",
      "::/80               | 10.0.0.1      | false",
      "::a00:0/104         | 10.1.2.3      | false",
      "64:ff9b::/96        | 192.0.2.33    | false",
      "::fffe:a00:0/104    | 10.1.2.3      | false"})
  void a_block_contains_the_addresses_under_its_prefix_and_mapped_ipv4_as_ipv4(String block, String address, boolean in) {
    assertThat(IpBlock.parse(block).contains(IpLiteral.parse(address))).isEqualTo(in);
  }

  @ParameterizedTest(name = "{0} masked to /{1} is {2}")
  @CsvSource({"203.0.113.77, 24, 203.0.113.0", "203.0.113.77, 32, 203.0.113.77", "203.0.113.77, 0, 0.0.0.0",
      "203.0.113.77, 25, 203.0.113.0", "203.0.113.200, 25, 203.0.113.128", "203.0.113.77, 8, 203.0.0.0",
      "2001:db8:7:1:a:b:c:d, 64, 2001:db8:7:1::", "2001:db8:7:1:a:b:c:d, 128, 2001:db8:7:1:a:b:c:d",
      "2001:db8:7:1:a:b:c:d, 56, 2001:db8:7::", "2001:db8:7:1ff:a:b:c:d, 60, 2001:db8:7:1f0::", "2001:db8::1, 0, ::"})
  void masking_keeps_the_prefix_bits_and_clears_the_rest(String address, int bits, String network) {
    assertThat(IpLiteral.parse(address).masked(bits)).hasToString(network);
  }

  @Test
  void masking_that_clears_nothing_is_the_same_literal_and_a_prefix_out_of_range_is_refused() {
    IpLiteral address = IpLiteral.parse("203.0.113.0");
    assertThat(address.masked(24)).isSameAs(address);
    assertThat(address.masked(32)).isSameAs(address);
    assertThatThrownBy(() -> address.masked(33)).hasMessage("prefixBits: 33 (expected: 0 to 32)");
    assertThatThrownBy(() -> address.masked(-1)).hasMessage("prefixBits: -1 (expected: 0 to 32)");
    assertThatThrownBy(() -> IpLiteral.parse("::1").masked(129)).hasMessage("prefixBits: 129 (expected: 0 to 128)");
  }

  @Test
  void literals_are_equal_when_their_bytes_are_and_bytes_are_a_copy() {
    IpLiteral a = IpLiteral.parse("10.0.0.1");

    assertThat(a).isEqualTo(IpLiteral.parse("10.0.0.1")).hasSameHashCodeAs(IpLiteral.parse("10.0.0.1"))
        .isNotEqualTo(IpLiteral.parse("10.0.0.2")).isNotEqualTo(IpLiteral.parse("::ffff:10.0.0.1"))
        .isNotEqualTo("10.0.0.1");
    assertThat(a.isIpv4()).isTrue();
    assertThat(IpLiteral.parse("::ffff:10.0.0.1").isIpv4()).isFalse();
    assertThat(IpLiteral.parse("::ffff:10.0.0.1").unmapped()).isEqualTo(a);
    assertThat(IpLiteral.parse("::1").unmapped()).isEqualTo(IpLiteral.parse("::1"));
    byte[] bytes = a.bytes();
    bytes[0] = 11;
    assertThat(a.bytes()).containsExactly(10, 0, 0, 1);
  }

  @Test
  void parse_all_keeps_the_good_entries_in_order_and_says_what_is_wrong_with_each_bad_one() {
    List<String> problems = new ArrayList<>();

    List<IpBlock> blocks = IpBlock.parseAll(List.of("10.0.0.0/8", "010.0.0.1", "::1", "10.0.0.1/8"),
        problems::add);

    assertThat(blocks).extracting(IpBlock::toString).containsExactly("10.0.0.0/8", "::1");
    assertThat(problems).containsExactly("'010.0.0.1' part '010' has a leading zero " + IpBlock.EXPECTED,
        "'10.0.0.1/8' host bits set (expected: 10.0.0.0/8) " + IpBlock.EXPECTED);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1                | 10.0.0.1",
      "0:0:0:0:0:0:0:1         | ::1",
      "2001:db8:0:0:0:0:0:1    | 2001:db8::1",
      "::ffff:192.0.2.1        | 192.0.2.1"}) // the JDK makes an Inet4Address of a mapped address
  void a_socket_peer_prints_as_its_canonical_literal(String text, String canonical) throws Exception {
    assertThat(IpLiteral.of(InetAddress.getByName(text))).hasToString(canonical);
  }
}
