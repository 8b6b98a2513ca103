package io.gatehouse.impl.proxy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.impl.upstream.HttpUrls;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The build()-time checks of routes' upstreams, splits, mirrors, fallbacks and resilience settings. */
public final class UpstreamChecks {
  private UpstreamChecks() {}

  public static void checkRoute(RouteSpec route, List<ConfigViolation> violations) {
    String id = route.id();
    boolean proxies = route.upstream().isPresent() || route.split().isPresent();
    boolean answers = route.staticResponse().isPresent();
    if (route.upstream().isPresent() && route.split().isPresent()) {
      violations.add(ConfigViolation.ofRoute(id, "split",
          "set together with an upstream (expected: either upstream(...) or split(...))"));
    }
    if (proxies && answers) {
      violations.add(ConfigViolation.ofRoute(id, "upstream",
          "both an upstream and a static response are set (expected: exactly one terminal)"));
    } else if (!proxies && !answers) {
      violations.add(ConfigViolation.ofRoute(id, "upstream",
          "none (expected: an upstream(url) or a respond(...) terminal)"));
    }
    route.upstream().ifPresent(u -> checkTargets(id, "upstream", u, violations));
    route.split().ifPresent(split -> {
      for (TrafficSplit.Branch branch : split.branches()) {
        checkTargets(id, "split", branch.upstream(), violations);
      }
      for (TrafficSplit.Rule rule : split.rules()) {
        checkTargets(id, "split", rule.upstream(), violations);
      }
    });
    route.fallbackUpstream().ifPresent(u -> checkTargets(id, "fallback", u, violations));
    route.mirror().ifPresent(m -> checkTargets(id, "mirror", m.upstream(), violations));
    if ((route.fallbackResponse().isPresent() || route.fallbackUpstream().isPresent()) && route.circuitBreaker().isEmpty()) {
      violations.add(ConfigViolation.ofRoute(id, "fallback",
          "set without a circuit breaker (expected: circuitBreaker(...) too; the fallback answers while it is open)"));
    }
    if (answers && !proxies) {
      onlyWhenProxying(id, "timeout", route.timeout(), violations);
      onlyWhenProxying(id, "retry", route.retry(), violations);
      onlyWhenProxying(id, "circuitBreaker", route.circuitBreaker(), violations);
      onlyWhenProxying(id, "mirror", route.mirror(), violations);
    }
  }

  /** Upstreams of one name are one group: every route must declare the same one. */
  public static void checkNames(GatewaySpec spec, List<ConfigViolation> violations) {
    Map<String, Upstream> byName = new HashMap<>();
    Map<String, String> firstRoute = new HashMap<>();
    for (RouteSpec route : spec.routes()) {
      for (Upstream u : route.upstreamsUsed()) {
        if (u.name().isEmpty()) {
          continue;
        }
        String name = u.name().get();
        Upstream earlier = byName.putIfAbsent(name, u);
        firstRoute.putIfAbsent(name, route.id());
        if (earlier != null && !earlier.equals(u)) {
          violations.add(ConfigViolation.ofRoute(route.id(), "upstream",
              "'" + name + "' differs from the upstream of that name in route '" + firstRoute.get(name)
                  + "' (expected: one definition per upstream name; declare it once and reuse the value)"));
        }
      }
    }
  }

  private static void checkTargets(String id, String field, Upstream upstream, List<ConfigViolation> violations) {
    for (Target target : upstream.targets()) {
      Optional<String> problem = HttpUrls.targetProblem(target.url());
      problem.ifPresent(p -> violations.add(ConfigViolation.ofRoute(id, field,
          "'" + target.url() + "' " + p + " " + HttpUrls.TARGET_EXPECTED)));
    }
  }

  private static void onlyWhenProxying(String id, String field, Optional<?> value, List<ConfigViolation> violations) {
    if (value.isPresent()) {
      violations.add(ConfigViolation.ofRoute(id, field,
          "set on a route that answers by itself (expected: only on routes with an upstream)"));
    }
  }
}
