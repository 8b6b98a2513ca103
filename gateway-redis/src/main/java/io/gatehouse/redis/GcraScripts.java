package io.gatehouse.redis;

import io.gatehouse.ratelimit.RateLimitStore.Decision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The two Lua scripts that keep GCRA state in Redis, and the Java half of their answer.
 *
 * <p><b>Representation.</b> A key holds its TAT as a decimal string of nanoseconds since the Unix
 * epoch, the same number the local limiter keeps. Lua (5.1, as in Redis) has only doubles, exact
 * up to 2^53: far below such a value (about 1.7e18), and below what a limit of a few months'
 * capacity needs in nanoseconds. So the scripts never hold a whole nanosecond count in one
 * number: they cut each decimal string into whole seconds and nanoseconds of the second, and add,
 * subtract and compare those pairs (a carry between them, as on paper). Both halves stay far
 * below 2^53 for any value a {@code long} can hold, so every step is exact, whatever the interval
 * or capacity. The Redis clock ({@code TIME}: seconds and microseconds) gives {@code now}; all
 * gateway instances read that one clock.
 *
 * <p>The acquire script answers only with the admission and {@code max(TAT, now) - now} after the
 * request, as seconds and nanoseconds; Java derives {@code remaining} and {@code retryAfter} from
 * them with the local limiter's formulas in {@code long} arithmetic (the division they need is
 * not exact in doubles).
 */
final class GcraScripts {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private GcraScripts() {}

  /** A script's source and its SHA-1, as EVALSHA names it. */
  record Script(String source, String sha) {
    static Script of(String source) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        return new Script(source, HexFormat.of().formatHex(digest));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is required of every JDK", e);
      }
    }
  }

  // Shared by both scripts: pairs {seconds, nanoseconds of the second} with 0 <= nanoseconds < 1e9;
  // a negative value has negative seconds (-1 ns is {-1, 999999999}), so pairs compare in order.
  private static final String PAIRS = """
      local B = 1000000000
      local function split(decimal)
        local n = #decimal
        if n <= 9 then return 0, tonumber(decimal) end
        return tonumber(string.sub(decimal, 1, n - 9)), tonumber(string.sub(decimal, n - 8))
      end
      local function add(as, an, bs, bn)
        local s, n = as + bs, an + bn
        if n >= B then return s + 1, n - B end
        return s, n
      end
      local function sub(as, an, bs, bn)
        local s, n = as - bs, an - bn
        if n < 0 then return s - 1, n + B end
        return s, n
      end
      local function ttl_millis(s, n)
        local ms = s * 1000 + math.ceil(n / 1000000)
        if ms < 1 then return 1 end
        return ms
      end
      -- TIME before a write needs effects replication, the default since Redis 5.
      if redis.replicate_commands then redis.replicate_commands() end
      local time = redis.call('TIME')
      local now_s, now_n = tonumber(time[1]), tonumber(time[2]) * 1000
      """;

  /**
   * KEYS[1] the key; ARGV[1] cost * interval and ARGV[2] the capacity, in nanoseconds as decimal
   * strings. Returns {admitted (1 or 0), seconds, nanoseconds} of {@code max(TAT, now) - now} after
   * the request.
   */
  static final Script ACQUIRE = Script.of(PAIRS + """
      local cost_s, cost_n = split(ARGV[1])
      local cap_s, cap_n = split(ARGV[2])
      local used_s, used_n = 0, 0
      local tat = redis.call('GET', KEYS[1])
      if tat then
        local tat_s, tat_n = split(tat)
        local s, n = sub(tat_s, tat_n, now_s, now_n)
        if s >= 0 then used_s, used_n = s, n end
      end
      local next_s, next_n = add(used_s, used_n, cost_s, cost_n)
      if next_s < cap_s or (next_s == cap_s and next_n <= cap_n) then
        local tat_s, tat_n = add(now_s, now_n, next_s, next_n)
        redis.call('SET', KEYS[1], string.format('%d%09d', tat_s, tat_n),
            'PX', string.format('%d', ttl_millis(next_s, next_n)))
        return {1, next_s, next_n}
      end
      return {0, used_s, used_n}
      """);

  /**
   * KEYS[1] the key; ARGV[1] cost * interval in nanoseconds as a decimal string. Moves the TAT back
   * by that much, deleting the key when the TAT is then not after now. Returns 1 if a TAT was
   * kept, else 0.
   */
  static final Script RELEASE = Script.of(PAIRS + """
      local tat = redis.call('GET', KEYS[1])
      if not tat then return 0 end
      local old_s, old_n = split(tat)
      local tat_s, tat_n = sub(old_s, old_n, split(ARGV[1]))
      local left_s, left_n = sub(tat_s, tat_n, now_s, now_n)
      if left_s < 0 or (left_s == 0 and left_n == 0) then
        redis.call('DEL', KEYS[1])
        return 0
      end
      redis.call('SET', KEYS[1], string.format('%d%09d', tat_s, tat_n),
          'PX', string.format('%d', ttl_millis(left_s, left_n)))
      return 1
      """);

  /**
   * The SPI's answer from the acquire script's reply, with the local limiter's formulas.
   *
   * @param reply {admitted, seconds, nanoseconds}
   */
  static Decision decision(List<?> reply, long intervalNanos, long capacityNanos, long costNanos) {
    if (reply.size() != 3 || !(reply.get(0) instanceof Long admitted) || !(reply.get(1) instanceof Long seconds)
        || !(reply.get(2) instanceof Long nanos)) {
      throw new IllegalStateException("acquire script reply: " + reply + " (expected: [admitted, seconds, nanos])");
    }
    long used = Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
    if (admitted == 1L) {
      return new Decision(true, (capacityNanos - used) / intervalNanos, used, 0);
    }
    long retry = saturatedAdd(used - capacityNanos, costNanos);
    return new Decision(false, Math.max(0, (capacityNanos - used) / intervalNanos), used, retry);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
