package io.gatehouse.impl.routing;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.NoAuth;
import io.gatehouse.impl.chain.FilterChain;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.route.RequestCondition;
import io.gatehouse.route.RouteMatch;
import io.gatehouse.route.RouteSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the routing part of a gateway: route ids, path and host patterns, header, query and
 * cookie conditions, and routes an earlier one shadows; builds the {@link Router} over the routes'
 * chains.
 */
public enum RoutingCompiler implements FeatureCompiler<RoutingCompiler.Inputs, Router> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  /**
   * What building the router needs.
   *
   * @param methods the gateway's method rules, which say what a route naming no methods takes
   * @param chains each route's chain, made in declaration order
   */
  public record Inputs(MethodRules methods, Function<RouteSpec, FilterChain> chains) {}

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    if (spec.routes().isEmpty()) {
      violations.add(ConfigViolation.ofGateway("routes", "none (expected: at least one route)"));
    }
    List<Parsed> parsed = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (RouteSpec route : spec.routes()) {
      if (!ids.add(route.id())) {
        violations.add(ConfigViolation.ofRoute(route.id(), "id",
            "'" + route.id() + "' is declared twice (expected: unique route ids)"));
        continue;
      }
      parsed.add(parse(route, violations));
    }
    reportShadowed(parsed, spec.ingress().caseInsensitivePaths(), violations);
  }

  @Override
  public Router build(GatewaySpec spec, Inputs inputs) {
    RouteTrie.Builder<CompiledRoute> trie = RouteTrie.builder(spec.ingress().caseInsensitivePaths());
    for (RouteSpec route : spec.routes()) {
      Parsed p = parse(route, new ArrayList<>());
      CompiledRoute compiled = new CompiledRoute(route, CompiledRoute.allowed(route.match().methods(), inputs.methods()), p.hosts,
          p.conditions, inputs.chains().apply(route));
      for (PathPattern pattern : p.paths) {
        trie.add(pattern, compiled);
      }
    }
    return new Router(trie.build(), spec.ingress().caseInsensitivePaths());
  }

  /** What one route's patterns and conditions turned into, those that are valid. */
  private static final class Parsed {
    final RouteSpec spec;
    final List<PathPattern> paths = new ArrayList<>();
    final List<HostPattern> hosts = new ArrayList<>();
    final List<ConditionMatcher> conditions = new ArrayList<>();

    Parsed(RouteSpec spec) {
      this.spec = spec;
    }

    /** Unconditional: nothing but path and method decides whether it matches. */
    boolean matchesOnPathAndMethodAlone() {
      RouteMatch match = spec.match();
      return match.hosts().isEmpty() && match.conditions().isEmpty() && match.predicates().isEmpty();
    }
  }

  private static Parsed parse(RouteSpec route, List<ConfigViolation> violations) {
    String id = route.id();
    Parsed p = new Parsed(route);
    RouteMatch match = route.match();
    for (String pattern : match.paths().isEmpty() ? List.of("/**") : match.paths()) {
      try {
        p.paths.add(PathPattern.parse(pattern));
      } catch (IllegalArgumentException e) {
        violations.add(ConfigViolation.ofRoute(id, "path", e.getMessage()));
      }
    }
    for (String h : match.hosts()) {
      try {
        p.hosts.add(HostPattern.parse(h));
      } catch (IllegalArgumentException e) {
        violations.add(ConfigViolation.ofRoute(id, "host", e.getMessage()));
      }
    }
    for (RequestCondition condition : match.conditions()) {
      try {
        p.conditions.add(new ConditionMatcher(condition));
      } catch (PatternSyntaxException e) {
        violations.add(ConfigViolation.ofRoute(id, condition.source().label(),
            "'" + condition.name() + "' regex '" + condition.value().orElse("")
                + "' does not compile: " + e.getDescription() + " (expected: a java.util.regex pattern)"));
      }
    }
    return p;
  }

  /** A later route that can never match, because an earlier unconditional route takes all its requests. */
  private static void reportShadowed(List<Parsed> routes, boolean ignoreCase, List<ConfigViolation> violations) {
    for (int later = 1; later < routes.size(); later++) {
      Parsed b = routes.get(later);
      if (b.paths.isEmpty()) {
        continue;
      }
      for (int earlier = 0; earlier < later; earlier++) {
        Parsed a = routes.get(earlier);
        if (!a.matchesOnPathAndMethodAlone() || a.paths.isEmpty()) {
          continue;
        }
        Set<String> aMethods = a.spec.match().methods();
        Set<String> bMethods = b.spec.match().methods();
        boolean methodsCovered = aMethods.isEmpty() || (!bMethods.isEmpty() && aMethods.containsAll(bMethods));
        boolean pathsCovered = b.paths.stream().allMatch(bp -> a.paths.stream().anyMatch(ap -> ap.covers(bp, ignoreCase)));
        if (methodsCovered && pathsCovered) {
          violations.add(ConfigViolation.ofRoute(b.spec.id(), "path",
              "never matches: route '" + a.spec.id() + "', declared earlier, matches every request it would"
                  + " (expected: declare '" + b.spec.id() + "' first, or narrow '" + a.spec.id() + "')"));
          break;
        }
      }
    }
  }

  /**
   * With case-sensitive paths, the protected routes (auth other than {@code Auth.none()}) whose
   * paths, spelt in another case, an anonymous route takes: {@code /ADMIN/users} misses
   * {@code /admin/**} and reaches a catch-all {@code /**}, while many upstream frameworks treat it
   * as {@code /admin/users}. "Shadowed only by case" means: the anonymous route has a pattern
   * matching some path that differs from a path of the protected route's pattern only in the
   * case of ASCII letters of its literals ({@link PathPattern#coversCaseVariantOf}), and the two
   * share a method. Hosts, headers and predicates are not compared, so the message says "may".
   * Warnings, not violations: build() logs them.
   *
   * @param spec the gateway; its valid patterns are compared, its invalid ones skipped
   * @param rules the gateway's method rules
   * @return one warning per protected and anonymous pair, in declaration order
   */
  public static List<String> caseShadows(GatewaySpec spec, MethodRules rules) {
    List<Parsed> routes = new ArrayList<>();
    spec.routes().forEach(r -> routes.add(parse(r, new ArrayList<>())));
    List<String> warnings = new ArrayList<>();
    for (Parsed p : routes) {
      Auth auth = p.spec.access().auth().orElse(spec.identity().auth());
      if (auth instanceof NoAuth) {
        continue;
      }
      Set<String> pMethods = CompiledRoute.allowed(p.spec.match().methods(), rules);
      for (Parsed c : routes) {
        if (c == p || !(c.spec.access().auth().orElse(spec.identity().auth()) instanceof NoAuth)) {
          continue;
        }
        Set<String> shared = new TreeSet<>(CompiledRoute.allowed(c.spec.match().methods(), rules));
        shared.retainAll(pMethods);
        if (shared.isEmpty()) {
          continue;
        }
        outer:
        for (PathPattern pp : p.paths) {
          for (PathPattern cp : c.paths) {
            if (cp.coversCaseVariantOf(pp)) {
              warnings.add("route '" + p.spec.id() + "' requires authentication on " + pp
                  + ", but a request for a path spelt in another case (such as " + upper(pp) + ") may reach route '"
                  + c.spec.id() + "' (" + cp + "), which requires none; paths are case-sensitive"
                  + " (to match them ignoring case, set Gateway.Builder.caseInsensitivePaths(true))");
              break outer;
            }
          }
        }
      }
    }
    return warnings;
  }

  private static String upper(PathPattern p) {
    StringBuilder b = new StringBuilder();
    for (String segment : p.pattern().split("/", -1)) {
      if (b.length() > 0 || !segment.isEmpty()) {
        b.append('/');
      }
      b.append(segment.startsWith("{") || segment.contains("%") ? segment : segment.toUpperCase(Locale.ROOT));
    }
    return b.length() == 0 ? "/" : b.toString();
  }
}
