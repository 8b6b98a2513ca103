package io.gatehouse.impl.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The set answers exactly as a scan of its blocks does: on tables of edges (a block's first and
 * last address and their neighbours, the ends of each space, mapped IPv4) and on thousands of
 * random blocks and addresses, most of them at block edges.
 */
class IpSetTest {

  private static IpSet set(String... blocks) {
    List<IpBlock> parsed = new ArrayList<>();
    for (String b : blocks) {
      parsed.add(IpBlock.parse(b));
    }
    return IpSet.of(parsed);
  }

  @ParameterizedTest(name = "[{0}] holds {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.0/8                      | 10.0.0.0                | true",
      "10.0.0.0/8                      | 10.255.255.255          | true",
      "10.0.0.0/8                      | 9.255.255.255           | false",
      "10.0.0.0/8                      | 11.0.0.0                | false",
      "10.0.0.0/8                      | ::ffff:10.1.2.3         | true",
      "10.0.0.0/8                      | ::a01:203               | false",
      "0.0.0.0/0                       | 0.0.0.0                 | true",
      "0.0.0.0/0                       | 255.255.255.255         | true",
      "0.0.0.0/0                       | 2001:db8::1             | false",
      "255.255.255.255                 | 255.255.255.255         | true",
      "255.255.255.255                 | 255.255.255.254         | false",
      "::/0                            | ::                      | true",
      "::/0                            | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | true",
      "::/0                            | 203.0.113.9             | false",
      "::/0                            | ::ffff:203.0.113.9      | true",
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | true",
      "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe | false",
      "2001:db8::/32                   | 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff | true",
      "2001:db8::/32                   | 2001:db9::              | false",
      "2001:db8::/32                   | 2001:db7:ffff:ffff:ffff:ffff:ffff:ffff | false",
      "2001:db8:0:0:8000::/65          | 2001:db8::8000:0:0:0    | true",
      "2001:db8:0:0:8000::/65          | 2001:db8::7fff:ffff:ffff:ffff | false",
      "2001:db8:0:0:8000::/65          | 2001:db8::1:0:0:0:0     | false",
      "::ffff:0:0/96                   | 203.0.113.9             | true",
      "::ffff:0:0/96                   | ::ffff:203.0.113.9      | true",
      "::ffff:0:0/96                   | ::fffe:ffff:ffff        | false",
      "::ffff:192.0.2.0/120            | 192.0.2.255             | true",
      "::ffff:192.0.2.0/120            | 192.0.3.0               | false",
      "::/64                           | 203.0.113.9             | false",
      "10.0.0.0/9 10.128.0.0/9         | 10.127.255.255          | true",
      "10.0.0.0/9 10.128.0.0/9         | 10.128.0.0              | true",
      "10.0.0.0/9 10.128.0.0/9         | 11.0.0.0                | false",
      "10.0.0.0/8 10.1.0.0/16          | 10.200.0.1              | true",
      "192.0.2.1 192.0.2.3             | 192.0.2.2               | false",
      "2001:db8::/64 2001:db8:0:1::/64 | 2001:db8:0:1:ffff:ffff:ffff:ffff | true",
      "2001:db8::/64 2001:db8:0:2::/64 | 2001:db8:0:1::         | false",
      "::/1 8000::/1                   | ffff::                  | true"})
  void holds_exactly_the_addresses_its_blocks_hold(String blocks, String address, boolean held) {
    IpSet set = set(blocks.split(" "));
    IpLiteral literal = IpLiteral.parse(address);
    assertThat(set.contains(literal)).isEqualTo(held);
    assertThat(scan(blocks.split(" "), literal)).as("as a scan of the blocks answers").isEqualTo(held);
  }

  @Test
  void an_empty_set_holds_nothing() {
    IpSet empty = IpSet.of(List.of());
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.contains(IpLiteral.parse("0.0.0.0"))).isFalse();
    assertThat(empty.contains(IpLiteral.parse("::"))).isFalse();
    assertThat(set("::1").isEmpty()).isFalse();
    assertThat(set("10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32")).hasToString("IpSet[1 IPv4 and 1 IPv6 intervals]");
    assertThat(set("::ffff:10.0.0.0/104")).as("a mapped block is in both spaces").hasToString("IpSet[1 IPv4 and 1 IPv6 intervals]");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 20261207})
  void answers_as_a_scan_does_for_random_blocks_and_addresses_at_their_edges(long seed) throws Exception {
    Random random = new Random(seed);
    List<IpBlock> blocks = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      blocks.add(randomBlock(random));
    }
    IpSet set = IpSet.of(blocks);
    for (int i = 0; i < 6_000; i++) {
      IpLiteral address = randomAddress(random, blocks);
      boolean scanned = blocks.stream().anyMatch(b -> b.contains(address));
      assertThat(set.contains(address)).as("%s among %s", address, blocks).isEqualTo(scanned);
    }
  }

  private static boolean scan(String[] blocks, IpLiteral address) {
    for (String b : blocks) {
      if (IpBlock.parse(b).contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** IPv4, IPv6 or IPv4-mapped IPv6 blocks of every prefix length, often short ones so they overlap. */
  private static IpBlock randomBlock(Random random) {
    int kind = random.nextInt(3);
    byte[] bytes = new byte[kind == 0 ? 4 : 16];
    random.nextBytes(bytes);
    if (kind == 2) {
      for (int i = 0; i < 10; i++) {
        bytes[i] = 0;
      }
      bytes[10] = (byte) 0xff;
      bytes[11] = (byte) 0xff;
    } else if (kind == 1) {
      bytes[0] = (byte) (0x20 + random.nextInt(2)); // two regions, so blocks overlap and touch
    } else {
      bytes[0] = (byte) (10 + random.nextInt(2));
    }
    int max = bytes.length * 8;
    int prefix = kind == 2 ? 96 + random.nextInt(33) : random.nextInt(10) == 0 ? random.nextInt(max + 1) : max - random.nextInt(max / 2);
    IpLiteral network = IpLiteral.ofBytes(bytes).masked(prefix);
    return IpBlock.parse(network + "/" + prefix);
  }

  /** A random address, or a block's first or last address or one of their neighbours, in either form. */
  private static IpLiteral randomAddress(Random random, List<IpBlock> blocks) throws Exception {
    IpBlock block = blocks.get(random.nextInt(blocks.size()));
    byte[] network = block.network().bytes();
    int prefix = block.prefixBits();
    byte[] bytes;
    switch (random.nextInt(5)) {
      case 0 -> {
        bytes = new byte[random.nextBoolean() ? 4 : 16];
        random.nextBytes(bytes);
        bytes[0] = (byte) (bytes.length == 4 ? 10 + random.nextInt(2) : 0x20 + random.nextInt(2));
      }
      case 1 -> bytes = step(network, -1);
      case 2 -> bytes = last(network, prefix);
      case 3 -> bytes = step(last(network, prefix), 1);
      default -> bytes = network.clone();
    }
    IpLiteral address = IpLiteral.of(InetAddress.getByAddress(bytes));
    if (bytes.length == 4 && random.nextBoolean()) {
      return IpLiteral.parse("::ffff:" + address); // the mapped form of the same address
    }
    return address;
  }

  private static byte[] last(byte[] network, int prefix) {
    byte[] b = network.clone();
    for (int bit = prefix; bit < b.length * 8; bit++) {
      b[bit / 8] |= (byte) (0x80 >>> (bit % 8));
    }
    return b;
  }

  /** The address one up or down, wrapping at the ends of the space. */
  private static byte[] step(byte[] address, int by) {
    byte[] b = address.clone();
    for (int i = b.length - 1; i >= 0; i--) {
      int v = (b[i] & 0xff) + by;
      b[i] = (byte) v;
      if (v >= 0 && v <= 0xff) {
        break;
      }
    }
    return b;
  }
}
