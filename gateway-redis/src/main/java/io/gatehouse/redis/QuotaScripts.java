package io.gatehouse.redis;

import io.gatehouse.ratelimit.RateLimitStore.QuotaCount;
import java.util.List;

/** Fixed-window quota counts in Lua: counts are small integers, exact in Lua numbers. */
final class QuotaScripts {
  private QuotaScripts() {}

  /**
   * KEYS[1] the key; ARGV[1] the cost, ARGV[2] the limit, ARGV[3] the window's end in epoch
   * milliseconds. Adds the cost if the count stays within the limit, and makes the key expire at
   * the window's end. Returns {counted, count}.
   */
  static final GcraScripts.Script COUNT = GcraScripts.Script.of("""
      local used = tonumber(redis.call('GET', KEYS[1]) or '0')
      local cost = tonumber(ARGV[1])
      if used + cost > tonumber(ARGV[2]) then return {0, used} end
      used = redis.call('INCRBY', KEYS[1], cost)
      redis.call('PEXPIREAT', KEYS[1], ARGV[3])
      return {1, used}
      """);

  /** KEYS[1] the key; ARGV[1] the cost. Takes the cost back, deleting the key at zero. */
  static final GcraScripts.Script UNCOUNT = GcraScripts.Script.of("""
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      local used = redis.call('DECRBY', KEYS[1], ARGV[1])
      if used <= 0 then redis.call('DEL', KEYS[1]) end
      return 1
      """);

  static QuotaCount count(List<?> reply) {
    if (reply.size() != 2 || !(reply.get(0) instanceof Long counted) || !(reply.get(1) instanceof Long used)) {
      throw new IllegalStateException("count script reply: " + reply + " (expected: [counted, count])");
    }
    return new QuotaCount(counted == 1L, used);
  }
}
