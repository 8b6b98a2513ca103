package io.gatehouse.impl.ratelimit;

import io.gatehouse.TimeSource;
import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.route.RouteSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles the traffic limits of a gateway: rate limits, usage plans and their quotas, request
 * costs; builds the {@link RateLimitRuntime} whose stages the routes' chains hold.
 */
public enum RateLimitCompiler implements FeatureCompiler<RateLimitCompiler.Inputs, RateLimitRuntime> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  /**
   * What building the limiters needs.
   *
   * @param observers told when the shared store's degraded mode begins and ends, and of each decision made in it
   * @param scheduler the gateway's timer, for throttle waits, concurrency queues and store guards
   */
  public record Inputs(Observers observers, TimeSource.Scheduler scheduler) {}

  /**
   * Adds a violation for each undeclared usage plan, quota names repeated in a plan, limits before
   * auth keyed on what only auth knows, limits of a route that, with the gateway's, share a name
   * (the name tells clients and logs which limit answered), request costs above a limit's burst (fixed, or
   * the most a header may state), and bursts too large to count.
   */
  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    Map<String, List<Quota>> usagePlans = spec.rateLimiting().usagePlans();
    spec.rateLimiting().defaultUsagePlan().filter(plan -> !usagePlans.containsKey(plan)).ifPresent(plan ->
        violations.add(ConfigViolation.ofGateway("defaultUsagePlan", "'" + plan + "' is not declared (expected: one of "
            + usagePlans.keySet() + ")")));
    for (ApiConsumer consumer : spec.identity().consumers()) {
      consumer.plan().filter(plan -> !usagePlans.isEmpty() && !usagePlans.containsKey(plan)).ifPresent(plan ->
          violations.add(ConfigViolation.ofGateway("consumers", "'" + consumer.id() + "' has plan '" + plan
              + "', which is not declared (expected: one of " + usagePlans.keySet() + ")")));
    }
    usagePlans.forEach((plan, quotas) -> {
      Set<String> quotaNames = new HashSet<>();
      for (Quota quota : quotas) {
        if (!quotaNames.add(quota.name())) {
          violations.add(ConfigViolation.ofGateway("usagePlan", "plan '" + plan + "' has two quotas named '" + quota.name()
              + "' (expected: unique names; set them with named(...))"));
        }
      }
    });
    for (RateLimit limit : spec.rateLimiting().limits()) {
      preAuthProblem(limit).ifPresent(p -> violations.add(ConfigViolation.ofGateway("rateLimit", p)));
      capacityProblem(limit).ifPresent(p -> violations.add(ConfigViolation.ofGateway("rateLimit", p)));
    }
    for (RouteSpec route : spec.routes()) {
      for (RateLimit limit : route.access().rateLimits()) {
        preAuthProblem(limit).ifPresent(p -> violations.add(ConfigViolation.ofRoute(route.id(), "rateLimit", p)));
        capacityProblem(limit).ifPresent(p -> violations.add(ConfigViolation.ofRoute(route.id(), "rateLimit", p)));
      }
    }
    Set<String> globalNames = new HashSet<>();
    for (RateLimit limit : spec.rateLimiting().limits()) {
      if (!globalNames.add(limit.name())) {
        violations.add(ConfigViolation.ofGateway("rateLimit",
            "two limits named '" + limit.name() + "' (expected: unique names; set them with named(...))"));
      }
    }
    for (RouteSpec route : spec.routes()) {
      Set<String> names = new HashSet<>(globalNames);
      for (RateLimit limit : route.access().rateLimits()) {
        if (!names.add(limit.name())) {
          violations.add(ConfigViolation.ofRoute(route.id(), "rateLimit", "two limits named '" + limit.name()
              + "', counting the gateway's (expected: unique names; set them with named(...))"));
        }
      }
      RateLimitCost rateLimitCost = route.access().rateLimitCost();
      for (RateLimit limit : concat(spec.rateLimiting().limits(), route.access().rateLimits())) {
        if (rateLimitCost.header().isPresent() && rateLimitCost.max() > limit.burst()) {
          // A stated cost is the client's number: bounded by the burst, no cost can overflow a limit's arithmetic.
          violations.add(ConfigViolation.ofRoute(route.id(), "rateLimitCost", rateLimitCost.header().get() + " may state up to "
              + rateLimitCost.max() + " permits per request, more than " + limit + " ever grants at once (expected: a max of at most"
              + " its burst, " + limit.burst() + ")"));
        } else if (rateLimitCost.header().isEmpty() && rateLimitCost.permits() > limit.burst()) {
          violations.add(ConfigViolation.ofRoute(route.id(), "rateLimitCost", rateLimitCost.permits() + " permits per request,"
              + " more than " + limit + " ever grants at once (expected: at most its burst, " + limit.burst() + ")"));
        }
      }
    }
  }

  /** A limit in the pre-auth slot must not need the principal, which is not known yet. */
  private static Optional<String> preAuthProblem(RateLimit limit) {
    if (!limit.checkedBeforeAuth()) {
      return Optional.empty();
    }
    if (!limit.key().needsPrincipal()) {
      return Optional.empty();
    }
    return Optional.of(limit + " is keyed per " + limit.key().kind().name().toLowerCase(Locale.ROOT)
        + " (expected: a client IP, route, header, cookie or query parameter key before auth, where no principal is known yet)");
  }

  /**
   * A limit whose burst, at one request per interval, plus its longest wait, does not fit the
   * nanoseconds a limiter counts in (about 292 years).
   */
  private static Optional<String> capacityProblem(RateLimit limit) {
    try {
      Math.addExact(Math.multiplyExact(limit.window().toNanos() / limit.requests(), limit.burst()), limit.maxWait().toNanos());
      return Optional.empty();
    } catch (ArithmeticException e) {
      return Optional.of(limit + " refills its burst of " + limit.burst() + " over more than 292 years (expected: a burst"
          + " that refills within that)");
    }
  }

  private static List<RateLimit> concat(List<RateLimit> a, List<RateLimit> b) {
    List<RateLimit> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Override
  public RateLimitRuntime build(GatewaySpec spec, Inputs inputs) {
    return new RateLimitRuntime(spec, inputs.observers(), inputs.scheduler());
  }
}
