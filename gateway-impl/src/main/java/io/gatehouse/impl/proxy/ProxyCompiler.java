package io.gatehouse.impl.proxy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.TimeSource;
import io.gatehouse.UpstreamSettings;
import io.gatehouse.impl.chain.RequestKeys;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.pool.UpstreamRuntime;
import io.gatehouse.impl.routing.PathPattern;
import io.gatehouse.impl.upstream.HttpClientTransport;
import io.gatehouse.impl.upstream.SplitTransport;
import io.gatehouse.impl.upstream.HttpUrls;
import io.gatehouse.impl.upstream.TransportSettings;
import io.gatehouse.impl.upstream.UpstreamTlsContexts;
import io.gatehouse.route.RouteDestination;
import io.gatehouse.route.RouteResilience;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamTls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles what proxying routes send upstream: path rewrites, upstreams, splits, mirrors, fallbacks
 * and resilience settings, and upstream names (one definition per name); builds the transport, the
 * upstream groups and the plans the proxy terminals run.
 */
public enum ProxyCompiler implements FeatureCompiler<ProxyCompiler.Inputs, ProxyCompiler.Proxying> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  private static final Logger log = LoggerFactory.getLogger(ProxyCompiler.class);

  /**
   * What building the proxying needs.
   *
   * @param trusted the peers whose forwarding headers the gateway believes
   * @param observers told of health, circuit and pool changes
   * @param scheduler the gateway's timer: deadlines, backoff, health checks, discovery intervals
   */
  public record Inputs(TrustedProxies trusted, Observers observers, TimeSource.Scheduler scheduler) {}

  /**
   * The proxying of one gateway.
   *
   * @param transport the upstream client: the spec's, or httpclient5 with the spec's pool settings
   * @param upstreams the upstream groups, filled as the plans are made
   * @param plans makes each proxying route's plan
   */
  public record Proxying(UpstreamTransport transport, UpstreamRuntime upstreams, ProxyPlans plans) {}

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      checkRewrite(route, violations);
      checkRoute(route, violations);
    }
    checkNames(spec, violations);
    checkTls(spec, violations);
  }

  @Override
  public Proxying build(GatewaySpec spec, Inputs inputs) {
    UpstreamSettings settings = spec.upstreams();
    UpstreamTransport transport = settings.transport()
        .orElseGet(() -> SplitTransport.over(defaultTransport(spec, settings), settings.connectionPool()));
    warnInsecure(spec);
    UpstreamRuntime upstreams = new UpstreamRuntime(spec.time(), inputs.scheduler(), transport, inputs.observers());
    ProxyPlans plans = new ProxyPlans(spec, upstreams, new ForwardedHeaders(inputs.trusted()), transport,
        RequestKeys.INSTANCE, inputs.observers());
    return new Proxying(transport, upstreams, plans);
  }

  /**
   * httpclient5 with the spec's pool settings. Its TLS context is made, and its client started,
   * now when a route names an https target (calls an adapter's event loop does not take), so that
   * the trust store is read when the gateway is built and the first https call does not wait for
   * either; otherwise the client starts with its first call and the TLS context with the first
   * https connection (a discovered target), and a plain-HTTP gateway on Undertow pays for neither.
   */
  private static HttpClientTransport defaultTransport(GatewaySpec spec, UpstreamSettings settings) {
    HttpClientTransport transport = HttpClientTransport.create(TransportSettings.of(settings.connectionPool()), spec.time());
    try {
      boolean jvmTrust = false;
      Set<UpstreamTls> own = new LinkedHashSet<>();
      for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
        for (Upstream upstream : route.upstreamsUsed()) {
          if (namesHttpsTarget(upstream)) {
            upstream.tls().ifPresent(own::add);
            jvmTrust |= upstream.tls().isEmpty();
          }
        }
      }
      if (jvmTrust) {
        transport.makeTlsContext();
      }
      for (UpstreamTls tls : own) {
        transport.makeTlsContext(tls); // check() has read these files once already: they fail here only if changed since
      }
      if (jvmTrust || !own.isEmpty()) {
        transport.start();
      }
    } catch (RuntimeException | Error e) {
      transport.close();
      throw e;
    }
    return transport;
  }

  private static boolean namesHttpsTarget(Upstream upstream) {
    for (Target target : upstream.targets()) {
      if (target.url().regionMatches(true, 0, "https:", 0, 6)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Each upstream's TLS setting can be used (its files read, keys decrypted and matched), once per
   * distinct setting; TLS and HTTP/2 are set only on upstreams with an https target (or discovered ones).
   */
  private static void checkTls(GatewaySpec spec, List<ConfigViolation> violations) {
    Map<UpstreamTls, Optional<String>> problems = new HashMap<>();
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      for (Upstream upstream : route.upstreamsUsed()) {
        boolean plainOnly = upstream.discovery().isEmpty() && !namesHttpsTarget(upstream);
        String subject = describe(upstream);
        if (upstream.tls().isPresent() && plainOnly) {
          violations.add(ConfigViolation.ofRoute(route.id(), "tls", subject
              + ": set, but every target is plain http " + targetUrls(upstream) + " (expected: https targets, or no tls(...))"));
        }
        if (upstream.http2() && plainOnly) {
          violations.add(ConfigViolation.ofRoute(route.id(), "http2", subject
              + ": true, but every target is plain http " + targetUrls(upstream)
              + " (expected: https targets; HTTP/2 is negotiated in the TLS handshake)"));
        }
        upstream.tls().ifPresent(tls -> problems.computeIfAbsent(tls, UpstreamTlsContexts::problem)
            .ifPresent(problem -> violations.add(ConfigViolation.ofRoute(route.id(), "tls", subject + ": " + problem))));
      }
    }
  }

  /** One warning per upstream (equal upstreams are one) that skips verification, when the gateway is built. */
  private static void warnInsecure(GatewaySpec spec) {
    Set<Upstream> warned = new java.util.HashSet<>();
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      for (Upstream upstream : route.upstreamsUsed()) {
        if (upstream.tls().filter(UpstreamTls::skipsVerification).isPresent() && warned.add(upstream)) {
          log.warn("route '{}': {}: tls: insecureSkipVerify: the upstream's certificate and host name are NOT verified;"
              + " anyone on the path can read and change its traffic (expected: only on a test bench)", route.id(), describe(upstream));
        }
      }
    }
  }

  /** Such as {@code upstream 'orders'}, or {@code upstream [https://a:8443]} for an unnamed one. */
  private static String describe(Upstream upstream) {
    return "upstream " + upstream.name().map(n -> "'" + n + "'").orElseGet(() -> targetUrls(upstream));
  }

  private static String targetUrls(Upstream upstream) {
    return upstream.discovery().map(Object::toString)
        .orElseGet(() -> upstream.targets().stream().map(Target::url).toList().toString());
  }

  /** A rewrite's regex compiles, its group references exist, and the path variables it uses are in every path pattern. */
  private static void checkRewrite(RouteSpec route, List<ConfigViolation> violations) {
    String id = route.id();
    route.rewrite().path().ifPresent(rewrite -> {
      try {
        PathTransform.groupReferenceProblem(Pattern.compile(rewrite.regex()), rewrite.replacement())
            .ifPresent(problem -> violations.add(ConfigViolation.ofRoute(id, "rewritePath", problem)));
      } catch (PatternSyntaxException e) {
        violations.add(ConfigViolation.ofRoute(id, "rewritePath",
            "regex '" + rewrite.regex() + "' does not compile: " + e.getDescription() + " (expected: a java.util.regex pattern)"));
      }
      List<PathPattern> paths = new ArrayList<>(); // routing reports those that do not parse
      List<String> patterns = route.match().paths();
      for (String p : patterns) {
        try {
          paths.add(PathPattern.parse(p));
        } catch (IllegalArgumentException e) {
          // not this feature's mistake
        }
      }
      for (String variable : PathTransform.variables(rewrite.replacement())) {
        boolean everywhere = !patterns.isEmpty() && paths.stream().allMatch(p -> p.variableNames().contains(variable));
        if (!everywhere) {
          violations.add(ConfigViolation.ofRoute(id, "rewritePath",
              "replacement uses {" + variable + "} (expected: a variable of every path pattern of the route, such as /users/{"
                  + variable + "})"));
        }
      }
    });
  }

  private static void checkRoute(RouteSpec route, List<ConfigViolation> violations) {
    String id = route.id();
    RouteDestination to = route.destination();
    RouteResilience resilience = route.resilience();
    boolean proxies = to.upstream().isPresent() || to.split().isPresent();
    boolean answers = to.staticResponse().isPresent();
    boolean aggregates = to.aggregation().isPresent();
    if (to.upstream().isPresent() && to.split().isPresent()) {
      violations.add(ConfigViolation.ofRoute(id, "split",
          "set together with an upstream (expected: either upstream(...) or split(...))"));
    }
    if (proxies && answers) {
      violations.add(ConfigViolation.ofRoute(id, "upstream",
          "both an upstream and a static response are set (expected: exactly one terminal)"));
    } else if (aggregates && (proxies || answers)) {
      violations.add(ConfigViolation.ofRoute(id, "aggregate",
          "set together with " + (proxies ? "an upstream" : "a static response") + " (expected: exactly one terminal)"));
    } else if (!proxies && !answers && !aggregates) {
      violations.add(ConfigViolation.ofRoute(id, "upstream",
          "none (expected: an upstream(url), a respond(...) or an aggregate(...) terminal)"));
    }
    to.aggregation().ifPresent(a -> {
      a.backends().forEach(b -> checkTargets(id, "aggregate[" + b.key() + "]", b.upstream(), violations));
      String perBackend = " (expected: per backend, such as Backend.retry(...); the route's timeout bounds the aggregation)";
      resilience.retry().ifPresent(r -> violations.add(ConfigViolation.ofRoute(id, "retry", "set on an aggregating route" + perBackend)));
      resilience.circuitBreaker().ifPresent(r -> violations.add(ConfigViolation.ofRoute(id, "circuitBreaker",
          "set on an aggregating route" + perBackend)));
      to.mirror().ifPresent(m -> violations.add(ConfigViolation.ofRoute(id, "mirror", "set on an aggregating route"
          + " (expected: only on routes with an upstream)")));
      to.webSocket().ifPresent(w -> violations.add(ConfigViolation.ofRoute(id, "webSocket", "set on an aggregating route"
          + " (expected: only on routes with an upstream)")));
    });
    to.upstream().ifPresent(u -> checkTargets(id, "upstream", u, violations));
    to.split().ifPresent(split -> {
      for (TrafficSplit.Branch branch : split.branches()) {
        checkTargets(id, "split", branch.upstream(), violations);
      }
      for (TrafficSplit.Rule rule : split.rules()) {
        checkTargets(id, "split", rule.upstream(), violations);
      }
    });
    to.fallbackUpstream().ifPresent(u -> checkTargets(id, "fallback", u, violations));
    to.mirror().ifPresent(m -> checkTargets(id, "mirror", m.upstream(), violations));
    if ((to.fallbackResponse().isPresent() || to.fallbackUpstream().isPresent()) && resilience.circuitBreaker().isEmpty()) {
      violations.add(ConfigViolation.ofRoute(id, "fallback",
          "set without a circuit breaker (expected: circuitBreaker(...) too; the fallback answers while it is open)"));
    }
    to.webSocket().ifPresent(ws -> {
      for (Upstream u : route.upstreamsUsed()) {
        for (Target target : u.targets()) {
          if (target.url().regionMatches(true, 0, "https:", 0, 6)) {
            violations.add(ConfigViolation.ofRoute(id, "webSocket", "upstream '" + target.url()
                + "' is https (expected: http upstreams; WebSocket over TLS to upstreams is not supported yet)"));
          }
        }
      }
      if (to.mirror().isPresent()) {
        violations.add(ConfigViolation.ofRoute(id, "webSocket",
            "set together with a mirror (expected: one or the other; a session cannot be copied)"));
      }
    });
    if (answers && !proxies) {
      onlyWhenProxying(id, "webSocket", to.webSocket(), violations);
      onlyWhenProxying(id, "timeout", resilience.timeout(), violations);
      onlyWhenProxying(id, "retry", resilience.retry(), violations);
      onlyWhenProxying(id, "circuitBreaker", resilience.circuitBreaker(), violations);
      onlyWhenProxying(id, "mirror", to.mirror(), violations);
    }
  }

  /** Upstreams of one name are one group: every route must declare the same one. */
  private static void checkNames(GatewaySpec spec, List<ConfigViolation> violations) {
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
