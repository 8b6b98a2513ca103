package io.gatehouse.micrometer;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.UpstreamStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.http.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics on a Micrometer {@link MeterRegistry}: an observer of every finished
 * request and state change, and gauges over the upstream groups of the gateway it
 * {@linkplain #watch(Gateway) watches}.
 *
 * <pre>{@code
 * GatehouseMetrics metrics = GatehouseMetrics.of(registry);
 * Gateway gateway = Gateway.builder()
 *     .observer(metrics)
 *     .route("orders", r -> r.path("/api/orders/**").upstream("http://orders:8080"))
 *     .build();
 * metrics.watch(gateway);
 * }</pre>
 *
 * <p>The meters, named like Micrometer's own {@code http.server.requests} (Prometheus shows
 * {@code gatehouse.requests} as {@code gatehouse_requests_seconds_count} and so on):
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code gatehouse.requests}</td><td>timer</td>
 *       <td>{@code route, method, status, outcome, target}</td>
 *       <td>every finished request, from its arrival to the end of its response; with a percentile
 *       histogram unless {@linkplain #of(MeterRegistry, boolean) turned off}</td></tr>
 *   <tr><td>{@code gatehouse.upstream.duration}</td><td>timer</td><td>{@code route, target}</td>
 *       <td>time spent in upstream calls until their response heads, for requests that made any</td></tr>
 *   <tr><td>{@code gatehouse.request.size}</td><td>summary (bytes)</td><td>{@code route}</td>
 *       <td>request body bytes read</td></tr>
 *   <tr><td>{@code gatehouse.response.size}</td><td>summary (bytes)</td><td>{@code route}</td>
 *       <td>response body bytes sent</td></tr>
 *   <tr><td>{@code gatehouse.rejections}</td><td>counter</td><td>{@code reason, route}</td>
 *       <td>requests the gateway answered by itself, by {@link Rejection}</td></tr>
 *   <tr><td>{@code gatehouse.cache.requests}</td><td>counter</td><td>{@code outcome, route}</td>
 *       <td>requests to routes with a response cache, by {@link io.gatehouse.cache.CacheOutcome}
 *       ({@code hit}, {@code stale}, {@code revalidated}, {@code miss}, {@code bypass})</td></tr>
 *   <tr><td>{@code gatehouse.circuit.state}</td><td>gauge</td><td>{@code circuit, state}</td>
 *       <td>1 for a circuit's current state, 0 for the others; a circuit appears with its first change</td></tr>
 *   <tr><td>{@code gatehouse.upstream.targets}</td><td>gauge</td><td>{@code upstream, state}</td>
 *       <td>a group's targets that may take a request now ({@code available}) and the others</td></tr>
 *   <tr><td>{@code gatehouse.upstream.requests.active}</td><td>gauge</td><td>{@code upstream, target}</td>
 *       <td>requests in flight to a target</td></tr>
 *   <tr><td>{@code gatehouse.upstream.target.healthy}</td><td>gauge</td><td>{@code upstream, target}</td>
 *       <td>1 while a target is healthy, 0 while unhealthy or ejected</td></tr>
 *   <tr><td>{@code gatehouse.ratelimit.store.degraded}</td><td>gauge</td><td></td>
 *       <td>1 while the shared rate-limit store cannot answer, else 0</td></tr>
 *   <tr><td>{@code gatehouse.ratelimit.store.degraded.decisions}</td><td>counter</td><td></td>
 *       <td>limit decisions made by the fallback because that store could not answer</td></tr>
 *   <tr><td>{@code gatehouse.upstream.connections}</td><td>gauge</td><td>{@code state}</td>
 *       <td>the upstream client's pool: {@code leased}, {@code pending} calls, {@code available}, {@code max}</td></tr>
 *   <tr><td>{@code gatehouse.config}</td><td>gauge</td><td>{@code version}</td>
 *       <td>1, tagged with the watched gateway's configuration version</td></tr>
 * </table>
 *
 * <p>Tag values: {@code route} is the route's id, or {@code none} when no route matched;
 * {@code method} is the request method, or {@code OTHER} for a method outside the standard ones,
 * so that odd methods cannot add time series without bound; {@code status} is the status code;
 * {@code outcome} is Micrometer's {@link Outcome} ({@code SUCCESS}, {@code CLIENT_ERROR}, ...);
 * {@code target} is the base URL of the target that answered, or {@code none}; {@code upstream} is
 * a group's name ({@code route:<id>} for a route's own group). The values the gateway defines are
 * its enum names in lower case: {@code reason="rate_limited"}, {@code state="half_open"}. The
 * timers' {@code target} tag adds time series for every target ever called (the gauges of a target
 * go when it goes); where discovery keeps changing addresses, a {@code MeterFilter} on the registry
 * can drop that tag from them.
 *
 * <p>The upstream gauges read {@link Gateway#upstreams()} whenever the registry reads them. Targets
 * that service discovery adds are registered at {@link #watch(Gateway)}, at any change of a
 * target's health, and when a request is first answered by a target not seen before; those that
 * it removes are unregistered then too.
 *
 * <p><b>Threads.</b> Thread-safe; the observer methods run on the gateway's threads and never
 * block. Meters are registered once, at their first use, and cached.
 *
 * @since 0.1
 */
public final class GatehouseMetrics implements GatewayObserver {
  private static final String NONE = "none";
  private static final List<TargetStatus.Circuit> CIRCUIT_STATES =
      List.of(TargetStatus.Circuit.CLOSED, TargetStatus.Circuit.OPEN, TargetStatus.Circuit.HALF_OPEN);

  private final MeterRegistry registry;
  private final boolean percentileHistogram;

  private final ConcurrentMap<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
  private final ConcurrentMap<RouteTarget, Timer> upstreamTimers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Sizes> sizes = new ConcurrentHashMap<>();
  private final ConcurrentMap<RouteRejection, Counter> rejections = new ConcurrentHashMap<>();
  private final ConcurrentMap<RouteCache, Counter> cacheOutcomes = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicReference<TargetStatus.Circuit>> circuits = new ConcurrentHashMap<>();
  private final AtomicBoolean storeDegraded = new AtomicBoolean();
  private final Counter degradedDecisions;

  private final MultiGauge targetCounts;
  private final MultiGauge activeRequests;
  private final MultiGauge targetHealthy;
  private final MultiGauge config;
  private final Set<String> knownTargets = ConcurrentHashMap.newKeySet();
  // Refreshes of the target gauges run one at a time without a lock: whoever raises this from 0
  // refreshes, and refreshes once more if others asked meanwhile.
  private final AtomicInteger refreshes = new AtomicInteger();
  private volatile Gateway watched;
  private final Object watchLock = new Object();

  private GatehouseMetrics(MeterRegistry registry, boolean percentileHistogram) {
    this.registry = registry;
    this.percentileHistogram = percentileHistogram;
    Gauge.builder("gatehouse.ratelimit.store.degraded", storeDegraded, degraded -> degraded.get() ? 1 : 0)
        .description("1 while the shared rate-limit store cannot answer and limits are decided by the fallback")
        .strongReference(true)
        .register(registry);
    this.degradedDecisions = Counter.builder("gatehouse.ratelimit.store.degraded.decisions")
        .description("Rate-limit and quota decisions made by the fallback because the shared store could not answer")
        .register(registry);
    this.targetCounts = MultiGauge.builder("gatehouse.upstream.targets")
        .description("Targets of an upstream group that may take a request now (available), and the others")
        .register(registry);
    this.activeRequests = MultiGauge.builder("gatehouse.upstream.requests.active")
        .description("Requests in flight to an upstream target")
        .register(registry);
    this.targetHealthy = MultiGauge.builder("gatehouse.upstream.target.healthy")
        .description("1 while an upstream target is healthy, 0 while it is unhealthy or ejected")
        .register(registry);
    for (String state : List.of("leased", "pending", "available", "max")) {
      Gauge.builder("gatehouse.upstream.connections", this, m -> m.pool(state))
          .description("The upstream client's connections: leased, pending calls, available (idle), and max, the pool's cap")
          .tag("state", state)
          .register(registry);
    }
    this.config = MultiGauge.builder("gatehouse.config")
        .description("1, tagged with the version of the configuration being watched")
        .register(registry);
  }

  /**
   * Metrics on a registry, with a percentile histogram on the request timers.
   *
   * <p>{@code Gateway.builder().observer(GatehouseMetrics.of(new SimpleMeterRegistry()))}
   *
   * @param registry where the meters go
   * @return the metrics, to add as an observer
   */
  public static GatehouseMetrics of(MeterRegistry registry) {
    return of(registry, true);
  }

  /**
   * Metrics on a registry, saying whether the request timers ({@code gatehouse.requests} and
   * {@code gatehouse.upstream.duration}) publish a percentile histogram. The histogram lets
   * Prometheus compute percentiles across instances, at the cost of about 70 buckets per
   * time series.
   *
   * <p>{@code GatehouseMetrics.of(registry, false)}
   *
   * @param registry where the meters go
   * @param percentileHistogram false for timers with a count, a sum and a maximum only
   * @return the metrics, to add as an observer
   */
  public static GatehouseMetrics of(MeterRegistry registry, boolean percentileHistogram) {
    return new GatehouseMetrics(Objects.requireNonNull(registry, "registry"), percentileHistogram);
  }

  /**
   * Reports the upstream groups of a gateway: registers the {@code gatehouse.upstream.*} gauges,
   * which read {@link Gateway#upstreams()} whenever the registry reads them, and
   * {@code gatehouse.config}, 1 with the tag {@code version} = {@link Gateway#version()}. Call it
   * after {@code build()}. A later call replaces the gateway watched, as when a new one is swapped
   * in after a configuration change (the version's row changes with it); {@link #follow} makes
   * those calls by itself.
   *
   * <p>{@code Gateway gateway = Gateway.builder().observer(metrics).route(...).build(); metrics.watch(gateway);}
   *
   * @param gateway the gateway this observer was added to
   * @return this
   */
  public GatehouseMetrics watch(Gateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    synchronized (watchLock) { // the gauges and the version row name the same gateway
      this.watched = gateway;
      config.register(List.of(MultiGauge.Row.of(Tags.of("version", gateway.version()), 1)), true);
    }
    refreshTargets();
    return this;
  }

  /**
   * {@linkplain #watch(Gateway) Watches} the current gateway of a holder now and each gateway
   * swapped in later, such as a server's ({@code server.swappable()} in the Undertow adapter).
   * Build each gateway with this observer ({@code Gateway.builder().observer(metrics)}), so that its
   * requests are recorded too.
   *
   * <pre>{@code
   * GatewayServer server = UndertowGateway.server(gateway).port(8080).start();
   * metrics.follow(server.swappable());
   * server.swap(next);                      // gatehouse.config{version} and the upstream gauges follow
   * }</pre>
   *
   * @param gateways the holder whose gateway in use the gauges report
   * @return this
   * @since 0.1
   */
  public GatehouseMetrics follow(SwappableGateway gateways) {
    Objects.requireNonNull(gateways, "gateways");
    gateways.addListener((previous, next) -> watch(next));
    // Under the lock that a swap's watch(next) takes too: whichever runs last watches what is current.
    synchronized (watchLock) {
      watch(gateways.current());
    }
    return this;
  }

  /**
   * Records a finished request in {@code gatehouse.requests}, {@code gatehouse.upstream.duration},
   * the size summaries and {@code gatehouse.rejections}. The gateway calls it.
   *
   * <p>{@code metrics.onRequest(record)}
   *
   * @param record the finished request
   */
  @Override
  public void onRequest(RequestRecord record) {
    Objects.requireNonNull(record, "record");
    String route = record.routeId().orElse(NONE);
    String target = record.upstream().orElse(NONE);
    cached(requestTimers, new RequestKey(route, method(record.method()), record.status(), target), this::requestTimer)
        .record(record.duration());
    if (record.upstreamDuration().isPresent()) {
      cached(upstreamTimers, new RouteTarget(route, target), this::upstreamTimer).record(record.upstreamDuration().get());
    }
    Sizes routeSizes = cached(sizes, route, this::sizes);
    routeSizes.request().record(record.bytesIn());
    routeSizes.response().record(record.bytesOut());
    if (record.rejection().isPresent()) {
      cached(rejections, new RouteRejection(route, record.rejection().get()), this::rejectionCounter).increment();
    }
    if (record.cache().isPresent()) {
      cached(cacheOutcomes, new RouteCache(route, record.cache().get()), this::cacheCounter).increment();
    }
    if (record.upstream().isPresent() && watched != null && knownTargets.add(target)) {
      refreshTargets(); // a target that discovery added since the last refresh
    }
  }

  /**
   * Updates the gauges and counters that follow the gateway's state: circuit states, the targets,
   * the rate-limit store. The gateway calls it.
   *
   * <p>{@code metrics.onEvent(new GatewayEvent.RateLimitStoreDegraded(true))}
   *
   * @param event what changed
   */
  @Override
  public void onEvent(GatewayEvent event) {
    Objects.requireNonNull(event, "event");
    if (event instanceof GatewayEvent.CircuitChanged changed) {
      circuitChanged(changed.circuit(), changed.state());
    } else if (event instanceof GatewayEvent.TargetHealthChanged) {
      refreshTargets(); // the gauges read health live; this is for targets added or removed meanwhile
    } else if (event instanceof GatewayEvent.RateLimitStoreDegraded degraded) {
      storeDegraded.set(degraded.degraded());
    } else if (event instanceof GatewayEvent.DegradedDecision) {
      degradedDecisions.increment();
    }
  }

  private static <K, V> V cached(ConcurrentMap<K, V> cache, K key, Function<K, V> register) {
    V meter = cache.get(key);
    if (meter == null) {
      // Registering outside the map's lock; two threads racing get the same meter from the registry.
      meter = register.apply(key);
      cache.putIfAbsent(key, meter);
    }
    return meter;
  }

  private static String method(String method) {
    return switch (method) {
      case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" -> method;
      default -> "OTHER";
    };
  }

  private static String tagValue(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private Timer requestTimer(RequestKey key) {
    return Timer.builder("gatehouse.requests")
        .description("Requests the gateway finished, from their arrival to the end of their response")
        .tags(Tags.of(
            "route", key.route(),
            "method", key.method(),
            "status", Integer.toString(key.status()),
            "outcome", Outcome.forStatus(key.status()).name(),
            "target", key.target()))
        .publishPercentileHistogram(percentileHistogram)
        .register(registry);
  }

  private Timer upstreamTimer(RouteTarget key) {
    return Timer.builder("gatehouse.upstream.duration")
        .description("Time spent in upstream calls until their response heads")
        .tags("route", key.route(), "target", key.target())
        .publishPercentileHistogram(percentileHistogram)
        .register(registry);
  }

  private Sizes sizes(String route) {
    return new Sizes(
        DistributionSummary.builder("gatehouse.request.size")
            .description("Request body bytes the gateway read")
            .baseUnit(BaseUnits.BYTES)
            .tag("route", route)
            .register(registry),
        DistributionSummary.builder("gatehouse.response.size")
            .description("Response body bytes the gateway sent")
            .baseUnit(BaseUnits.BYTES)
            .tag("route", route)
            .register(registry));
  }

  private Counter rejectionCounter(RouteRejection key) {
    return Counter.builder("gatehouse.rejections")
        .description("Requests the gateway answered by itself instead of with an upstream's answer")
        .tags("reason", tagValue(key.reason()), "route", key.route())
        .register(registry);
  }

  private Counter cacheCounter(RouteCache key) {
    return Counter.builder("gatehouse.cache.requests")
        .description("Requests to routes with a response cache, by what the cache did")
        .tags("outcome", tagValue(key.outcome()), "route", key.route())
        .register(registry);
  }

  /** A route and what its cache did: the key of a cache counter. */
  private record RouteCache(String route, io.gatehouse.cache.CacheOutcome outcome) {}

  private void circuitChanged(String circuit, TargetStatus.Circuit state) {
    AtomicReference<TargetStatus.Circuit> current = circuits.get(circuit);
    if (current == null) {
      AtomicReference<TargetStatus.Circuit> created = new AtomicReference<>(state);
      current = circuits.putIfAbsent(circuit, created);
      if (current == null) {
        for (TargetStatus.Circuit shown : CIRCUIT_STATES) {
          Gauge.builder("gatehouse.circuit.state", created, c -> c.get() == shown ? 1 : 0)
              .description("1 for the current state of a circuit breaker, 0 for the others")
              .tags("circuit", circuit, "state", tagValue(shown))
              .strongReference(true)
              .register(registry);
        }
        return;
      }
    }
    current.set(state);
  }

  /** A figure of the watched gateway's connection pool, NaN without one. */
  private double pool(String state) {
    Gateway gateway = watched;
    return gateway == null ? Double.NaN : gateway.connectionPool().map(p -> (double) switch (state) {
      case "leased" -> p.leased();
      case "pending" -> p.pending();
      case "available" -> p.available();
      default -> p.max();
    }).orElse(Double.NaN);
  }

  // MultiGauge rows, so that targets removed by discovery disappear; each row's value looks its
  // group or target up by name in a fresh upstreams() (NaN if it is gone), so values are never stale.
  private void refreshTargets() {
    if (refreshes.getAndIncrement() != 0) {
      return;
    }
    boolean finished = false;
    try {
      int missed = 1;
      do {
        Gateway gateway = watched;
        if (gateway != null) {
          registerTargets(gateway.upstreams());
        }
        missed = refreshes.addAndGet(-missed);
      } while (missed != 0);
      finished = true;
    } finally {
      if (!finished) {
        refreshes.set(0);
      }
    }
  }

  private void registerTargets(List<UpstreamStatus> groups) {
    List<MultiGauge.Row<?>> counts = new ArrayList<>();
    List<MultiGauge.Row<?>> active = new ArrayList<>();
    List<MultiGauge.Row<?>> healthy = new ArrayList<>();
    for (UpstreamStatus group : groups) {
      String name = group.name();
      counts.add(MultiGauge.Row.of(Tags.of("upstream", name, "state", "available"),
          () -> groupValue(name, g -> g.available())));
      counts.add(MultiGauge.Row.of(Tags.of("upstream", name, "state", "unavailable"),
          () -> groupValue(name, g -> g.targets().size() - g.available())));
      for (TargetStatus target : group.targets()) {
        String url = target.url();
        knownTargets.add(url);
        Tags tags = Tags.of("upstream", name, "target", url);
        active.add(MultiGauge.Row.of(tags, () -> targetValue(name, url, t -> t.inFlight())));
        healthy.add(MultiGauge.Row.of(tags,
            () -> targetValue(name, url, t -> t.health() == TargetStatus.Health.HEALTHY ? 1 : 0)));
      }
    }
    targetCounts.register(counts, false);
    activeRequests.register(active, false);
    targetHealthy.register(healthy, false);
  }

  private Double groupValue(String name, ToDoubleFunction<UpstreamStatus> value) {
    Gateway gateway = watched;
    if (gateway != null) {
      for (UpstreamStatus group : gateway.upstreams()) {
        if (group.name().equals(name)) {
          return value.applyAsDouble(group);
        }
      }
    }
    return Double.NaN;
  }

  private Double targetValue(String upstream, String url, ToDoubleFunction<TargetStatus> value) {
    Gateway gateway = watched;
    if (gateway != null) {
      for (UpstreamStatus group : gateway.upstreams()) {
        if (group.name().equals(upstream)) {
          for (TargetStatus target : group.targets()) {
            if (target.url().equals(url)) {
              return value.applyAsDouble(target);
            }
          }
        }
      }
    }
    return Double.NaN;
  }

  private record RequestKey(String route, String method, int status, String target) {}

  private record RouteTarget(String route, String target) {}

  private record RouteRejection(String route, Rejection reason) {}

  private record Sizes(DistributionSummary request, DistributionSummary response) {}
}
