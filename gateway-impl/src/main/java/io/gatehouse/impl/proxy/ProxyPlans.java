package io.gatehouse.impl.proxy;

import com.fasterxml.jackson.core.JsonPointer;
import io.gatehouse.GatewaySpec;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.impl.aggregate.FieldFilter;
import io.gatehouse.impl.aggregate.Template;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.chain.HeaderChanges;
import io.gatehouse.impl.chain.RequestKeys;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.pool.UpstreamRuntime;
import io.gatehouse.impl.resilience.Breaker;
import io.gatehouse.impl.websocket.WebSocketProxy;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.route.RouteDestination;
import io.gatehouse.route.RouteResilience;
import io.gatehouse.route.RouteRewrite;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Resolves each proxying route's {@link ProxyTerminal.Plan} at build(): pools by group name, timeouts, breakers. */
public final class ProxyPlans {
  private final GatewaySpec gateway;
  private final UpstreamRuntime upstreams;
  private final ForwardedHeaders forwarded;
  private final UpstreamTransport transport;
  private final RequestKeys keys;
  private final Observers observers;
  private final List<CarriedState> carried = new ArrayList<>();

  public ProxyPlans(GatewaySpec gateway, UpstreamRuntime upstreams, ForwardedHeaders forwarded, UpstreamTransport transport,
      RequestKeys keys, Observers observers) {
    this.observers = observers;
    this.gateway = gateway;
    this.upstreams = upstreams;
    this.forwarded = forwarded;
    this.transport = transport;
    this.keys = keys;
  }

  /** The route breakers and retry budgets of the plans made so far, for a successor to take over. */
  public List<CarriedState> carried() {
    return List.copyOf(carried);
  }

  public ProxyTerminal.Plan of(RouteSpec route) {
    Map<Upstream, String> ownGroups = new HashMap<>();
    RouteDestination to = route.destination();
    RouteResilience resilience = route.resilience();
    RouteRewrite rewrite = route.rewrite();
    Optional<Destination> destination = to.upstream().map(u -> destination(route, u, ownGroups));
    Optional<TrafficSplitter> splitter = to.split().map(split -> splitter(route, split, ownGroups));
    Optional<Destination> fallback = to.fallbackUpstream().map(u -> destination(route, u, ownGroups));
    Optional<RequestMirror> mirror = to.mirror().map(m ->
        new RequestMirror(route.id(), m, destination(route, m.upstream(), ownGroups), transport, gateway.time()));
    ExchangeDeadline exchangeDeadline = resilience.exchangeDeadline().orElse(gateway.upstreams().exchangeDeadline());
    boolean timed = resilience.retry().isPresent() || resilience.timeout().isPresent() || exchangeDeadline.limits();
    Optional<RetryRules> retry = resilience.retry().map(r -> new RetryRules(route.id(), r, gateway.time()));
    Optional<Breaker> breaker = resilience.circuitBreaker()
        .map(cb -> new Breaker("route '" + route.id() + "'", cb, gateway.time(), observers));
    retry.ifPresent(carried::add);
    breaker.ifPresent(carried::add);
    return new ProxyTerminal.Plan(
        route.id(),
        PathTransform.of(rewrite.stripPrefix(), rewrite.path()),
        rewrite.requestHeaders(),
        rewrite.responseHeaders(),
        forwarded,
        transport,
        keys,
        destination,
        splitter,
        retry,
        resilience.timeout(),
        breaker,
        to.fallbackResponse().map(r -> HeaderChanges.apply(rewrite.responseHeaders(), r.toResponse())),
        fallback,
        mirror,
        timed ? Optional.of(upstreams.scheduler()) : Optional.empty(),
        exchangeDeadline,
        to.webSocket().map(ws -> new WebSocketProxy(route.id(), ws, gateway.time(), upstreams.scheduler())));
  }

  /** The plan of an aggregating route: each backend with its own pool, retry rules and breaker. */
  public AggregateTerminal aggregateOf(RouteSpec route) {
    Aggregation aggregation = route.destination().aggregation().orElseThrow();
    Map<Upstream, String> ownGroups = new HashMap<>();
    List<List<AggregateTerminal.Call>> steps = new ArrayList<>();
    for (List<Backend> step : aggregation.steps()) {
      List<AggregateTerminal.Call> calls = new ArrayList<>();
      for (Backend b : step) {
        String name = route.id() + "[" + b.key() + "]";
        Map<String, Template> headers = new LinkedHashMap<>();
        b.headers().forEach((header, value) -> headers.put(header, Template.header(value)));
        Map<String, AggregateTerminal.Bound> bindings = new LinkedHashMap<>();
        b.bindings().forEach((variable, bind) ->
            bindings.put(variable, new AggregateTerminal.Bound(bind.backend(), JsonPointer.compile(bind.pointer()))));
        Optional<RetryRules> retry = b.retry().map(r -> new RetryRules(name, r, gateway.time()));
        Optional<Breaker> breaker = b.circuitBreaker()
            .map(cb -> new Breaker("route '" + route.id() + "' backend '" + b.key() + "'", cb, gateway.time(), observers));
        retry.ifPresent(carried::add);
        breaker.ifPresent(carried::add);
        calls.add(new AggregateTerminal.Call(b, destination(route, b.upstream(), ownGroups), Template.path(b.path()),
            headers, bindings, FieldFilter.of(b.allow(), b.deny()), retry, breaker));
      }
      steps.add(calls);
    }
    RouteResilience resilience = route.resilience();
    Optional<Duration> total = resilience.exchangeDeadline().orElse(gateway.upstreams().exchangeDeadline()).total();
    Optional<Duration> timeout = resilience.timeout().isEmpty() ? total
        : total.isEmpty() || resilience.timeout().get().compareTo(total.get()) <= 0 ? resilience.timeout() : total;
    return new AggregateTerminal(new AggregateTerminal.Plan(route.id(), steps, aggregation.merger(), timeout,
        route.rewrite().requestHeaders(), route.rewrite().responseHeaders(), gateway.identity().headers().names(),
        forwarded, transport, keys, upstreams.scheduler()));
  }

  private TrafficSplitter splitter(RouteSpec route, TrafficSplit split, Map<Upstream, String> ownGroups) {
    List<TrafficSplitter.Rule> rules = new ArrayList<>();
    for (TrafficSplit.Rule rule : split.rules()) {
      rules.add(new TrafficSplitter.Rule(rule.key(), rule.value(), destination(route, rule.upstream(), ownGroups)));
    }
    List<Destination> destinations = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    for (TrafficSplit.Branch branch : split.branches()) {
      destinations.add(destination(route, branch.upstream(), ownGroups));
      weights.add(branch.weight());
    }
    return new TrafficSplitter(rules, destinations, weights, split.stickyOn(), keys);
  }

  /**
   * The destination of an upstream in a route: a named upstream's shared pool, or the route's own
   * (equal unnamed upstreams of one route share one, such as a canary used by a rule and a weight).
   */
  private Destination destination(RouteSpec route, Upstream upstream, Map<Upstream, String> ownGroups) {
    String name = upstream.name().orElseGet(() -> ownGroups.computeIfAbsent(upstream,
        u -> "route:" + route.id() + (ownGroups.isEmpty() ? "" : "#" + (ownGroups.size() + 1))));
    return new Destination(upstreams.pool(name, upstream),
        route.resilience().connectTimeout().or(upstream::connectTimeout).orElse(gateway.upstreams().connectTimeout()),
        route.resilience().responseTimeout().or(upstream::responseTimeout).orElse(gateway.upstreams().responseTimeout()),
        route.resilience().responseBodyIdleTimeout().orElse(gateway.upstreams().responseBodyIdleTimeout()));
  }
}
