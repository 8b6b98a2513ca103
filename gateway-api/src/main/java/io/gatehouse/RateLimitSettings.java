package io.gatehouse;

import io.gatehouse.internal.Text;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitHeaders;
import io.gatehouse.ratelimit.RateLimitStore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How much callers may use the gateway: the global rate limits, the headers that tell clients
 * about them, a store that instances share them in, and the usage plans' quotas. Immutable; made by
 * {@link Gateway.Builder} ({@code rateLimit}, {@code rateLimitHeaders}, {@code rateLimitStore},
 * {@code usagePlan}, {@code defaultUsagePlan}).
 *
 * <p>{@code Map<String, List<Quota>> plans = gateway.spec().rateLimiting().usagePlans();}
 *
 * @since 0.1
 */
public final class RateLimitSettings {
  private final List<RateLimit> limits;
  private final RateLimitHeaders headers;
  private final Optional<RateLimitStore> store;
  private final RateLimitStore.Fallback storeFallback;
  private final Map<String, List<Quota>> usagePlans;
  private final Optional<String> defaultUsagePlan;

  RateLimitSettings(List<RateLimit> limits, RateLimitHeaders headers, Optional<RateLimitStore> store,
      RateLimitStore.Fallback storeFallback, Map<String, List<Quota>> usagePlans, Optional<String> defaultUsagePlan) {
    this.limits = List.copyOf(limits);
    this.headers = Objects.requireNonNull(headers, "headers");
    this.store = Objects.requireNonNull(store, "store");
    this.storeFallback = Objects.requireNonNull(storeFallback, "storeFallback");
    Map<String, List<Quota>> plans = new LinkedHashMap<>();
    usagePlans.forEach((plan, quotas) -> plans.put(plan, List.copyOf(quotas)));
    this.usagePlans = Collections.unmodifiableMap(plans);
    this.defaultUsagePlan = Objects.requireNonNull(defaultUsagePlan, "defaultUsagePlan");
  }

  /**
   * The global rate limits, checked for every route before the route's own.
   *
   * @return the limits, in declaration order
   */
  public List<RateLimit> limits() {
    return limits;
  }

  /**
   * Which rate-limit headers responses carry.
   *
   * @return the header set
   */
  public RateLimitHeaders headers() {
    return headers;
  }

  /**
   * A store that instances share rate-limit state in.
   *
   * @return the store, or empty to keep the state in this instance
   */
  public Optional<RateLimitStore> store() {
    return store;
  }

  /**
   * What happens while the {@link #store()} cannot answer.
   *
   * @return the fallback; {@link RateLimitStore.Fallback#LOCAL} unless set
   */
  public RateLimitStore.Fallback storeFallback() {
    return storeFallback;
  }

  /**
   * The usage plans' quotas.
   *
   * @return the quotas by plan name, in declaration order
   */
  public Map<String, List<Quota>> usagePlans() {
    return usagePlans;
  }

  /**
   * The plan of authenticated principals that have none.
   *
   * @return the plan's name, or empty: such principals have no quota
   */
  public Optional<String> defaultUsagePlan() {
    return defaultUsagePlan;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RateLimitSettings r && limits.equals(r.limits) && headers.equals(r.headers)
        && store.equals(r.store) && storeFallback == r.storeFallback && usagePlans.equals(r.usagePlans)
        && defaultUsagePlan.equals(r.defaultUsagePlan);
  }

  @Override
  public int hashCode() {
    return Objects.hash(limits, headers, store, storeFallback, usagePlans, defaultUsagePlan);
  }

  @Override
  public String toString() {
    return Text.fields(this, "limits", limits, "headers", headers, "store", store, "storeFallback", storeFallback,
        "usagePlans", usagePlans, "defaultUsagePlan", defaultUsagePlan);
  }
}
