package io.gatehouse.impl;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.GatewaySpec;
import io.gatehouse.TimeSource;
import io.gatehouse.http.Response;
import io.gatehouse.impl.aggregate.AggregateCompiler;
import io.gatehouse.impl.auth.AuthCompiler;
import io.gatehouse.impl.auth.AuthRuntime;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarriedStates;
import io.gatehouse.impl.chain.FilterChain;
import io.gatehouse.impl.chain.HeaderChanges;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.chain.StaticTerminal;
import io.gatehouse.impl.chain.Terminal;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.edge.EdgeCompiler;
import io.gatehouse.impl.edge.EdgeRuntime;
import io.gatehouse.impl.cors.CorsCompiler;
import io.gatehouse.impl.cors.CorsRuntime;
import io.gatehouse.impl.ingress.IngressCompiler;
import io.gatehouse.impl.ingress.MethodCompiler;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.observe.ObserversCompiler;
import io.gatehouse.impl.proxy.ProxyCompiler;
import io.gatehouse.impl.proxy.ProxyPlans;
import io.gatehouse.impl.proxy.ProxyTerminal;
import io.gatehouse.impl.ratelimit.RateLimitCompiler;
import io.gatehouse.impl.ratelimit.RateLimitRuntime;
import io.gatehouse.impl.responsecache.ResponseCacheCompiler;
import io.gatehouse.impl.routing.Router;
import io.gatehouse.impl.routing.RoutingCompiler;
import io.gatehouse.impl.transform.TransformCompiler;
import io.gatehouse.impl.validation.ValidationCompiler;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.route.StaticResponse;
import io.gatehouse.spi.GatewayCompiler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a {@link GatewaySpec} as a whole and compiles it into a {@link CompiledGateway}: every
 * feature checks its part ({@link FeatureCompiler#check}), one {@link GatewayConfigException} lists
 * all their violations, then every feature builds its run-time objects
 * ({@link FeatureCompiler#build}) and this class assembles each route's chain and the gateway.
 * Found by {@code Gateway.builder().build()} through {@link java.util.ServiceLoader}.
 */
public final class DefaultGatewayCompiler implements GatewayCompiler {
  private static final Logger log = LoggerFactory.getLogger(DefaultGatewayCompiler.class);

  /** Every feature, in the order their violations are listed. */
  private static final List<FeatureCompiler<?, ?>> FEATURES = List.of(IngressCompiler.INSTANCE, RoutingCompiler.INSTANCE,
      MethodCompiler.INSTANCE, ProxyCompiler.INSTANCE, AuthCompiler.INSTANCE, RateLimitCompiler.INSTANCE,
      ObserversCompiler.INSTANCE, EdgeCompiler.INSTANCE, CorsCompiler.INSTANCE, AggregateCompiler.INSTANCE,
      ResponseCacheCompiler.INSTANCE, TransformCompiler.INSTANCE, ValidationCompiler.INSTANCE);

  /** The name of each gateway's timer thread. */
  static final String TIMER_THREAD = "gatehouse-timer";

  /** Called by {@link java.util.ServiceLoader}. */
  public DefaultGatewayCompiler() {}

  @Override
  public Gateway compile(GatewaySpec spec) {
    List<ConfigViolation> violations = new ArrayList<>();
    for (FeatureCompiler<?, ?> feature : FEATURES) {
      feature.check(spec, violations);
    }
    if (!violations.isEmpty()) {
      throw new GatewayConfigException(violations);
    }

    // One timer per gateway, on its time source; its thread starts with the first task.
    TimeSource.Scheduler scheduler = spec.time().newScheduler(TIMER_THREAD);
    try {
      return compile(spec, scheduler);
    } catch (RuntimeException | Error e) {
      scheduler.close();
      throw e;
    }
  }

  private static Gateway compile(GatewaySpec spec, TimeSource.Scheduler scheduler) {
    IngressCompiler.Ingress ingress = IngressCompiler.INSTANCE.build(spec, FeatureCompiler.None.NONE);
    MethodRules methods = MethodCompiler.INSTANCE.build(spec, FeatureCompiler.None.NONE);
    Observers observers = ObserversCompiler.INSTANCE.build(spec, FeatureCompiler.None.NONE);
    ProxyCompiler.Proxying proxying = ProxyCompiler.INSTANCE.build(spec,
        new ProxyCompiler.Inputs(ingress.trusted(), observers, scheduler));
    AuthRuntime auth = AuthCompiler.INSTANCE.build(spec, new AuthCompiler.Inputs(proxying.transport(), scheduler));
    RateLimitRuntime limits = RateLimitCompiler.INSTANCE.build(spec, new RateLimitCompiler.Inputs(observers, scheduler));
    EdgeRuntime edge = EdgeCompiler.INSTANCE.build(spec, new EdgeCompiler.Inputs(ingress.trusted()));
    CorsRuntime cors = CorsCompiler.INSTANCE.build(spec, methods);
    ResponseCacheCompiler.Caches caches = ResponseCacheCompiler.INSTANCE.build(spec, new ResponseCacheCompiler.Inputs(scheduler));
    TransformCompiler.Stages bodies = TransformCompiler.INSTANCE.build(spec, FeatureCompiler.None.NONE);
    Router router = RoutingCompiler.INSTANCE.build(spec, new RoutingCompiler.Inputs(methods,
        route -> chainOf(spec, route, proxying.plans(), cors.stage(route), bodies.compression(route),
            builtInStages(route, edge, auth, limits), bodies.transform(route), caches.stage(route))));
    if (!spec.ingress().caseInsensitivePaths()) {
      RoutingCompiler.caseShadows(spec, methods).forEach(log::warn);
    }

    List<CarriedState> carried = new ArrayList<>(limits.carried());
    carried.addAll(proxying.plans().carried());
    carried.addAll(proxying.upstreams().pools());
    observers.meter().ifPresent(carried::add);
    return new CompiledGateway(spec, router, proxying.transport(), auth, proxying.upstreams(), scheduler, observers,
        ingress.trusted()::clientAddress, ingress.checks(), edge, cors, CarriedStates.of(carried),
        caches);
  }

  /**
   * The built-in stages between the global and the route's filters, in their documented order. IP
   * rules come first: a refused address spends no permit of a pre-auth limit (whose per-route or
   * per-header budget allowed clients share) and never reaches a credential check, whose 401
   * would tell it more than a 403 does.
   */
  private static List<Stage> builtInStages(RouteSpec route, EdgeRuntime edge, AuthRuntime auth, RateLimitRuntime limits) {
    List<Stage> stages = new ArrayList<>(7);
    edge.ipRulesStage(route).ifPresent(stages::add);
    limits.preAuthStage(route).ifPresent(stages::add);
    stages.add(auth.stage(route));
    stages.add(limits.stage(route));
    limits.quotaStage(route).ifPresent(stages::add);
    limits.concurrencyStage(route).ifPresent(stages::add);
    // Validation last: a request is refused for who sends it and how often before its body is read.
    ValidationCompiler.stage(route).ifPresent(stages::add);
    return stages;
  }

  /**
   * The route's chain: its CORS stage, which answers preflights before anything else, then its
   * compression, which compresses whatever answers (the filters and every stage after it see
   * uncompressed bodies), then the filters and stages, then its body transformation (after the
   * filters, so values can read the headers they set), and last its response cache: a stored
   * answer still passes the IP rules, authentication, limits, the route's filters and the
   * transformation (the cache keeps the untransformed body), and the cache key can read what those
   * filters set; only the upstream call (circuit breaker, retries) is saved.
   */
  private static FilterChain chainOf(GatewaySpec gateway, RouteSpec route, ProxyPlans plans, Optional<Stage> cors,
      Optional<Stage> compression, List<Stage> builtInStages, Optional<Stage> transform, Optional<Stage> cache) {
    List<Stage> stages = new ArrayList<>();
    List<String> names = new ArrayList<>();
    cors.ifPresent(stage -> {
      stages.add(stage);
      names.add(stage.toString());
    });
    compression.ifPresent(stage -> {
      stages.add(stage);
      names.add(stage.toString());
    });
    gateway.filters().forEach(f -> stages.add(Stage.of(f)));
    stages.addAll(builtInStages);
    route.filters().forEach(f -> stages.add(Stage.of(f)));
    transform.ifPresent(stages::add);
    cache.ifPresent(stages::add);
    for (int i = 0; i < gateway.filters().size(); i++) {
      names.add("global filter #" + (i + 1) + " (" + gateway.filters().get(i).getClass().getName() + ")");
    }
    builtInStages.forEach(stage -> names.add(stage.toString()));
    for (int i = 0; i < route.filters().size(); i++) {
      names.add("route '" + route.id() + "' filter #" + (i + 1) + " (" + route.filters().get(i).getClass().getName() + ")");
    }
    transform.ifPresent(stage -> names.add(stage.toString()));
    cache.ifPresent(stage -> names.add(stage.toString()));
    Terminal terminal;
    Optional<StaticResponse> fixed = route.destination().staticResponse();
    if (fixed.isPresent()) {
      Response response = HeaderChanges.apply(route.rewrite().responseHeaders(), fixed.get().toResponse());
      terminal = new StaticTerminal(response);
    } else if (route.destination().aggregation().isPresent()) {
      terminal = plans.aggregateOf(route);
    } else {
      terminal = new ProxyTerminal(plans.of(route));
    }
    return new FilterChain(stages, names, terminal);
  }

  /** The case-shadow warnings build() logs for a spec with case-sensitive paths (see {@link RoutingCompiler#caseShadows}). */
  static List<String> caseShadows(GatewaySpec spec) {
    return RoutingCompiler.caseShadows(spec, new MethodRules(spec));
  }
}
