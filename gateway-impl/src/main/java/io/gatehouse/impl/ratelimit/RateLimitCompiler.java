package io.gatehouse.impl.ratelimit;

import io.gatehouse.TimeSource;
import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.http.Request;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.route.RouteSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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
   * @param scheduler the gateway's timer, for throttle waits, concurrency queues and store guards
   *
   * @param clientAddress who the client of a request is, honouring the trusted proxies
   * @param observers told when the shared store's degraded mode begins and ends, and of each decision made in it
   */
  public record Inputs(Function<Request, String> clientAddress, Observers observers, TimeSource.Scheduler scheduler) {}

  /**
   * Adds a violation for each undeclared usage plan, quota names repeated in a plan, limits before
   * auth keyed on what only auth knows, limits of a route that, with the gateway's, share a name
   * (the name tells clients and logs which limit answered), and request costs above a limit's burst.
   */
  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    spec.defaultUsagePlan().filter(plan -> !spec.usagePlans().containsKey(plan)).ifPresent(plan ->
        violations.add(ConfigViolation.ofGateway("defaultUsagePlan", "'" + plan + "' is not declared (expected: one of "
            + spec.usagePlans().keySet() + ")")));
    for (ApiConsumer consumer : spec.consumers()) {
      consumer.plan().filter(plan -> !spec.usagePlans().isEmpty() && !spec.usagePlans().containsKey(plan)).ifPresent(plan ->
          violations.add(ConfigViolation.ofGateway("consumers", "'" + consumer.id() + "' has plan '" + plan
              + "', which is not declared (expected: one of " + spec.usagePlans().keySet() + ")")));
    }
    spec.usagePlans().forEach((plan, quotas) -> {
      Set<String> quotaNames = new HashSet<>();
      for (Quota quota : quotas) {
        if (!quotaNames.add(quota.name())) {
          violations.add(ConfigViolation.ofGateway("usagePlan", "plan '" + plan + "' has two quotas named '" + quota.name()
              + "' (expected: unique names; set them with named(...))"));
        }
      }
    });
    for (RateLimit limit : spec.rateLimits()) {
      preAuthProblem(limit).ifPresent(p -> violations.add(ConfigViolation.ofGateway("rateLimit", p)));
    }
    for (RouteSpec route : spec.routes()) {
      for (RateLimit limit : route.rateLimits()) {
        preAuthProblem(limit).ifPresent(p -> violations.add(ConfigViolation.ofRoute(route.id(), "rateLimit", p)));
      }
    }
    Set<String> globalNames = new HashSet<>();
    for (RateLimit limit : spec.rateLimits()) {
      if (!globalNames.add(limit.name())) {
        violations.add(ConfigViolation.ofGateway("rateLimit",
            "two limits named '" + limit.name() + "' (expected: unique names; set them with named(...))"));
      }
    }
    for (RouteSpec route : spec.routes()) {
      Set<String> names = new HashSet<>(globalNames);
      for (RateLimit limit : route.rateLimits()) {
        if (!names.add(limit.name())) {
          violations.add(ConfigViolation.ofRoute(route.id(), "rateLimit", "two limits named '" + limit.name()
              + "', counting the gateway's (expected: unique names; set them with named(...))"));
        }
      }
      long cost = route.rateLimitCost().header().isPresent() ? 1 : route.rateLimitCost().permits();
      for (RateLimit limit : concat(spec.rateLimits(), route.rateLimits())) {
        if (cost > limit.burst()) {
          violations.add(ConfigViolation.ofRoute(route.id(), "rateLimitCost", cost + " permits per request, more than "
              + limit + " ever grants at once (expected: at most its burst, " + limit.burst() + ")"));
        }
      }
    }
  }

  /** A limit in the pre-auth slot must not need the principal, which is not known yet. */
  private static Optional<String> preAuthProblem(RateLimit limit) {
    if (!limit.checkedBeforeAuth()) {
      return Optional.empty();
    }
    return switch (limit.keyKind()) {
      case CLIENT_IP, ROUTE, HEADER -> Optional.empty();
      case CONSUMER, CUSTOM -> Optional.of(limit + " is keyed per " + limit.keyKind().name().toLowerCase(java.util.Locale.ROOT)
          + " (expected: perClientIp, perRoute or perHeader before auth, where no principal is known yet)");
    };
  }

  private static List<RateLimit> concat(List<RateLimit> a, List<RateLimit> b) {
    List<RateLimit> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Override
  public RateLimitRuntime build(GatewaySpec spec, Inputs inputs) {
    return new RateLimitRuntime(spec, inputs.clientAddress(), inputs.observers(), inputs.scheduler());
  }
}
