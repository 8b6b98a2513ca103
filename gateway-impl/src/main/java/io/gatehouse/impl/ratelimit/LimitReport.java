package io.gatehouse.impl.ratelimit;

import io.gatehouse.filter.AttributeKey;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.ratelimit.RateLimitHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * What the rate limits and quotas a request met tell the client. Each stage adds its items to the
 * exchange's report; the rate-limit stage, the outermost, renders them once on the response, so
 * no stage reads back another's (or an upstream's) header values.
 */
final class LimitReport {
  static final AttributeKey<LimitReport> KEY = AttributeKey.of("gatehouse.limit-report", LimitReport.class);

  /** One limit or quota: its name, quota per window, and the state after this request, in seconds. */
  record Item(String name, long quota, long windowSeconds, long remaining, long resetSeconds) {}

  private final List<Item> items = new ArrayList<>(2);

  synchronized void add(Item item) {
    items.add(item);
  }

  synchronized boolean isEmpty() {
    return items.isEmpty();
  }

  /**
   * Sets the fields of the header set, replacing any the upstream sent. Call only for a report with
   * items and a mode other than {@link RateLimitHeaders#NONE}.
   */
  synchronized HttpHeaders.Builder render(HttpHeaders.Builder h, RateLimitHeaders mode) {
    if (mode == RateLimitHeaders.X_RATELIMIT) {
      Item closest = items.get(0);
      for (Item i : items) {
        if (i.remaining() < closest.remaining()) {
          closest = i;
        }
      }
      return h.set("X-RateLimit-Limit", Long.toString(closest.quota()))
          .set("X-RateLimit-Remaining", Long.toString(closest.remaining()))
          .set("X-RateLimit-Reset", Long.toString(closest.resetSeconds()));
    }
    StringBuilder policy = new StringBuilder();
    StringBuilder state = new StringBuilder();
    for (Item i : items) {
      if (policy.length() > 0) {
        policy.append(", ");
        state.append(", ");
      }
      policy.append('"').append(i.name()).append("\";q=").append(i.quota()).append(";w=").append(i.windowSeconds());
      state.append('"').append(i.name()).append("\";r=").append(i.remaining()).append(";t=").append(i.resetSeconds());
    }
    return h.set("RateLimit-Policy", policy.toString()).set("RateLimit", state.toString());
  }

  /** Whole seconds, rounded up: a client that waits this long is not too early. */
  static long ceilSeconds(long nanos) {
    return Math.max(0, -Math.floorDiv(-nanos, 1_000_000_000L));
  }
}
