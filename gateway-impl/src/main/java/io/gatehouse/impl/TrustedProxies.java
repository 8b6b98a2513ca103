package io.gatehouse.impl;

import io.gatehouse.http.Request;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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

  /**
   * Who the client is: the peer's address, or, when the peer is a trusted proxy, the nearest
   * X-Forwarded-For hop that is not one (read right to left). A hop that is not an address
   * literal ends the walk at the last trusted hop: a name is never resolved here.
   */
  String clientAddress(Request request) {
    InetAddress peer = request.remoteAddress().getAddress();
    String client = peer == null ? request.remoteAddress().getHostString() : peer.getHostAddress();
    if (!trusts(peer)) {
      return client;
    }
    List<String> hops = new ArrayList<>();
    for (String value : request.headers().all("X-Forwarded-For")) {
      for (String hop : value.split(",")) {
        hops.add(hop.trim());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      InetAddress hop = literal(hops.get(i));
      if (hop == null) {
        return client;
      }
      client = hop.getHostAddress();
      if (!trusts(hop)) {
        return client;
      }
    }
    return client;
  }

  /** An IPv4 or IPv6 literal (an IPv4 port or IPv6 brackets allowed), parsed without DNS; else null. */
  static InetAddress literal(String text) {
    String t = text;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      t = close < 0 ? "" : t.substring(1, close);
    } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':') && t.indexOf('.') > 0) {
      t = t.substring(0, t.indexOf(':'));
    }
    boolean v4 = IPV4.matcher(t).matches();
    boolean v6 = t.indexOf(':') >= 0 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");

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
