package io.gatehouse.impl;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.GatewaySpec;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthCompiler;
import io.gatehouse.impl.auth.AuthRuntime;
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
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a {@link GatewaySpec} as a whole and compiles it into a {@link CompiledGateway}.
 * Found by {@code Gateway.builder().build()} through {@link java.util.ServiceLoader}.
 */
public final class DefaultGatewayCompiler implements GatewayCompiler {

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
    for (RouteSpec route : spec.routes()) {
      if (!ids.add(route.id())) {
        violations.add(ConfigViolation.ofRoute(route.id(), "id",
            "'" + route.id() + "' is declared twice (expected: unique route ids)"));
        continue;
      }
      checked.add(check(route, violations));
    }
    reportShadowed(checked, violations);
    UpstreamChecks.checkNames(spec, violations);
    AuthCompiler.check(spec, violations);
    RateLimitRuntime.check(spec, violations);
    if (!violations.isEmpty()) {
      throw new GatewayConfigException(violations);
    }

    UpstreamTransport transport = spec.transport()
        .orElseGet(() -> HttpClientTransport.create(TransportSettings.defaults()));
    ForwardedHeaders forwarded = new ForwardedHeaders(trusted);
    AuthRuntime auth = AuthRuntime.build(spec, transport);
    Observers observers = Observers.of(spec);
    RateLimitRuntime limits = RateLimitRuntime.build(spec, trusted::clientAddress, observers);
    UpstreamRuntime upstreams = new UpstreamRuntime(spec.clock(), transport, observers);
    ProxyPlans plans = new ProxyPlans(spec, upstreams, forwarded, transport, new HashKeys(trusted::clientAddress), observers);
    RouteTrie.Builder<CompiledRoute> trie = RouteTrie.builder();
    for (Checked c : checked) {
      CompiledRoute compiled = new CompiledRoute(c.spec, c.hosts, c.conditions,
          chainOf(spec, c, plans, builtInStages(c.spec, auth, limits)));
      for (PathPattern p : c.paths) {
        trie.add(p, compiled);
      }
    }
    IngressChecks ingress = new IngressChecks(spec.requestLimits(), spec.underscoreHeaders(), trusted::trusts,
        spec.identityHeaders().names());
    return new CompiledGateway(spec, new Router(trie.build()), transport, auth, limits, upstreams, observers,
        trusted::clientAddress, ingress);
  }

  /** The built-in stages between the global and the route's filters, in their documented order. */
  private static List<Filter> builtInStages(RouteSpec route, AuthRuntime auth, RateLimitRuntime limits) {
    List<Filter> stages = new ArrayList<>(5);
    limits.preAuthStage(route).ifPresent(stages::add);
    stages.add(auth.stage(route));
    stages.add(limits.stage(route));
    limits.quotaStage(route).ifPresent(stages::add);
    limits.concurrencyStage(route).ifPresent(stages::add);
    return stages;
  }

  private static FilterChain chainOf(GatewaySpec gateway, Checked c, ProxyPlans plans, List<Filter> builtInStages) {
    RouteSpec route = c.spec;
    List<Filter> filters = new ArrayList<>(gateway.filters());
    filters.addAll(builtInStages);
    filters.addAll(route.filters());
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
    return new FilterChain(filters, names, terminal);
  }

  /** What one route turned into, when its parts are valid. */
  private static final class Checked {
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
        Pattern.compile(rewrite.regex());
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

  /** A later route that can never match, because an earlier unconditional route takes all its requests. */
  private static void reportShadowed(List<Checked> routes, List<ConfigViolation> violations) {
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
        boolean pathsCovered = b.paths.stream().allMatch(bp -> a.paths.stream().anyMatch(ap -> ap.covers(bp)));
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
