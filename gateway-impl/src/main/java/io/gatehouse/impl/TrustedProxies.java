package io.gatehouse.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The peers whose forwarding headers the gateway believes: address literals and CIDR blocks. */
final class TrustedProxies {
  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** Parses the entries, reporting each bad one to {@code problems} and skipping it. */
  static TrustedProxies parse(List<String> entries, Consumer<String> problems) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : entries) {
      try {
        blocks.add(Block.parse(entry));
      } catch (IllegalArgumentException e) {
        problems.accept(e.getMessage());
      }
    }
    return blocks.isEmpty() ? NONE : new TrustedProxies(blocks);
  }

  boolean trusts(InetAddress peer) {
    if (blocks.isEmpty() || peer == null) {
      return false;
    }
    byte[] address = peer.getAddress();
    for (Block b : blocks) {
      if (b.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private record Block(byte[] network, int prefixBits) {
    static Block parse(String entry) {
      String text = entry.trim();
      int slash = text.indexOf('/');
      String addressText = slash < 0 ? text : text.substring(0, slash);
      if (addressText.isEmpty() || !addressText.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
        throw new IllegalArgumentException(
            "'" + entry + "' (expected: an IP address or CIDR block such as 10.0.0.0/8 or ::1)");
      }
      byte[] network;
      try {
        network = InetAddress.getByName(addressText).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "'" + entry + "' (expected: an IP address or CIDR block such as 10.0.0.0/8 or ::1)");
      }
      int max = network.length * 8;
      int bits = max;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > max) {
          throw new IllegalArgumentException(
              "'" + entry + "' (expected: a prefix length from 0 to " + max + ")");
        }
      }
      return new Block(network, bits);
    }

    boolean contains(byte[] address) {
      byte[] candidate = address;
      if (candidate.length != network.length) {
        candidate = mappedIpv4(candidate);
        if (candidate == null || candidate.length != network.length) {
          return false;
        }
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (candidate[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (candidate[full] & mask) == (network[full] & mask);
    }

    /** {@code ::ffff:a.b.c.d} as its IPv4 bytes, or null. */
    private static byte[] mappedIpv4(byte[] v6) {
      if (v6.length != 16) {
        return null;
      }
      for (int i = 0; i < 10; i++) {
        if (v6[i] != 0) {
          return null;
        }
      }
      if (v6[10] != (byte) 0xff || v6[11] != (byte) 0xff) {
        return null;
      }
      return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
  }
}
