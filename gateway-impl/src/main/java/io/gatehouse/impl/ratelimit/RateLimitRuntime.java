package io.gatehouse.impl.ratelimit;

import io.gatehouse.TimeSource;
import io.gatehouse.GatewaySpec;
import io.gatehouse.RateLimitSettings;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.route.RouteSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rate limiters of one gateway: the global limits' limiters, shared by every route (a key's
 * budget spans routes), and each route's own.
 */
public final class RateLimitRuntime {
  private final GatewaySpec spec;
  private final List<KeyedLimiter> global = new ArrayList<>();
  private final Permits permits;
  private final QuotaCounts quotaCounts;
  private final TimeSource.Scheduler timer;
  private final Map<String, List<QuotaCounter>> plans = new HashMap<>();
  private final List<CarriedState> carried = new ArrayList<>();

  /** Made by {@link RateLimitCompiler#build}. */
  RateLimitRuntime(GatewaySpec spec, Observers observers, TimeSource.Scheduler timer) {
    this.spec = spec;
    for (RateLimit limit : spec.rateLimiting().limits()) {
      global.add(new KeyedLimiter(limit, limit.name(), spec.time()));
    }
    RateLimitSettings settings = spec.rateLimiting();
    SharedPermits shared = settings.store().map(store -> new SharedPermits(store, settings.storeFallback(), observers, timer)).orElse(null);
    this.permits = shared == null ? Permits.LOCAL : shared;
    this.quotaCounts = shared == null ? QuotaCounts.LOCAL : shared;
    this.timer = timer;
    settings.usagePlans().forEach((plan, quotas) ->
        plans.put(plan, quotas.stream().map(q -> new QuotaCounter(plan, q, spec.time())).toList()));
    carried.addAll(global);
    plans.values().forEach(carried::addAll);
  }

  /**
   * The buckets, quota counts and concurrency slots of the stages made so far, for a successor to
   * take over.
   */
  public List<CarriedState> carried() {
    return List.copyOf(carried);
  }

  /**
   * The quota stage of a route, if the gateway has usage plans. Call only while compiling.
   *
   * @param route a route of the spec
   */
  public Optional<Stage> quotaStage(RouteSpec route) {
    if (plans.isEmpty()) {
      return Optional.empty();
    }
    RateLimitCost rateLimitCost = route.access().rateLimitCost();
    long cost = rateLimitCost.header().isPresent() ? 1 : rateLimitCost.permits();
    return Optional.of(new QuotaStage(Map.copyOf(plans), spec.rateLimiting().defaultUsagePlan(), cost, quotaCounts));
  }

  /**
   * The concurrency stage of a route, if it has a concurrency limit. Call only while compiling.
   *
   * @param route a route of the spec
   */
  public Optional<Stage> concurrencyStage(RouteSpec route) {
    return route.access().concurrencyLimit().map(limit -> {
      Bulkhead bulkhead = new Bulkhead(route.id(), limit, timer);
      carried.add(bulkhead);
      return new ConcurrencyStage(route.id(), bulkhead);
    });
  }

  /**
   * The rate-limit stage of a route. Call only while compiling: not thread-safe.
   *
   * @param route a route of the spec
   */
  public Stage stage(RouteSpec route) {
    List<KeyedLimiter> limiters = new ArrayList<>(global);
    for (RateLimit limit : route.access().rateLimits()) {
      if (!limit.checkedBeforeAuth()) {
        limiters.add(routeLimiter(route, limit));
      }
    }
    limiters.removeIf(l -> l.limit().checkedBeforeAuth());
    return new RateLimitStage(route.id(), limiters, spec.rateLimiting().headers(), permits,
        route.access().rateLimitCost(), timer, !plans.isEmpty(), "rate-limit");
  }

  /**
   * The pre-auth rate-limit stage of a route, if it or the gateway has limits marked
   * {@code beforeAuth()}: it runs before the auth stage, so those limits turn floods away before
   * they cost a key fetch or a password hash. Call only while compiling.
   *
   * @param route a route of the spec
   */
  public Optional<Stage> preAuthStage(RouteSpec route) {
    List<KeyedLimiter> limiters = new ArrayList<>();
    for (KeyedLimiter limiter : global) {
      if (limiter.limit().checkedBeforeAuth()) {
        limiters.add(limiter);
      }
    }
    for (RateLimit limit : route.access().rateLimits()) {
      if (limit.checkedBeforeAuth()) {
        limiters.add(routeLimiter(route, limit));
      }
    }
    if (limiters.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RateLimitStage(route.id(), limiters, spec.rateLimiting().headers(), permits,
        route.access().rateLimitCost(), timer, false, "pre-auth rate-limit"));
  }

  private KeyedLimiter routeLimiter(RouteSpec route, RateLimit limit) {
    KeyedLimiter limiter = new KeyedLimiter(limit, route.id() + "/" + limit.name(), spec.time());
    carried.add(limiter);
    return limiter;
  }
}
