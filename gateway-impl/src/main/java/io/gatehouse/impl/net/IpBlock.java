package io.gatehouse.impl.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A CIDR block, or a single address: {@code 10.0.0.0/8}, {@code fd00::/8}, {@code 192.0.2.7}. The
 * address is an {@link IpLiteral}; the prefix length is decimal without sign or leading zeros, 0 to
 * 32 for IPv4 and 0 to 128 for IPv6. A block with host bits set ({@code 10.0.0.1/8}) is refused,
 * naming the block that was probably meant: it is a typo or a misunderstanding more often than not.
 * An IPv4-mapped IPv6 address is its IPv4 address: an IPv4 block contains the mapped forms of its
 * addresses, and a block written in the mapped form ({@code ::ffff:10.0.0.0/104}) contains the
 * IPv4 addresses of the IPv4 block it maps ({@code 10.0.0.0/8}), so neither way of writing an
 * address slips past a block written the other way. Other IPv6 blocks ({@code ::/0} too) contain
 * IPv6 addresses only.
 *
 * <pre>{@code
 * IpBlock.parse("10.0.0.0/8").contains(IpLiteral.parse("10.1.2.3"));   // true
 * IpBlock.parse("10.0.0.1/8");   // IllegalArgumentException: host bits set (expected: 10.0.0.0/8)
 * }</pre>
 */
public final class IpBlock {
  /** What a valid block looks like, for messages. */
  public static final String EXPECTED =
      "(expected: a canonical IP address or CIDR block such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)";

  private final IpLiteral network;
  private final int prefixBits;

  private IpBlock(IpLiteral network, int prefixBits) {
    this.network = network;
    this.prefixBits = prefixBits;
  }

  /**
   * Parses a block or a single address (a block of one).
   *
   * @param text such as {@code 10.0.0.0/8} or {@code ::1}
   * @throws IllegalArgumentException saying what is wrong
   */
  public static IpBlock parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    IpLiteral address = IpLiteral.parse(slash < 0 ? text : text.substring(0, slash));
    int max = address.unsafeBytes().length * 8;
    if (slash < 0) {
      return new IpBlock(address, max);
    }
    String prefix = text.substring(slash + 1);
    boolean decimal = !prefix.isEmpty() && prefix.length() <= 3 && prefix.chars().allMatch(c -> c >= '0' && c <= '9')
        && (prefix.length() == 1 || prefix.charAt(0) != '0');
    if (!decimal || Integer.parseInt(prefix) > max) {
      throw new IllegalArgumentException("prefix length '" + prefix + "' is not a decimal from 0 to " + max);
    }
    int bits = Integer.parseInt(prefix);
    IpLiteral network = address.masked(bits);
    if (network != address) {
      throw new IllegalArgumentException("host bits set (expected: " + network + "/" + bits + ")");
    }
    return new IpBlock(address, bits);
  }

  /**
   * Parses configured entries, reporting each bad one and skipping it: the one reading of every
   * address list in the configuration (trusted proxies, IP rules).
   *
   * @param entries the entries as configured
   * @param problems told, for each bad entry, {@code 'entry' what is wrong (expected: ...)}
   * @return the blocks of the good entries, in order
   */
  public static List<IpBlock> parseAll(List<String> entries, Consumer<String> problems) {
    List<IpBlock> blocks = new ArrayList<>(entries.size());
    for (String entry : entries) {
      try {
        blocks.add(parse(entry));
      } catch (IllegalArgumentException e) {
        problems.accept("'" + entry + "' " + e.getMessage() + " " + EXPECTED);
      }
    }
    return blocks;
  }

  /**
   * Whether the address is in this block. An IPv4-mapped IPv6 address and its IPv4 address are
   * one address (see the class comment).
   *
   * @return true when its first prefix-length bits are the network's
   */
  public boolean contains(IpLiteral address) {
    byte[] candidate = address.unsafeBytes();
    byte[] net = network.unsafeBytes();
    int prefixBits = this.prefixBits;
    if (candidate.length != net.length) {
      if (candidate.length == 16) {
        candidate = IpLiteral.mappedIpv4(candidate);
        if (candidate == null) {
          return false;
        }
      } else {
        // An IPv4 address against an IPv6 block: only a block inside ::ffff:0:0/96 holds it.
        net = prefixBits >= 96 ? IpLiteral.mappedIpv4(net) : null;
        if (net == null) {
          return false;
        }
        prefixBits -= 96;
      }
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (candidate[i] != net[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[full] & mask) == (net[full] & mask);
  }

  IpLiteral network() {
    return network;
  }

  int prefixBits() {
    return prefixBits;
  }

  /**
   * The canonical text, such as {@code 10.0.0.0/8}; a single address without a prefix length.
   */
  @Override
  public String toString() {
    return prefixBits == network.unsafeBytes().length * 8 ? network.toString() : network + "/" + prefixBits;
  }
}
