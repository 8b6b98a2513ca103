package io.gatehouse.impl.proxy;

import io.gatehouse.http.Request;
import io.gatehouse.impl.net.IpBlock;
import io.gatehouse.impl.net.IpLiteral;
import io.gatehouse.impl.net.IpSet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The peers whose forwarding headers the gateway believes: address literals and CIDR blocks, read
 * by the one strict parser ({@link IpBlock}), so {@code 010.0.0.1} or {@code 10.1} is refused
 * rather than read as 10.0.0.1.
 */
public final class TrustedProxies {
  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<IpBlock> blocks;
  private final IpSet set;

  private TrustedProxies(List<IpBlock> blocks) {
    this.blocks = List.copyOf(blocks);
    this.set = IpSet.of(blocks);
  }

  /** Parses the entries, reporting each bad one to {@code problems} and skipping it. */
  public static TrustedProxies parse(List<String> entries, Consumer<String> problems) {
    List<IpBlock> blocks = IpBlock.parseAll(entries, problems);
    return blocks.isEmpty() ? NONE : new TrustedProxies(blocks);
  }

  public boolean trusts(InetAddress peer) {
    return peer != null && trusts(IpLiteral.of(peer));
  }

  private boolean trusts(IpLiteral address) {
    return set.contains(address);
  }

  /**
   * Who the client is, as a canonical literal (dotted quad or RFC 5952; an IPv4-mapped IPv6
   * address as its IPv4 address): the peer's address, or,
   * when the peer is a trusted proxy, the nearest X-Forwarded-For hop that is not one (read right
   * to left). A hop that is not a strict address literal (a name, {@code 010.0.0.1}, {@code 10.1})
   * ends the walk at the last trusted hop: a name is never resolved, a lenient form never read.
   * A peer without an IP address (an unresolved socket address) is its host string.
   */
  public String clientAddress(Request request) {
    InetAddress peer = request.remoteAddress().getAddress();
    if (peer == null) {
      return request.remoteAddress().getHostString();
    }
    IpLiteral client = IpLiteral.of(peer).unmapped();
    if (blocks.isEmpty() || !trusts(client)) {
      return client.toString();
    }
    List<String> hops = new ArrayList<>();
    for (String value : request.headers().all("X-Forwarded-For")) {
      for (String hop : value.split(",", -1)) {
        hops.add(hop.strip());
      }
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<IpLiteral> hop = literal(hops.get(i));
      if (hop.isEmpty()) {
        return client.toString();
      }
      client = hop.get().unmapped();
      if (!trusts(client)) {
        return client.toString();
      }
    }
    return client.toString();
  }

  /**
   * Whether the client reached the first proxy over TLS: the request arrived as {@code https}, or
   * its peer is a trusted proxy whose first {@code X-Forwarded-Proto} element is {@code https}
   * (in any case). From any other peer the header is not read.
   */
  public boolean arrivedOverTls(Request request) {
    if (request.scheme().equals("https")) {
      return true;
    }
    if (blocks.isEmpty() || !trusts(request.remoteAddress().getAddress())) {
      return false;
    }
    String proto = request.headers().first("X-Forwarded-Proto").orElse("");
    int comma = proto.indexOf(',');
    return (comma < 0 ? proto : proto.substring(0, comma)).strip().equalsIgnoreCase("https");
  }

  /**
   * A forwarding hop: a strict IPv4 literal with an optional {@code :port}, or an IPv6 literal,
   * bare or in brackets with an optional {@code :port}; else empty.
   */
  static Optional<IpLiteral> literal(String hop) {
    String t = hop;
    if (t.startsWith("[")) {
      int close = t.indexOf(']');
      if (close < 0 || !(close == t.length() - 1 || isPort(t.substring(close + 1)))) {
        return Optional.empty();
      }
      t = t.substring(1, close);
      return t.indexOf(':') < 0 ? Optional.empty() : IpLiteral.tryParse(t);
    }
    int colon = t.indexOf(':');
    if (colon >= 0 && colon == t.lastIndexOf(':')) {
      if (!isPort(t.substring(colon))) {
        return Optional.empty();
      }
      t = t.substring(0, colon);
      if (t.indexOf('.') < 0) {
        return Optional.empty();
      }
    }
    return IpLiteral.tryParse(t);
  }

  /** {@code :} and 1 to 5 decimal digits. */
  private static boolean isPort(String s) {
    return s.length() >= 2 && s.length() <= 6 && s.charAt(0) == ':'
        && s.chars().skip(1).allMatch(c -> c >= '0' && c <= '9');
  }
}
