package io.gatehouse.impl;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.cache.ResponseCachePurge;
import io.gatehouse.TimeSource;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthRuntime;
import io.gatehouse.impl.carry.CarriedStates;
import io.gatehouse.impl.chain.ExchangeImpl;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.edge.EdgeRuntime;
import io.gatehouse.impl.cors.CorsRuntime;
import io.gatehouse.impl.ingress.BodyLimit;
import io.gatehouse.impl.ingress.IngressChecks;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.observe.RequestMeasure;
import io.gatehouse.impl.observe.TraceContext;
import io.gatehouse.impl.pool.UpstreamRuntime;
import io.gatehouse.impl.problem.Problems;
import io.gatehouse.impl.problem.RequestIds;
import io.gatehouse.impl.responsecache.ResponseCacheCompiler;
import io.gatehouse.impl.routing.CompiledRoute;
import io.gatehouse.impl.routing.InvalidPathException;
import io.gatehouse.impl.routing.PathNormalizer;
import io.gatehouse.impl.routing.RouteExplainer;
import io.gatehouse.impl.routing.RouteVerdict;
import io.gatehouse.impl.routing.Router;
import io.gatehouse.impl.websocket.WebSocketProxy;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestSpan;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.UpstreamStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built gateway: ingress checks, normalize, route (a CORS preflight as its actual request),
 * body limit, run the route's chain. Immutable but for close().
 */
final class CompiledGateway implements Gateway {
  private static final Logger log = LoggerFactory.getLogger(CompiledGateway.class);

  private final GatewaySpec spec;
  private final Router router;
  private final UpstreamTransport transport;
  private final AuthRuntime auth;
  private final UpstreamRuntime upstreams;
  private final TimeSource.Scheduler scheduler;
  private final Observers observers;
  private final Function<Request, String> clientAddress;
  private final IngressChecks ingress;
  private final EdgeRuntime edge;
  private final MethodRules methods;
  private final CorsRuntime cors;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String version;
  private final CarriedStates carried;
  private final ResponseCacheCompiler.Caches caches;

  CompiledGateway(GatewaySpec spec, Router router, UpstreamTransport transport, AuthRuntime auth,
      UpstreamRuntime upstreams, TimeSource.Scheduler scheduler, Observers observers, Function<Request, String> clientAddress, IngressChecks ingress,
      EdgeRuntime edge, CorsRuntime cors, CarriedStates carried, ResponseCacheCompiler.Caches caches) {
    this.carried = carried;
    this.caches = caches;
    this.spec = spec;
    this.router = router;
    this.transport = transport;
    this.auth = auth;
    this.upstreams = upstreams;
    this.scheduler = scheduler;
    this.observers = observers;
    this.clientAddress = clientAddress;
    this.ingress = ingress;
    this.edge = edge;
    this.methods = new MethodRules(spec);
    this.cors = cors;
    this.version = spec.observation().version().orElseGet(() -> DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
        .withZone(ZoneOffset.UTC).format(spec.time().now()) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000)));
  }

  @Override
  public CompletionStage<Response> handle(Request received) {
    String requestId = RequestIds.of(received.headers());
    RequestSpan trace = spec.observation().tracing().orElse(TraceContext.W3C).start(received);
    RequestState state = new RequestState(requestId, spec.time(), trace, () -> clientAddress.apply(received));
    // The measure ends the span, so a tracing needs it even when nobody observes.
    if (!observers.active() && spec.observation().tracing().isEmpty()) {
      CompletionStage<Response> routed = route(received, state, null);
      if (!spec.ingress().echoRequestId() && !edge.touchesResponses()) {
        return routed;
      }
      CompletableFuture<Response> finished = routed.toCompletableFuture().thenApply(r -> finished(r, state, received));
      finished.whenComplete((response, failure) -> {
        if (failure instanceof CancellationException) {
          routed.toCompletableFuture().cancel(true); // a dependent stage does not pass cancellation back by itself
        }
      });
      return finished;
    }
    RequestMeasure measure = new RequestMeasure(observers, received, state, spec.time().now());
    CompletableFuture<Response> routed = route(measure.counting(received), state, measure).toCompletableFuture();
    CompletableFuture<Response> measured = routed.thenApply(r -> measure.finish(finished(r, state, received)));
    measured.whenComplete((response, failure) -> {
      if (failure instanceof CancellationException) {
        routed.cancel(true); // a dependent stage does not pass cancellation back by itself
        measure.clientLeft();
      }
    });
    return measured;
  }

  /** The response as it leaves: with its route's (or the gateway's) security headers, then the request id. */
  private Response finished(Response response, RequestState state, Request received) {
    Response secured = edge.secured(response, state, received);
    return spec.ingress().echoRequestId() ? echoed(secured, state.requestId()) : secured;
  }

  /** The response with the request's id in {@code X-Request-Id}, replacing any the upstream sent. */
  private static Response echoed(Response response, String requestId) {
    if (response.headers().first(RequestIds.HEADER).filter(requestId::equals).isPresent()
        && response.headers().all(RequestIds.HEADER).size() == 1) {
      return response;
    }
    return response.toBuilder().headers(response.headers().toBuilder().set(RequestIds.HEADER, requestId).build()).build();
  }

  /**
   * Checks and cleans the request at ingress, normalizes, routes and runs the route's chain;
   * {@code measure} is null when nobody observes.
   */
  private CompletionStage<Response> route(Request arrived, RequestState state, RequestMeasure measure) {
    String requestId = state.requestId();
    if (closed.get()) {
      return done(Problems.response(503, "Service Unavailable", "the gateway is closed", requestId));
    }
    Optional<IngressChecks.Rejected> refused = ingress.rejection(arrived, requestId);
    if (refused.isPresent()) {
      state.reject(refused.get().why());
      return done(refused.get().response());
    }
    if (arrived.headers().contains("Upgrade")) {
      // Ingress removes them as hop-by-hop; a route that takes WebSockets still needs them. Any other
      // offer (such as the JDK client's Upgrade: h2c) is declined by ignoring it: a plain request.
      HttpHeaders.Builder fields = HttpHeaders.builder();
      arrived.headers().all("Upgrade").forEach(v -> fields.add("Upgrade", v));
      arrived.headers().all("Connection").forEach(v -> fields.add("Connection", v));
      HttpHeaders upgrade = fields.build();
      if (WebSocketProxy.asksForWebSocket(upgrade)) {
        state.upgradeFields(upgrade);
      }
    }
    Request received = ingress.cleaned(arrived);
    MethodRules.Outcome checked = methods.apply(received);
    if (checked instanceof MethodRules.Refused refusedMethod) {
      state.reject(Rejection.BAD_REQUEST);
      return done(Problems.response(refusedMethod.status(), refusedMethod.title(), refusedMethod.detail(), requestId));
    }
    received = ((MethodRules.Pass) checked).request(); // overrides removed, or applied when honoured
    String path;
    try {
      path = PathNormalizer.normalize(received.path());
    } catch (InvalidPathException e) {
      state.reject(Rejection.BAD_REQUEST);
      return done(Problems.response(400, "Bad Request", "invalid path: " + e.reason(), requestId));
    }
    Request request = path.equals(received.path()) ? received : received.toBuilder().path(path).build();

    RouteVerdict verdict;
    try {
      verdict = cors.route(router, request); // a CORS preflight goes where its actual request would
    } catch (RuntimeException e) {
      log.error("request {}: a route predicate failed", requestId, e);
      return done(Problems.response(500, "Internal Server Error",
          "a route predicate failed; see the gateway log for request " + requestId, requestId));
    }
    if (verdict instanceof RouteVerdict.Matched matched) {
      return run(matched, request, state, measure);
    }
    state.reject(Rejection.NO_ROUTE);
    return done(((RouteVerdict.Refused) verdict).response(request, requestId));
  }

  private CompletionStage<Response> run(RouteVerdict.Matched matched, Request request, RequestState state, RequestMeasure measure) {
    CompiledRoute route = matched.route();
    String requestId = state.requestId();
    state.routed(route.id(), matched.variables());
    state.trace().routed(route.id(), matched.pattern());
    if (measure != null) {
      measure.routed(request);
    }
    long bodyCap = route.spec.access().maxRequestBody().orElse(spec.ingress().requestLimits().maxBodyBytes());
    Optional<Response> tooLarge = BodyLimit.rejection(request, bodyCap, requestId);
    if (tooLarge.isPresent()) {
      state.reject(Rejection.TOO_LARGE);
      return done(cors.decorate(route.id(), request, tooLarge.get()));
    }
    CompletableFuture<Response> result = new CompletableFuture<>();
    route.chain.start(new ExchangeImpl(BodyLimit.capped(request, bodyCap), state), state).whenComplete((response, failure) -> {
      if (failure == null) {
        result.complete(response);
      } else {
        result.complete(cors.decorate(route.id(), request, failed(route, requestId, failure)));
      }
    });
    result.whenComplete((response, failure) -> {
      if (failure instanceof CancellationException) {
        state.cancel();
      }
    });
    return result;
  }

  private static Response failed(CompiledRoute route, String requestId, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    log.error("route '{}' request {}: the filter chain failed", route.id(), requestId, cause);
    return Problems.response(500, "Internal Server Error",
        "the gateway failed to handle the request; see the gateway log for request " + requestId, requestId);
  }

  private static CompletionStage<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }

  /** Walks the routes in declaration order (see {@link RouteExplainer}), a CORS preflight as routing takes it; runs no filter. */
  @Override
  public RouteExplanation explain(Request request) {
    return cors.explain(router, methods, request);
  }

  @Override
  public Map<String, List<String>> chains() {
    Map<String, List<String>> chains = new LinkedHashMap<>();
    for (CompiledRoute route : router.routes()) {
      chains.put(route.id(), List.copyOf(route.chain.stages()));
    }
    return Collections.unmodifiableMap(chains);
  }

  @Override
  public Optional<ResponseCachePurge> responseCache(String name) {
    return caches.purge(Objects.requireNonNull(name, "name"));
  }

  @Override
  public void takeStateFrom(Gateway previous) {
    Objects.requireNonNull(previous, "previous");
    if (previous == this) {
      return;
    }
    if (!(previous instanceof CompiledGateway before)) {
      log.info("gateway {}: nothing to take over from {}, which is not a built gateway", version, previous);
      return;
    }
    if (!before.spec.time().equals(spec.time())) {
      log.warn("gateway {}: no state taken over from {}: they read different time sources ({} and {})",
          version, before.version, before.spec.time(), spec.time());
      return;
    }
    CarriedStates.Carried result = carried.takeOverFrom(before.carried);
    log.info("gateway {}: took over {} states from {}; {} start fresh", version, result.taken(), before.version, result.fresh());
  }

  @Override
  public GatewaySpec spec() {
    return spec;
  }

  @Override
  public Optional<ConnectionPoolStatus> connectionPool() {
    return transport.poolStatus();
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public List<UpstreamStatus> upstreams() {
    return upstreams.status();
  }

  @Override
  public UsageReport usage() {
    return observers.usage();
  }

  /**
   * Stops the health checks and discovery, the auth workers, the transport, then the timer:
   * its pending tasks run then, so a throttled or backing-off request goes on (and meets the
   * closed transport), a queued one is refused, and nothing waits for a timer that is gone; last
   * the access log writes what it has queued.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        upstreams.close();
        auth.close();
      } finally {
        try {
          transport.close();
        } finally {
          try {
            scheduler.close();
          } finally {
            observers.close();
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Gateway[" + spec.routes().size() + " routes, version " + version + "]";
  }
}
