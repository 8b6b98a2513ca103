package io.gatehouse.upstream;

import io.gatehouse.filter.RequestKey;
import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * A group of targets that a route sends its requests to: a static list or a
 * {@link ServiceDiscovery}, a {@link LoadBalancing} strategy, active {@link HealthCheck}s and
 * passive {@link OutlierDetection}, a {@link CircuitBreaker} per target, concurrency caps and
 * timeouts. Routes that use upstreams of the same {@link #named name} share one group at run time
 * (one health state, one rotation); two different upstreams of one name fail {@code build()}.
 * An unnamed upstream belongs to its route alone.
 *
 * <p>Targets that are unhealthy, ejected, behind an open circuit or at their concurrency cap take
 * no request. When no target may take one, the request gets 503, unless {@link #panicMode(boolean) panic mode} is on
 * and every target is unhealthy: then health is ignored and all of them take traffic.
 *
 * <pre>{@code
 * Upstream orders = Upstream.of("http://orders-1:8080", "http://orders-2:8080")
 *     .named("orders")
 *     .leastRequests()
 *     .healthCheck(HealthCheck.http("/health").interval(Duration.ofSeconds(5)))
 *     .outlierDetection(OutlierDetection.consecutiveFailures(5))
 *     .maxRequestsPerTarget(200, Upstream.WhenFull.TRY_ANOTHER);
 * gateway.route("orders", r -> r.path("/orders/**").upstream(orders))
 *        .route("orders-admin", r -> r.path("/admin/orders/**").upstream(orders));
 * }</pre>
 *
 * @since 0.1
 */
public final class Upstream {
  private final Optional<String> name;
  private final List<Target> targets;
  private final Optional<ServiceDiscovery> discovery;
  private final Duration refreshInterval;
  private final LoadBalancing balancing;
  private final Optional<RequestKey> hashKey;
  private final Optional<HealthCheck> healthCheck;
  private final Optional<OutlierDetection> outlierDetection;
  private final boolean panicMode;
  private final OptionalInt maxRequestsPerTarget;
  private final WhenFull whenFull;
  private final OptionalInt maxRequests;
  private final Optional<CircuitBreaker> circuitBreaker;
  private final Optional<Duration> connectTimeout;
  private final Optional<Duration> responseTimeout;
  private final Optional<UpstreamTls> tls;
  private final boolean http2;

  // Package-private, not private: UpstreamInvariantsTest pins the check that no setter can trip.
  Upstream(Optional<String> name, List<Target> targets, Optional<ServiceDiscovery> discovery,
      Duration refreshInterval, LoadBalancing balancing, Optional<RequestKey> hashKey,
      Optional<HealthCheck> healthCheck, Optional<OutlierDetection> outlierDetection, boolean panicMode,
      OptionalInt maxRequestsPerTarget, WhenFull whenFull, OptionalInt maxRequests,
      Optional<CircuitBreaker> circuitBreaker, Optional<Duration> connectTimeout,
      Optional<Duration> responseTimeout) {
    this(name, targets, discovery, refreshInterval, balancing, hashKey, healthCheck, outlierDetection, panicMode,
        maxRequestsPerTarget, whenFull, maxRequests, circuitBreaker, connectTimeout, responseTimeout, Optional.empty(), false);
  }

  private Upstream(Optional<String> name, List<Target> targets, Optional<ServiceDiscovery> discovery,
      Duration refreshInterval, LoadBalancing balancing, Optional<RequestKey> hashKey,
      Optional<HealthCheck> healthCheck, Optional<OutlierDetection> outlierDetection, boolean panicMode,
      OptionalInt maxRequestsPerTarget, WhenFull whenFull, OptionalInt maxRequests,
      Optional<CircuitBreaker> circuitBreaker, Optional<Duration> connectTimeout,
      Optional<Duration> responseTimeout, Optional<UpstreamTls> tls, boolean http2) {
    Objects.requireNonNull(name, "name");
    targets = List.copyOf(targets);
    Objects.requireNonNull(discovery, "discovery");
    Check.positive("refreshInterval", refreshInterval);
    Objects.requireNonNull(balancing, "balancing");
    Objects.requireNonNull(hashKey, "hashKey");
    Objects.requireNonNull(healthCheck, "healthCheck");
    Objects.requireNonNull(outlierDetection, "outlierDetection");
    Objects.requireNonNull(maxRequestsPerTarget, "maxRequestsPerTarget");
    Objects.requireNonNull(whenFull, "whenFull");
    Objects.requireNonNull(maxRequests, "maxRequests");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    if (discovery.isPresent() == !targets.isEmpty()) {
      throw new IllegalArgumentException("targets: " + targets.size()
          + " with discovery " + discovery.isPresent() + " (expected: static targets or a discovery, not both)");
    }
    if ((balancing == LoadBalancing.CONSISTENT_HASH) != hashKey.isPresent()) {
      throw new IllegalArgumentException("hashKey: " + Text.valueOrNone(hashKey) + " (expected: exactly with consistent hashing)");
    }
    this.name = name;
    this.targets = targets;
    this.discovery = discovery;
    this.refreshInterval = refreshInterval;
    this.balancing = balancing;
    this.hashKey = hashKey;
    this.healthCheck = healthCheck;
    this.outlierDetection = outlierDetection;
    this.panicMode = panicMode;
    this.maxRequestsPerTarget = maxRequestsPerTarget;
    this.whenFull = whenFull;
    this.maxRequests = maxRequests;
    this.circuitBreaker = circuitBreaker;
    this.connectTimeout = connectTimeout;
    this.responseTimeout = responseTimeout;
    this.tls = Objects.requireNonNull(tls, "tls");
    this.http2 = http2;
  }

  /**
   * The name that routes share the group by; empty for a route's own group.
   *
   * @return the setting
   */
  public Optional<String> name() {
    return name;
  }

  /**
   * The static targets; empty when discovered.
   *
   * @return the setting
   */
  public List<Target> targets() {
    return targets;
  }

  /**
   * Where the targets come from when they change at run time.
   *
   * @return the setting
   */
  public Optional<ServiceDiscovery> discovery() {
    return discovery;
  }

  /**
   * How often the discovery is asked.
   *
   * @return the setting
   */
  public Duration refreshInterval() {
    return refreshInterval;
  }

  /**
   * How a target is picked.
   *
   * @return the setting
   */
  public LoadBalancing balancing() {
    return balancing;
  }

  /**
   * The key of {@link LoadBalancing#CONSISTENT_HASH}.
   *
   * @return the setting
   */
  public Optional<RequestKey> hashKey() {
    return hashKey;
  }

  /**
   * The active health check.
   *
   * @return the setting
   */
  public Optional<HealthCheck> healthCheck() {
    return healthCheck;
  }

  /**
   * The passive health check.
   *
   * @return the setting
   */
  public Optional<OutlierDetection> outlierDetection() {
    return outlierDetection;
  }

  /**
   * Whether all targets take traffic when every one is unhealthy.
   *
   * @return the setting
   */
  public boolean panicMode() {
    return panicMode;
  }

  /**
   * The most requests in flight to one target.
   *
   * @return the setting
   */
  public OptionalInt maxRequestsPerTarget() {
    return maxRequestsPerTarget;
  }

  /**
   * What a request does when its target is at its cap.
   *
   * @return the setting
   */
  public WhenFull whenFull() {
    return whenFull;
  }

  /**
   * The most requests in flight to the whole group.
   *
   * @return the setting
   */
  public OptionalInt maxRequests() {
    return maxRequests;
  }

  /**
   * A circuit breaker for each target.
   *
   * @return the setting
   */
  public Optional<CircuitBreaker> circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * The connect timeout of this upstream's calls, unless the route sets one.
   *
   * @return the setting
   */
  public Optional<Duration> connectTimeout() {
    return connectTimeout;
  }

  /**
   * The response timeout of this upstream's calls, unless the route sets one.
   *
   * @return the setting
   */
  public Optional<Duration> responseTimeout() {
    return responseTimeout;
  }

  /**
   * How the gateway speaks TLS to this upstream's https targets; empty: it trusts what the JVM
   * trusts and presents no client certificate.
   *
   * @return the setting
   * @since 0.2
   */
  public Optional<UpstreamTls> tls() {
    return tls;
  }

  /**
   * Whether the gateway offers HTTP/2 to this upstream's https targets.
   *
   * @return the setting
   * @since 0.2
   */
  public boolean http2() {
    return http2;
  }

  /**
   * Whether another Upstream has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Upstream o && name.equals(o.name)
        && targets.equals(o.targets)
        && discovery.equals(o.discovery)
        && refreshInterval.equals(o.refreshInterval)
        && balancing.equals(o.balancing)
        && hashKey.equals(o.hashKey)
        && healthCheck.equals(o.healthCheck)
        && outlierDetection.equals(o.outlierDetection)
        && panicMode == o.panicMode
        && maxRequestsPerTarget.equals(o.maxRequestsPerTarget)
        && whenFull.equals(o.whenFull)
        && maxRequests.equals(o.maxRequests)
        && circuitBreaker.equals(o.circuitBreaker)
        && connectTimeout.equals(o.connectTimeout)
        && responseTimeout.equals(o.responseTimeout)
        && tls.equals(o.tls)
        && http2 == o.http2;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(name, targets, discovery, refreshInterval, balancing, hashKey, healthCheck, outlierDetection, panicMode, maxRequestsPerTarget, whenFull, maxRequests, circuitBreaker, connectTimeout, responseTimeout, tls, http2);
  }

  /**
   * Round robin over targets of weight 1.
   *
   * @param urls the targets' base URLs, at least one
   * @return the upstream
   */
  public static Upstream of(String... urls) {
    if (urls.length == 0) {
      throw new IllegalArgumentException("targets: none (expected: at least one URL)");
    }
    return of(Arrays.stream(urls).map(Target::of).toArray(Target[]::new));
  }

  /**
   * Round robin over weighted targets.
   *
   * @param targets at least one
   * @return the upstream
   */
  public static Upstream of(Target... targets) {
    if (targets.length == 0) {
      throw new IllegalArgumentException("targets: none (expected: at least one target)");
    }
    return new Upstream(Optional.empty(), List.of(targets), Optional.empty(), Duration.ofSeconds(30),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty(), Optional.empty(), false,
        OptionalInt.empty(), WhenFull.TRY_ANOTHER, OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Round robin over targets that a discovery finds, asked again every {@code refreshInterval}.
   *
   * @param discovery the discovery
   * @param refreshInterval more than zero
   * @return the upstream
   */
  public static Upstream discover(ServiceDiscovery discovery, Duration refreshInterval) {
    Objects.requireNonNull(discovery, "discovery");
    return new Upstream(Optional.empty(), List.of(), Optional.of(discovery), refreshInterval,
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty(), Optional.empty(), false,
        OptionalInt.empty(), WhenFull.TRY_ANOTHER, OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Replaces the static targets, keeping every other setting (for tools that point a
   * configuration elsewhere, such as a test's redirect to local stubs).
   *
   * <p>{@code upstream.targets(List.of(Target.of("http://localhost:8081")))}
   *
   * @param targets at least one; an upstream that discovers its targets takes none
   * @return a changed copy
   * @since 0.1
   */
  public Upstream targets(List<Target> targets) {
    return new Upstream(name, List.copyOf(targets), discovery, refreshInterval, balancing, hashKey, healthCheck,
        outlierDetection, panicMode, maxRequestsPerTarget, whenFull, maxRequests, circuitBreaker, connectTimeout,
        responseTimeout, tls, http2);
  }

  /**
   * Names the group, so that routes using upstreams of this name share it.
   *
   * @param name letters, digits, {@code .}, {@code _} and {@code -}
   * @return a changed copy
   */
  public Upstream named(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9._-]{1,128}")) {
      throw new IllegalArgumentException("upstream name: '" + name + "' (expected: 1 to 128 of letters, digits, '.', '_', '-')");
    }
    return with(d -> d.name = Optional.of(name));
  }

  /**
   * Picks targets by smooth weighted round robin (the default).
   *
   * @return a changed copy
   */
  public Upstream roundRobin() {
    return with(d -> {
      d.balancing = LoadBalancing.ROUND_ROBIN;
      d.hashKey = Optional.empty();
    });
  }

  /**
   * Picks targets at random, in proportion to their weights.
   *
   * @return a changed copy
   */
  public Upstream random() {
    return with(d -> {
      d.balancing = LoadBalancing.RANDOM;
      d.hashKey = Optional.empty();
    });
  }

  /**
   * Picks the less busy of two random targets.
   *
   * @return a changed copy
   */
  public Upstream leastRequests() {
    return with(d -> {
      d.balancing = LoadBalancing.LEAST_REQUESTS;
      d.hashKey = Optional.empty();
    });
  }

  /**
   * Sends requests with the same key to the same target; requests without a value for the key go
   * to a weighted random target. The key is read after authentication, so
   * {@link RequestKey#consumer()} works here.
   *
   * <p>{@code Upstream.of(a, b, c).consistentHash(RequestKey.cookie("session"))}
   *
   * @param key what part of the request is the key
   * @return a changed copy
   */
  public Upstream consistentHash(RequestKey key) {
    Objects.requireNonNull(key, "key");
    return with(d -> {
      d.balancing = LoadBalancing.CONSISTENT_HASH;
      d.hashKey = Optional.of(key);
    });
  }

  /**
   * Checks each target actively.
   *
   * @param check the check
   * @return a changed copy
   */
  public Upstream healthCheck(HealthCheck check) {
    Objects.requireNonNull(check, "check");
    return with(d -> d.healthCheck = Optional.of(check));
  }

  /**
   * Checks each target with {@code GET path} and the defaults of {@link HealthCheck#http(String)}.
   *
   * @param path such as {@code /health}
   * @return a changed copy
   */
  public Upstream healthCheck(String path) {
    return healthCheck(HealthCheck.http(path));
  }

  /**
   * Ejects targets that keep failing.
   *
   * @param detection the detection
   * @return a changed copy
   */
  public Upstream outlierDetection(OutlierDetection detection) {
    Objects.requireNonNull(detection, "detection");
    return with(d -> d.outlierDetection = Optional.of(detection));
  }

  /**
   * Sets whether every target takes traffic when all of them are unhealthy or ejected, instead of
   * 503 (off by default).
   *
   * @param on true to turn panic mode on
   * @return a changed copy
   */
  public Upstream panicMode(boolean on) {
    return with(d -> d.panicMode = on);
  }

  /**
   * Caps the requests in flight to each target.
   *
   * @param max at least 1
   * @param whenFull whether a request finds another target or gets 503 when its target is full
   * @return a changed copy
   */
  public Upstream maxRequestsPerTarget(int max, WhenFull whenFull) {
    Check.atLeast("maxRequestsPerTarget", max, 1);
    Objects.requireNonNull(whenFull, "whenFull");
    return with(d -> {
      d.maxRequestsPerTarget = OptionalInt.of(max);
      d.whenFull = whenFull;
    });
  }

  /**
   * Caps the requests in flight to the whole group; beyond it, 503.
   *
   * @param max at least 1
   * @return a changed copy
   */
  public Upstream maxRequests(int max) {
    Check.atLeast("maxRequests", max, 1);
    return with(d -> d.maxRequests = OptionalInt.of(max));
  }

  /**
   * Gives each target its own circuit breaker; a target whose circuit is open takes no request.
   *
   * @param breaker the breaker's settings
   * @return a changed copy
   */
  public Upstream circuitBreaker(CircuitBreaker breaker) {
    Objects.requireNonNull(breaker, "breaker");
    return with(d -> d.circuitBreaker = Optional.of(breaker));
  }

  /**
   * Bounds the time to open a connection to a target, unless the route sets its own.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public Upstream connectTimeout(Duration timeout) {
    Check.positive("connectTimeout", timeout);
    return with(d -> d.connectTimeout = Optional.of(timeout));
  }

  /**
   * Bounds how long a target may stay silent, unless the route sets its own.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public Upstream responseTimeout(Duration timeout) {
    Check.positive("responseTimeout", timeout);
    return with(d -> d.responseTimeout = Optional.of(timeout));
  }

  /**
   * Sets how the gateway speaks TLS to this upstream's https targets: whom it trusts, the client
   * certificate it presents, the server name it checks. {@code build()} fails if no target (and
   * no discovery) can use it, that is when every target is plain {@code http}.
   *
   * <p>{@code Upstream.of("https://orders:8443").tls(UpstreamTls.trustedCas(Path.of("ca.pem")))}
   *
   * @param tls the setting
   * @return a changed copy
   * @since 0.2
   */
  public Upstream tls(UpstreamTls tls) {
    Objects.requireNonNull(tls, "tls");
    return with(d -> d.tls = Optional.of(tls));
  }

  /**
   * Sets whether the gateway offers HTTP/2 to this upstream's https targets (off by default): the
   * TLS handshake offers {@code h2} and {@code http/1.1} (ALPN) and the connection speaks the one
   * the target picks, so a target without HTTP/2 is still reached over HTTP/1.1. Plain-{@code http}
   * targets are always called with HTTP/1.1; {@code build()} fails if every target is plain.
   *
   * @param on true to offer HTTP/2
   * @return a changed copy
   * @since 0.2
   */
  public Upstream http2(boolean on) {
    return with(d -> d.http2 = on);
  }

  private Upstream with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new Upstream(d.name, targets, discovery, refreshInterval, d.balancing, d.hashKey, d.healthCheck,
        d.outlierDetection, d.panicMode, d.maxRequestsPerTarget, d.whenFull, d.maxRequests, d.circuitBreaker,
        d.connectTimeout, d.responseTimeout, d.tls, d.http2);
  }

  @Override
  public String toString() {
    return "Upstream[" + name.orElse("unnamed") + ", "
        + (discovery.isPresent() ? discovery.get().toString() : targets.toString()) + ", " + balancing + "]";
  }

  /** What a request does when the target picked for it is at its concurrency cap. */
  public enum WhenFull {
    /** It goes to another target that has room; 503 when none has. */
    TRY_ANOTHER,
    /** It gets 503 at once. */
    FAIL_FAST
  }

  /** The fields a copying setter may change. */
  private static final class Draft {
    Optional<String> name;
    LoadBalancing balancing;
    Optional<RequestKey> hashKey;
    Optional<HealthCheck> healthCheck;
    Optional<OutlierDetection> outlierDetection;
    boolean panicMode;
    OptionalInt maxRequestsPerTarget;
    WhenFull whenFull;
    OptionalInt maxRequests;
    Optional<CircuitBreaker> circuitBreaker;
    Optional<Duration> connectTimeout;
    Optional<Duration> responseTimeout;
    Optional<UpstreamTls> tls;
    boolean http2;

    Draft(Upstream u) {
      name = u.name;
      balancing = u.balancing;
      hashKey = u.hashKey;
      healthCheck = u.healthCheck;
      outlierDetection = u.outlierDetection;
      panicMode = u.panicMode;
      maxRequestsPerTarget = u.maxRequestsPerTarget;
      whenFull = u.whenFull;
      maxRequests = u.maxRequests;
      circuitBreaker = u.circuitBreaker;
      connectTimeout = u.connectTimeout;
      responseTimeout = u.responseTimeout;
      tls = u.tls;
      http2 = u.http2;
    }
  }
}
