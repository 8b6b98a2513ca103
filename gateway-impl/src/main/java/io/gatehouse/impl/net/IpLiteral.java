package io.gatehouse.impl.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An IP address written as a literal, parsed strictly and without DNS. Accepted: canonical
 * dotted-quad IPv4 (four decimal parts 0 to 255, no leading zeros, no sign, no whitespace) and the
 * RFC 4291 §2.2 textual forms of IPv6 (one to four hex digits a group, either case, at most one
 * {@code ::}, an embedded dotted-quad IPv4 as the last 32 bits). Refused: every shortened, octal or
 * hex IPv4 form the JDK's {@link InetAddress} and C's {@code inet_aton} read leniently
 * ({@code 010.0.0.1}, {@code 10.1}, {@code 0x7f.1}), brackets and zone ids ({@code fe80::1%eth0}).
 * {@link #toString()} is the canonical text: dotted quad, or RFC 5952 (lower case, longest run of
 * two or more zero groups as {@code ::}, IPv4-mapped addresses as {@code ::ffff:a.b.c.d}).
 *
 * <pre>{@code
 * IpLiteral.parse("2001:DB8:0:0::1").toString();   // "2001:db8::1"
 * IpLiteral.parse("010.0.0.1");                    // IllegalArgumentException
 * }</pre>
 */
public final class IpLiteral {
  private final byte[] bytes;

  private IpLiteral(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses an address literal.
   *
   * @param text such as {@code 10.0.0.1} or {@code 2001:db8::1}
   * @throws IllegalArgumentException saying what is wrong, such as {@code part '010' has a leading zero}
   */
  public static IpLiteral parse(String text) {
    Objects.requireNonNull(text, "text");
    return new IpLiteral(text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text));
  }

  /**
   * Parses an address literal, or says it is none.
   *
   * @return the address; empty when {@link #parse(String)} would throw
   */
  public static Optional<IpLiteral> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The address of a socket peer, as the JDK reports it (a zone id is dropped). */
  public static IpLiteral of(InetAddress address) {
    return new IpLiteral(address.getAddress());
  }

  /**
   * The address's bytes: 4 for IPv4, 16 for IPv6.
   *
   * @return a copy
   */
  public byte[] bytes() {
    return bytes.clone();
  }

  static IpLiteral ofBytes(byte[] bytes) {
    return new IpLiteral(bytes);
  }

  byte[] unsafeBytes() {
    return bytes;
  }

  /**
   * This address with an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) as its IPv4 address,
   * as the JDK reports such a socket peer: one client, one text, whichever way it was written.
   *
   * @return the IPv4 address for a mapped one; else this
   */
  public IpLiteral unmapped() {
    byte[] v4 = mappedIpv4(bytes);
    return v4 == null ? this : new IpLiteral(v4);
  }

  /**
   * The network of this address: its first {@code prefixBits} bits, the rest zero.
   *
   * @param prefixBits from 0 to 32 for IPv4, to 128 for IPv6
   * @return the network address; this, when no bit is cleared
   */
  public IpLiteral masked(int prefixBits) {
    if (prefixBits < 0 || prefixBits > bytes.length * 8) {
      throw new IllegalArgumentException("prefixBits: " + prefixBits + " (expected: 0 to " + bytes.length * 8 + ")");
    }
    byte[] masked = bytes.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefixBits - 8 * i));
      masked[i] &= (byte) (0xff << (8 - keep));
    }
    return Arrays.equals(masked, bytes) ? this : new IpLiteral(masked);
  }

  /**
   * Whether this is an IPv4 address (not an IPv4-mapped IPv6 one).
   *
   * @return true for 4 bytes
   */
  public boolean isIpv4() {
    return bytes.length == 4;
  }

  /** The address as a JDK value, made without DNS. */
  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes are always accepted
    }
  }

  /** The canonical text: a dotted quad, or RFC 5952 for IPv6. */
  @Override
  public String toString() {
    return bytes.length == 4 ? dotted(bytes, 0) : rfc5952(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpLiteral other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** {@code ::ffff:a.b.c.d} as its four IPv4 bytes, or null. */
  static byte[] mappedIpv4(byte[] v6) {
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
    return Arrays.copyOfRange(v6, 12, 16);
  }

  private static byte[] ipv4(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("is empty");
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("has " + parts.length + " part" + (parts.length == 1 ? "" : "s")
          + " (an IPv4 address has 4)");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) decimalPart(parts[i]);
    }
    return out;
  }

  private static int decimalPart(String part) {
    if (part.isEmpty()) {
      throw new IllegalArgumentException("has an empty part");
    }
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("part '" + part + "' is not a decimal number");
      }
    }
    if (part.length() > 1 && part.charAt(0) == '0') {
      throw new IllegalArgumentException("part '" + part + "' has a leading zero");
    }
    if (part.length() > 3 || Integer.parseInt(part) > 255) {
      throw new IllegalArgumentException("part '" + part + "' is above 255");
    }
    return Integer.parseInt(part);
  }

  private static byte[] ipv6(String text) {
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException("has a zone id");
    }
    if (text.startsWith("[") || text.endsWith("]")) {
      throw new IllegalArgumentException("is in brackets");
    }
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      throw new IllegalArgumentException("has more than one '::'");
    }
    String head = doubleColon < 0 ? text : text.substring(0, doubleColon);
    String tail = doubleColon < 0 ? "" : text.substring(doubleColon + 2);
    int[] headGroups = groups(head, doubleColon < 0);
    int[] tailGroups = groups(tail, true);
    int count = headGroups.length + tailGroups.length;
    if (doubleColon < 0 && count != 8) {
      throw new IllegalArgumentException("has " + count + " groups (expected: 8, or '::')");
    }
    if (doubleColon >= 0 && count > 7) {
      throw new IllegalArgumentException("has " + count + " groups and '::' (expected: at most 7 with '::')");
    }
    byte[] out = new byte[16];
    for (int i = 0; i < headGroups.length; i++) {
      out[2 * i] = (byte) (headGroups[i] >> 8);
      out[2 * i + 1] = (byte) headGroups[i];
    }
    int offset = 8 - tailGroups.length;
    for (int i = 0; i < tailGroups.length; i++) {
      out[2 * (offset + i)] = (byte) (tailGroups[i] >> 8);
      out[2 * (offset + i) + 1] = (byte) tailGroups[i];
    }
    return out;
  }

  /** The 16-bit groups of a colon-separated run; an IPv4 tail (if allowed) counts as two. */
  private static int[] groups(String run, boolean ipv4TailAllowed) {
    if (run.isEmpty()) {
      return new int[0];
    }
    String[] parts = run.split(":", -1);
    int[] out = new int[parts.length + 1];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.indexOf('.') >= 0) {
        if (!ipv4TailAllowed || i != parts.length - 1) {
          throw new IllegalArgumentException("has an embedded IPv4 address that is not its last 32 bits");
        }
        byte[] v4 = ipv4(p);
        out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        continue;
      }
      if (p.isEmpty()) {
        throw new IllegalArgumentException("has an empty group");
      }
      if (p.length() > 4) {
        throw new IllegalArgumentException("group '" + p + "' has more than 4 hex digits");
      }
      int value = 0;
      for (int k = 0; k < p.length(); k++) {
        char c = p.charAt(k);
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) {
          throw new IllegalArgumentException("group '" + p + "' is not hexadecimal");
        }
        value = value * 16 + digit;
      }
      out[n++] = value;
    }
    return Arrays.copyOf(out, n);
  }

  private static String dotted(byte[] b, int from) {
    return (b[from] & 0xff) + "." + (b[from + 1] & 0xff) + "." + (b[from + 2] & 0xff) + "." + (b[from + 3] & 0xff);
  }

  private static String rfc5952(byte[] b) {
    if (mappedIpv4(b) != null) {
      return "::ffff:" + dotted(b, 12);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is never shortened (RFC 5952 §4.2.2)
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) { // the first of equally long runs wins (§4.2.3)
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }
}
