package io.gatehouse.impl;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.GatewaySpec;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.NoAuth;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthCompiler;
import io.gatehouse.impl.auth.AuthRuntime;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarriedStates;
import io.gatehouse.impl.ingress.IngressChecks;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.pool.UpstreamRuntime;
import io.gatehouse.impl.ratelimit.RateLimitRuntime;
import io.gatehouse.impl.routing.HostPattern;
import io.gatehouse.impl.routing.PathPattern;
import io.gatehouse.impl.routing.RouteTrie;
import io.gatehouse.impl.upstream.HttpClientTransport;
import io.gatehouse.impl.upstream.TransportSettings;
import io.gatehouse.route.RequestCondition;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.GatewayCompiler;
import io.gatehouse.spi.UpstreamTransport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.gatehouse.impl.chain.FilterChain;
import io.gatehouse.impl.chain.HeaderChanges;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.chain.StaticTerminal;
import io.gatehouse.impl.chain.Terminal;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.impl.proxy.ForwardedHeaders;
import io.gatehouse.impl.proxy.HashKeys;
import io.gatehouse.impl.proxy.ProxyPlans;
import io.gatehouse.impl.proxy.PathTransform;
import io.gatehouse.impl.proxy.ProxyTerminal;
import io.gatehouse.impl.proxy.TrustedProxies;
import io.gatehouse.impl.proxy.UpstreamChecks;
import io.gatehouse.impl.routing.CompiledRoute;
import io.gatehouse.impl.routing.ConditionMatcher;
import io.gatehouse.impl.routing.Router;

/**
 * Validates a {@link GatewaySpec} as a whole and compiles it into a {@link CompiledGateway}.
 * Found by {@code Gateway.builder().build()} through {@link java.util.ServiceLoader}.
 */
public final class DefaultGatewayCompiler implements GatewayCompiler {
  private static final Logger log = LoggerFactory.getLogger(DefaultGatewayCompiler.class);

  /** Called by {@link java.util.ServiceLoader}. */
  public DefaultGatewayCompiler() {}

  @Override
  public Gateway compile(GatewaySpec spec) {
    List<ConfigViolation> violations = new ArrayList<>();
    TrustedProxies trusted = TrustedProxies.parse(spec.trustedProxies(),
        problem -> violations.add(ConfigViolation.ofGateway("trustedProxies", problem)));
    if (spec.routes().isEmpty()) {
      violations.add(ConfigViolation.ofGateway("routes", "none (expected: at least one route)"));
    }

    List<Checked> checked = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    MethodRules methodRules = new MethodRules(spec);
    for (RouteSpec route : spec.routes()) {
      if (!ids.add(route.id())) {
        violations.add(ConfigViolation.ofRoute(route.id(), "id",
            "'" + route.id() + "' is declared twice (expected: unique route ids)"));
        continue;
      }
      checked.add(check(route, violations));
      checkMethods(route, methodRules, violations);
    }
    reportShadowed(checked, spec.caseInsensitivePaths(), violations);
    UpstreamChecks.checkNames(spec, violations);
    AuthCompiler.check(spec, violations);
    RateLimitRuntime.check(spec, violations);
    if (!violations.isEmpty()) {
      throw new GatewayConfigException(violations);
    }

    UpstreamTransport transport = spec.transport()
        .orElseGet(() -> HttpClientTransport.create(TransportSettings.of(spec.connectionPool())));
    ForwardedHeaders forwarded = new ForwardedHeaders(trusted);
    AuthRuntime auth = AuthRuntime.build(spec, transport);
    Observers observers = Observers.of(spec);
    RateLimitRuntime limits = RateLimitRuntime.build(spec, trusted::clientAddress, observers);
    UpstreamRuntime upstreams = new UpstreamRuntime(spec.time(), transport, observers);
    ProxyPlans plans = new ProxyPlans(spec, upstreams, forwarded, transport, new HashKeys(trusted::clientAddress), observers);
    RouteTrie.Builder<CompiledRoute> trie = RouteTrie.builder(spec.caseInsensitivePaths());
    for (Checked c : checked) {
      CompiledRoute compiled = new CompiledRoute(c.spec, CompiledRoute.allowed(c.spec.methods(), methodRules), c.hosts, c.conditions,
          chainOf(spec, c, plans, builtInStages(c.spec, auth, limits)));
      for (PathPattern p : c.paths) {
        trie.add(p, compiled);
      }
    }
    if (!spec.caseInsensitivePaths()) {
      caseShadows(spec, checked, methodRules).forEach(log::warn);
    }
    IngressChecks ingress = new IngressChecks(spec.requestLimits(), spec.underscoreHeaders(), trusted::trusts,
        spec.identityHeaders().names());
    List<CarriedState> carried = new ArrayList<>(limits.carried());
    carried.addAll(plans.carried());
    carried.addAll(upstreams.pools());
    observers.meter().ifPresent(carried::add);
    return new CompiledGateway(spec, new Router(trie.build(), spec.caseInsensitivePaths()), transport, auth, limits, upstreams, observers,
        trusted::clientAddress, ingress, CarriedStates.of(carried));
  }

  /** The built-in stages between the global and the route's filters, in their documented order. */
  private static List<Stage> builtInStages(RouteSpec route, AuthRuntime auth, RateLimitRuntime limits) {
    List<Stage> stages = new ArrayList<>(5);
    limits.preAuthStage(route).ifPresent(stages::add);
    stages.add(auth.stage(route));
    stages.add(limits.stage(route));
    limits.quotaStage(route).ifPresent(stages::add);
    limits.concurrencyStage(route).ifPresent(stages::add);
    return stages;
  }

  private static FilterChain chainOf(GatewaySpec gateway, Checked c, ProxyPlans plans, List<Stage> builtInStages) {
    RouteSpec route = c.spec;
    List<Stage> stages = new ArrayList<>();
    gateway.filters().forEach(f -> stages.add(Stage.of(f)));
    stages.addAll(builtInStages);
    route.filters().forEach(f -> stages.add(Stage.of(f)));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < gateway.filters().size(); i++) {
      names.add("global filter #" + (i + 1) + " (" + gateway.filters().get(i).getClass().getName() + ")");
    }
    builtInStages.forEach(stage -> names.add(stage.toString()));
    for (int i = 0; i < route.filters().size(); i++) {
      names.add("route '" + route.id() + "' filter #" + (i + 1) + " (" + route.filters().get(i).getClass().getName() + ")");
    }
    Terminal terminal;
    if (route.staticResponse().isPresent()) {
      Response response = HeaderChanges.apply(route.responseHeaders(), route.staticResponse().get().toResponse());
      terminal = new StaticTerminal(response);
    } else {
      terminal = new ProxyTerminal(plans.of(route));
    }
    return new FilterChain(stages, names, terminal);
  }

  /** What one route turned into, when its parts are valid. */
  static final class Checked {
    final RouteSpec spec;
    final List<PathPattern> paths = new ArrayList<>();
    final List<HostPattern> hosts = new ArrayList<>();
    final List<ConditionMatcher> conditions = new ArrayList<>();

    Checked(RouteSpec spec) {
      this.spec = spec;
    }

    /** Unconditional: nothing but path and method decides whether it matches. */
    boolean matchesOnPathAndMethodAlone() {
      return spec.hosts().isEmpty() && spec.conditions().isEmpty() && spec.predicates().isEmpty();
    }
  }

  private static Checked check(RouteSpec route, List<ConfigViolation> violations) {
    String id = route.id();
    Checked c = new Checked(route);
    List<String> patterns = route.paths().isEmpty() ? List.of("/**") : route.paths();
    for (String p : patterns) {
      try {
        c.paths.add(PathPattern.parse(p));
      } catch (IllegalArgumentException e) {
        violations.add(ConfigViolation.ofRoute(id, "path", e.getMessage()));
      }
    }
    for (String h : route.hosts()) {
      try {
        c.hosts.add(HostPattern.parse(h));
      } catch (IllegalArgumentException e) {
        violations.add(ConfigViolation.ofRoute(id, "host", e.getMessage()));
      }
    }
    for (RequestCondition condition : route.conditions()) {
      try {
        c.conditions.add(new ConditionMatcher(condition));
      } catch (PatternSyntaxException e) {
        violations.add(ConfigViolation.ofRoute(id, condition.source().label(),
            "'" + condition.name() + "' regex '" + condition.value().orElse("")
                + "' does not compile: " + e.getDescription() + " (expected: a java.util.regex pattern)"));
      }
    }
    route.rewrite().ifPresent(rewrite -> {
      try {
        PathTransform.groupReferenceProblem(Pattern.compile(rewrite.regex()), rewrite.replacement())
            .ifPresent(problem -> violations.add(ConfigViolation.ofRoute(id, "rewritePath", problem)));
      } catch (PatternSyntaxException e) {
        violations.add(ConfigViolation.ofRoute(id, "rewritePath",
            "regex '" + rewrite.regex() + "' does not compile: " + e.getDescription() + " (expected: a java.util.regex pattern)"));
      }
      for (String variable : PathTransform.variables(rewrite.replacement())) {
        boolean everywhere = !route.paths().isEmpty()
            && c.paths.stream().allMatch(p -> p.variableNames().contains(variable));
        if (!everywhere) {
          violations.add(ConfigViolation.ofRoute(id, "rewritePath",
              "replacement uses {" + variable + "} (expected: a variable of every path pattern of the route, such as /users/{"
                  + variable + "})"));
        }
      }
    });
    UpstreamChecks.checkRoute(route, violations);
    return c;
  }

  /** A route's methods must be ones the gateway routes: case-sensitive, standard or declared extensions. */
  private static void checkMethods(RouteSpec route, MethodRules rules, List<ConfigViolation> violations) {
    for (String m : new TreeSet<>(route.methods())) {
      if (!rules.knows(m)) {
        violations.add(ConfigViolation.ofRoute(route.id(), "methods", "'" + m + "' (expected: one of "
            + String.join(", ", new TreeSet<>(MethodRules.STANDARD))
            + ", or a method named in Gateway.Builder.extensionMethods(...); methods are case-sensitive)"));
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
   */
  static List<String> caseShadows(GatewaySpec spec) {
    List<Checked> checked = new ArrayList<>();
    spec.routes().forEach(r -> checked.add(check(r, new ArrayList<>())));
    return caseShadows(spec, checked, new MethodRules(spec));
  }

  /** The warnings of {@link #caseShadows(GatewaySpec)}, for routes already checked. */
  static List<String> caseShadows(GatewaySpec spec, List<Checked> routes, MethodRules rules) {
    List<String> warnings = new ArrayList<>();
    for (Checked p : routes) {
      Auth auth = p.spec.auth().orElse(spec.auth());
      if (auth instanceof NoAuth) {
        continue;
      }
      Set<String> pMethods = CompiledRoute.allowed(p.spec.methods(), rules);
      for (Checked c : routes) {
        if (c == p || !(c.spec.auth().orElse(spec.auth()) instanceof NoAuth)) {
          continue;
        }
        Set<String> shared = new TreeSet<>(CompiledRoute.allowed(c.spec.methods(), rules));
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

  /** A later route that can never match, because an earlier unconditional route takes all its requests. */
  private static void reportShadowed(List<Checked> routes, boolean ignoreCase, List<ConfigViolation> violations) {
    for (int later = 1; later < routes.size(); later++) {
      Checked b = routes.get(later);
      if (b.paths.isEmpty()) {
        continue;
      }
      for (int earlier = 0; earlier < later; earlier++) {
        Checked a = routes.get(earlier);
        if (!a.matchesOnPathAndMethodAlone() || a.paths.isEmpty()) {
          continue;
        }
        boolean methodsCovered = a.spec.methods().isEmpty()
            || (!b.spec.methods().isEmpty() && a.spec.methods().containsAll(b.spec.methods()));
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
}
