package io.gatehouse.impl.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Blocks of addresses, asked in O(log n) whether they hold an address: each block is an interval
 * of its family's address space, overlapping and adjacent intervals are merged, and a lookup is a
 * binary search. A list of tens of thousands of blocks (a deny list from a threat feed) costs a
 * request about as much as a list of ten. The answers are {@link IpBlock#contains}'s exactly: an
 * IPv4-mapped IPv6 address and its IPv4 address are one address, and an IPv4 address is held by
 * IPv4 blocks and by IPv6 blocks inside {@code ::ffff:0:0/96}. Immutable.
 */
public final class IpSet {
  private static final IpSet EMPTY = new IpSet(new long[0], new long[0]);

  /** IPv4 intervals: first and last address as unsigned 32-bit values, sorted, disjoint, not adjacent. */
  private final long[] v4;
  /** IPv6 intervals: first address (high, low 64 bits), then last address, four longs each; as above. */
  private final long[] v6;

  private IpSet(long[] v4, long[] v6) {
    this.v4 = v4;
    this.v6 = v6;
  }

  /**
   * The set of the blocks' addresses.
   *
   * @param blocks any number, overlapping or not
   * @return the set
   */
  public static IpSet of(List<IpBlock> blocks) {
    if (blocks.isEmpty()) {
      return EMPTY;
    }
    List<long[]> v4 = new ArrayList<>();
    List<long[]> v6 = new ArrayList<>();
    for (IpBlock block : blocks) {
      byte[] network = block.network().unsafeBytes();
      int prefix = block.prefixBits();
      if (network.length == 4) {
        v4.add(range32(network, prefix));
        continue;
      }
      v6.add(range128(network, prefix));
      byte[] mapped = IpLiteral.mappedIpv4(network);
      if (mapped != null && prefix >= 96) {
        v4.add(range32(mapped, prefix - 96)); // holds IPv4 addresses too
      }
    }
    return new IpSet(merge32(v4), merge128(v6));
  }

  /**
   * Whether an address is in one of the blocks.
   *
   * @param address any address
   * @return true when a block holds it
   */
  public boolean contains(IpLiteral address) {
    byte[] b = address.unsafeBytes();
    if (b.length == 4) {
      return contains32(unsigned32(b, 0));
    }
    byte[] mapped = IpLiteral.mappedIpv4(b);
    if (mapped != null && contains32(unsigned32(mapped, 0))) {
      return true;
    }
    return contains128(long64(b, 0), long64(b, 8));
  }

  /** Whether the set holds no address. */
  public boolean isEmpty() {
    return v4.length == 0 && v6.length == 0;
  }

  private boolean contains32(long a) {
    int low = 0;
    int high = v4.length / 2 - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (a < v4[2 * mid]) {
        high = mid - 1;
      } else if (a > v4[2 * mid + 1]) {
        low = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  private boolean contains128(long hi, long lo) {
    int low = 0;
    int high = v6.length / 4 - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int i = 4 * mid;
      if (compare(hi, lo, v6[i], v6[i + 1]) < 0) {
        high = mid - 1;
      } else if (compare(hi, lo, v6[i + 2], v6[i + 3]) > 0) {
        low = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  private static long[] range32(byte[] network, int prefix) {
    long first = unsigned32(network, 0);
    long size = 1L << (32 - prefix);
    return new long[] {first, first + size - 1};
  }

  private static long[] range128(byte[] network, int prefix) {
    long hi = long64(network, 0);
    long lo = long64(network, 8);
    long lastHi;
    long lastLo;
    if (prefix >= 64) {
      lastHi = hi;
      lastLo = prefix == 128 ? lo : lo | (-1L >>> prefix - 64);
    } else {
      lastHi = prefix == 0 ? -1L : hi | (-1L >>> prefix);
      lastLo = -1L;
    }
    return new long[] {hi, lo, lastHi, lastLo};
  }

  private static long[] merge32(List<long[]> ranges) {
    ranges.sort(Comparator.comparingLong(r -> r[0]));
    long[] out = new long[ranges.size() * 2];
    int n = 0;
    for (long[] r : ranges) {
      if (n > 0 && r[0] <= out[n - 1] + 1) {
        out[n - 1] = Math.max(out[n - 1], r[1]);
      } else {
        out[n++] = r[0];
        out[n++] = r[1];
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static long[] merge128(List<long[]> ranges) {
    ranges.sort((a, b) -> compare(a[0], a[1], b[0], b[1]));
    long[] out = new long[ranges.size() * 4];
    int n = 0;
    for (long[] r : ranges) {
      if (n > 0 && touches(out[n - 2], out[n - 1], r[0], r[1])) {
        if (compare(r[2], r[3], out[n - 2], out[n - 1]) > 0) {
          out[n - 2] = r[2];
          out[n - 1] = r[3];
        }
      } else {
        out[n++] = r[0];
        out[n++] = r[1];
        out[n++] = r[2];
        out[n++] = r[3];
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** Whether an interval starting at (hi, lo) overlaps or follows right after one ending at (lastHi, lastLo). */
  private static boolean touches(long lastHi, long lastLo, long hi, long lo) {
    if (compare(hi, lo, lastHi, lastLo) <= 0) {
      return true; // also whenever the last interval ends at the space's last address
    }
    long nextLo = lastLo + 1;
    long nextHi = nextLo == 0 ? lastHi + 1 : lastHi;
    return hi == nextHi && lo == nextLo;
  }

  /** Compares two unsigned 128-bit values. */
  private static int compare(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  private static long unsigned32(byte[] b, int from) {
    return ((b[from] & 0xffL) << 24) | ((b[from + 1] & 0xffL) << 16) | ((b[from + 2] & 0xffL) << 8) | (b[from + 3] & 0xffL);
  }

  private static long long64(byte[] b, int from) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[from + i] & 0xffL);
    }
    return v;
  }

  @Override
  public String toString() {
    return "IpSet[" + v4.length / 2 + " IPv4 and " + v6.length / 4 + " IPv6 intervals]";
  }
}
