package io.gatehouse;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestHandler;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.Response;
import io.gatehouse.http.UnderscoreHeaders;
import io.gatehouse.internal.Check;
import io.gatehouse.metering.Metering;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Tracing;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitHeaders;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.GatewayCompiler;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.UpstreamStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * An API gateway: a route table compiled once into an immutable, thread-safe filter chain.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .route("orders", r -> r.path("/api/orders/**").methods("GET", "POST")
 *         .stripPrefix(1).upstream("http://orders:8080"))
 *     .route("health", r -> r.path("/health").respond(200, "text/plain", "up"))
 *     .build();
 * }</pre>
 *
 * <p><b>Request path.</b> Every request goes through these stages, in this order:
 * <ol>
 *   <li>ingress checks, once, before anything else reads the request: the limits of
 *       {@link Builder#requestLimits} (414 for the target and query parameters, 431 for the
 *       headers); header values with control bytes get 400; header names with {@code _} are
 *       dropped (or 400, see {@link Builder#underscoreHeaders}); hop-by-hop headers are removed:
 *       the fixed set ({@code Connection}, {@code Keep-Alive}, {@code TE}, {@code Trailer},
 *       {@code Transfer-Encoding}, {@code Upgrade}, {@code Proxy-Authorization},
 *       {@code Proxy-Authenticate}, {@code Proxy-Connection}) and what {@code Connection} names,
 *       except that a {@code Connection} token naming a header the gateway relies on
 *       ({@code Host}, {@code Authorization}, {@code Cookie}, {@code Content-Length},
 *       {@code Content-Type}, the forwarding and identity headers, {@code X-Request-Id}, the trace
 *       context) is ignored; from a peer that is not a trusted proxy, every header that upstream
 *       frameworks read as routing or origin information ({@code X-Forwarded-*},
 *       {@code Forwarded}, {@code X-Original-URL}, {@code X-Real-IP}, ...) is removed, and from
 *       any peer those the gateway does not vouch for. Every answer here is problem+json with
 *       {@code Connection: close};
 *   <li>method: methods are case-sensitive; one the gateway does not know ({@code GET HEAD POST
 *       PUT DELETE CONNECT OPTIONS TRACE PATCH} and {@link Builder#extensionMethods}) gets 501;
 *       method-override headers and the {@code _method} query parameter are removed, or, with
 *       {@link Builder#methodOverride}, turn a POST into PUT, PATCH or DELETE for everything after;
 *   <li>normalize: the path is percent-decoded where that is unambiguous, dot segments are
 *       removed and repeated slashes merged; an ambiguous path (encoded {@code /} or {@code \},
 *       {@code %00}, bad percent-encoding, {@code ..} above the root, path parameters after
 *       {@code ;}) gets 400;
 *   <li>route: the first declared route whose every predicate matches wins; if none does, 404,
 *       or 405 with {@code Allow} when some route matches all but the method. A route naming GET
 *       takes HEAD too; CONNECT and TRACE go only to routes that name them. Paths match
 *       case-sensitively unless {@link Builder#caseInsensitivePaths}. A CORS preflight goes to the
 *       route its actual request would go to (routed with the method it asks about), when that
 *       route has a CORS policy;
 *   <li>the body limit: a declared {@code Content-Length} over the route's
 *       {@link RouteBuilder#maxRequestBody(long) maxRequestBody} (or the gateway's
 *       {@link RequestLimits#maxBodyBytes()}) gets 413 with {@code Connection: close}; a body that
 *       grows past it later fails and aborts the upstream call (413 if no response has started);
 *   <li>CORS, on a route with a {@link io.gatehouse.edge.Cors} policy (its own or
 *       {@link Builder#cors}): a preflight is answered here, before the filters and auth, and never
 *       reaches the upstream; every other response of the route, the upstream's or one the gateway
 *       makes (401, 413, 429, 502, ...), gets the CORS headers its origin earns on the way out;
 *   <li>the route's compression ({@link RouteBuilder#compression}): whatever answers from here on
 *       is gzip-compressed on the way out for a client that accepts it, so every filter and stage
 *       below sees uncompressed bodies;
 *   <li>global filters ({@link Builder#filter}), in order;
 *   <li>IP rules: the route's {@link io.gatehouse.edge.IpRules} (or the gateway's,
 *       {@link Builder#ipRules}) refuse a client address with 403, the address being the one the
 *       trusted proxies let be known;
 *   <li>pre-auth rate limits: the limits marked {@code RateLimit.beforeAuth()} (per client IP,
 *       route or header), so that floods get 429 before any credential is checked;
 *   <li>auth: identity headers sent by the client are removed; the route's {@link Auth} (or the
 *       gateway's default) authenticates the request (401 with {@code WWW-Authenticate} if it
 *       cannot), the route's access rules authorize it (403), and the principal's identity
 *       headers are set;
 *   <li>rate limits: the gateway's, then the route's; a request over any gets 429 with
 *       {@code Retry-After} (or waits for its turn, if the limit throttles);
 *   <li>quotas of the principal's usage plan: 429 until the window's end;
 *   <li>the route's concurrency limit: 503 beyond it, or a bounded wait in its queue;
 *   <li>the route's request validation ({@link RouteBuilder#validate}): the head is checked
 *       (415 for a content type the contract does not take), the body is read up to the
 *       validation's cap (413 past it) and checked, an invalid request gets 400 problem+json
 *       with an {@code errors} list, and a valid body is replayed to the upstream unchanged;
 *   <li>route filters ({@link RouteBuilder#filter}), in order;
 *   <li>the route's body transformations ({@link RouteBuilder#transformRequest},
 *       {@link RouteBuilder#transformResponse}): the request body is rewritten on its way to the
 *       cache and upstream, the response body (the upstream's or a stored one) on its way back;
 *   <li>the route's response cache ({@link RouteBuilder#cache}): a fresh stored answer is served
 *       here (so it passed the IP rules, auth, limits and filters above, and its key can read
 *       headers the filters set), a miss goes on to the upstream once per key, and an unsafe
 *       method's success removes the stored answers of its URI;
 *   <li>request header changes, strip-prefix and rewrite;
 *   <li>the terminal: the upstream, or the static response. Proxying runs, in this order: the
 *       route's circuit breaker (503 or the fallback while open); the traffic split (rules, then
 *       weights) that picks the upstream group; the mirror copy, sent on the side; then one
 *       attempt after another within the route's {@code timeout} (504 past it), each one: the
 *       group's cap, a target picked by the group's load balancing among the available targets
 *       (503 when none is), the target's cap and circuit, the call with its connect and response
 *       timeouts cut to the deadline; its outcome feeds outlier detection and the breakers, and
 *       the route's {@link io.gatehouse.upstream.Retry} decides on another attempt. Response
 *       header changes apply on the way out.
 *   <li>on every response, the upstream's and the gateway's own alike, last: the route's
 *       {@link io.gatehouse.edge.SecurityHeaders} (or the gateway's, {@link Builder#securityHeaders}),
 *       then the request id ({@link Builder#echoRequestId}).
 * </ol>
 *
 * <p><b>Errors.</b> Every response the gateway makes by itself is {@code application/problem+json}
 * (RFC 9457) with {@code type}, {@code title}, {@code status}, {@code detail} and
 * {@code requestId}; upstream responses pass through untouched. {@link #handle} never completes
 * exceptionally.
 *
 * <p><b>Lifecycle.</b> A gateway owns an upstream client; {@link #close()} releases it. To change
 * the configuration, build a new gateway and swap it in (the adapters hold it in a swappable
 * reference); requests in flight finish on the old one.
 *
 * <p><b>Implementations.</b> Gateways come from {@link Builder#build()}, which finds the compiler
 * in {@code gateway-impl}. Code that only serves requests (an adapter's request bridge, the admin
 * endpoints, a test double of a server) takes the narrower {@link RequestHandler}, which this
 * interface extends.
 *
 * @since 0.1
 */
public interface Gateway extends RequestHandler, AutoCloseable {

  /**
   * Starts a gateway description.
   *
   * @return an empty builder
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Handles one request. Adapters call this; it does not block.
   *
   * <p>Threading: the stage may complete on the calling thread (local responses) or on an
   * upstream client thread. The response body streams; subscribe to it to receive the bytes.
   * Cancelling the returned stage's {@code toCompletableFuture()} aborts the upstream call.
   *
   * @param request the request as received, with the path relative to where the gateway is mounted
   * @return the response; never completes exceptionally
   */
  @Override
  CompletionStage<Response> handle(Request request);

  /**
   * The description this gateway was built from.
   *
   * @return the spec
   */
  GatewaySpec spec();

  /**
   * The state of every upstream group now: each target's health, circuit and requests in flight.
   * Groups are listed in the order routes first use them.
   *
   * @return one status per group
   */
  List<UpstreamStatus> upstreams();

  /**
   * Explains how this gateway routes a request, without handling it: the route that matches,
   * why each route declared before it does not, and the stages that would run. No filter runs
   * and no upstream is called; custom route predicates run as they do when routing. Slower than
   * routing, since every route is examined in declaration order: meant for tests and diagnostics.
   *
   * <pre>{@code
   * System.out.println(gateway.explain(Request.builder("GET", "/api/orders/7").build()));
   * }</pre>
   *
   * @param request the request as an adapter passes it to {@link #handle}; its body is not read
   * @return the explanation, whether or not the gateway is closed
   * @since 0.1
   */
  RouteExplanation explain(Request request);

  /**
   * The stages of every route, in declaration order: route id to the names of the stages that
   * handle the route's requests, in order (the CORS stage, global filters, the built-in stages,
   * the route's filters, then the upstream or the static response), as {@link RouteExplanation#chain()} and
   * the gateway's logs name them. Meant for diagnostics, such as an admin endpoint that shows the
   * compiled route table.
   *
   * <pre>{@code
   * gateway.chains().forEach((route, stages) -> System.out.println(route + ": " + String.join(" -> ", stages)));
   * }</pre>
   *
   * @return an unmodifiable map that iterates in declaration order
   * @since 0.1
   */
  Map<String, List<String>> chains();

  /**
   * The usage metered so far, per consumer and route, in the windows kept: see
   * {@link Builder#metering(Metering)}. Empty without metering.
   *
   * <p>{@code long acmeCalls = gateway.usage().forConsumer("acme").totals().requests();}
   *
   * @return the windows, oldest first
   */
  UsageReport usage();

  /**
   * This configuration's version: the builder's {@link Builder#version(String) label}, or one made
   * at {@code build()} from the build time and a random suffix.
   *
   * <p>{@code log.info("serving configuration {}", gateway.version());}
   *
   * @return the version
   */
  String version();

  /**
   * The state of the upstream client's connection pool now (connections leased, calls waiting,
   * idle connections, the cap), for metrics. Empty when the transport has no pool (the test
   * fixtures' stubs).
   *
   * <p>{@code gateway.connectionPool().map(ConnectionPoolStatus::pending).orElse(0)}
   *
   * @return the pool's state
   */
  Optional<ConnectionPoolStatus> connectionPool();

  /**
   * Takes over the run-time state of a gateway this one replaces, for every part whose definition
   * (name and settings) is unchanged, so that a swap does not reset what clients and upstreams have
   * earned: the buckets of rate limits (global ones by name, a route's by route id and name), the
   * counts of quotas (by usage plan), a route's concurrency slots, circuit breakers (a route's by
   * route id, a target's with its target), retry budgets (by route id), the health-check and
   * outlier-ejection state of targets (by group name and target URL, when the group's health check,
   * outlier detection and breaker settings are unchanged) and the metering windows. From then on
   * both gateways share that state: requests still finishing on {@code previous} count in it too.
   * Changed, new and removed parts start fresh; so do the auth caches (keys are fetched again on
   * first use) and the requests in flight to each target. Nothing is taken when the two gateways
   * read different {@link TimeSource}s. The adapters' {@code swap} calls this; so does
   * {@link Builder#takeStateFrom}.
   *
   * <pre>{@code
   * Gateway next = Gateway.builder().takeStateFrom(current)...build();
   * }</pre>
   *
   * <p>The state this gateway gathered before the call is dropped for the parts taken over.
   *
   * @param previous the gateway this one replaces; may be closed already
   * @since 0.1
   */
  void takeStateFrom(Gateway previous);

  /**
   * The purge operations of one named response cache ({@code ResponseCache.shared(name)} on some
   * route).
   *
   * <p>{@code gateway.responseCache("products").ifPresent(cache -> cache.tag("sku-4711"));}
   *
   * @param name the cache's name
   * @return the purge operations; empty when no route of this gateway uses a cache of that name
   * @since 0.2
   */
  Optional<io.gatehouse.cache.ResponseCachePurge> responseCache(String name);

  /**
   * Releases the gateway's upstream client, its threads and connections. Idempotent. Upstream
   * calls still in flight are aborted: after swapping in a new gateway, close the old one once
   * the requests it holds have finished (a server's graceful stop waits for them).
   */
  @Override
  void close();

  /**
   * Declares a gateway. Not thread-safe; {@link #build()} may be called more than once.
   *
   * @since 0.1
   */
  final class Builder {
    private final List<RouteSpec> routes = new ArrayList<>();
    private final List<Filter> filters = new ArrayList<>();
    private final List<String> trustedProxies = new ArrayList<>();
    private TimeSource time = TimeSource.system();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration responseTimeout = Duration.ofSeconds(30);
    private Duration responseBodyIdleTimeout = Duration.ofMinutes(5);
    private UpstreamTransport transport;
    private Auth auth = Auth.none();
    private final List<ApiConsumer> consumers = new ArrayList<>();
    private ConsumerStore consumerStore;
    private IdentityHeaders identityHeaders = IdentityHeaders.defaults();
    private final List<RateLimit> rateLimits = new ArrayList<>();
    private RateLimitHeaders rateLimitHeaders = RateLimitHeaders.IETF_DRAFT_09;
    private RateLimitStore rateLimitStore;
    private RateLimitStore.Fallback rateLimitFallback = RateLimitStore.Fallback.LOCAL;
    private final Map<String, List<Quota>> usagePlans = new LinkedHashMap<>();
    private String defaultUsagePlan;
    private final List<GatewayObserver> observers = new ArrayList<>();
    private boolean accessLog = true;
    private Metering metering;
    private String version;
    private Tracing tracing;
    private RequestLimits requestLimits = RequestLimits.defaults();
    private UnderscoreHeaders underscoreHeaders = UnderscoreHeaders.DROP;
    private final Set<String> extensionMethods = new LinkedHashSet<>();
    private boolean methodOverride;
    private boolean caseInsensitivePaths;
    private io.gatehouse.upstream.ConnectionPool connectionPool = io.gatehouse.upstream.ConnectionPool.defaults();
    private io.gatehouse.route.ExchangeDeadline exchangeDeadline = io.gatehouse.route.ExchangeDeadline.none();
    private boolean echoRequestId = true;
    private io.gatehouse.edge.IpRules ipRules = io.gatehouse.edge.IpRules.any();
    private io.gatehouse.edge.SecurityHeaders securityHeaders = io.gatehouse.edge.SecurityHeaders.none();
    private io.gatehouse.edge.Cors cors = io.gatehouse.edge.Cors.none();
    private Gateway predecessor; // not part of the spec: run-time state, not configuration

    Builder() {}

    Builder(GatewaySpec spec) {
      routes.addAll(spec.routes());
      filters.addAll(spec.filters());
      time = spec.time();
      IngressSettings ingress = spec.ingress();
      trustedProxies.addAll(ingress.trustedProxies());
      requestLimits = ingress.requestLimits();
      underscoreHeaders = ingress.underscoreHeaders();
      extensionMethods.addAll(ingress.extensionMethods());
      methodOverride = ingress.methodOverride();
      caseInsensitivePaths = ingress.caseInsensitivePaths();
      echoRequestId = ingress.echoRequestId();
      ipRules = ingress.ipRules();
      securityHeaders = ingress.securityHeaders();
      UpstreamSettings upstreams = spec.upstreams();
      connectTimeout = upstreams.connectTimeout();
      responseTimeout = upstreams.responseTimeout();
      responseBodyIdleTimeout = upstreams.responseBodyIdleTimeout();
      exchangeDeadline = upstreams.exchangeDeadline();
      transport = upstreams.transport().orElse(null);
      connectionPool = upstreams.connectionPool();
      IdentitySettings identity = spec.identity();
      auth = identity.auth();
      consumers.addAll(identity.consumers());
      consumerStore = identity.consumerStore().orElse(null);
      identityHeaders = identity.headers();
      RateLimitSettings rateLimiting = spec.rateLimiting();
      rateLimits.addAll(rateLimiting.limits());
      rateLimitHeaders = rateLimiting.headers();
      rateLimitStore = rateLimiting.store().orElse(null);
      rateLimitFallback = rateLimiting.storeFallback();
      usagePlans.putAll(rateLimiting.usagePlans());
      defaultUsagePlan = rateLimiting.defaultUsagePlan().orElse(null);
      ObservationSettings observation = spec.observation();
      observers.addAll(observation.observers());
      accessLog = observation.accessLog();
      metering = observation.metering().orElse(null);
      version = observation.version().orElse(null);
      tracing = observation.tracing().orElse(null);
      cors = spec.cors();
    }

    /**
     * Declares a route. Routes are tried in declaration order; the first that matches wins.
     *
     * @param id a unique id: letters, digits, {@code .}, {@code _} and {@code -}
     * @param spec configures the route
     * @return this builder
     */
    public Builder route(String id, Consumer<RouteBuilder> spec) {
      Objects.requireNonNull(spec, "spec");
      RouteBuilder builder = RouteSpec.builder(id);
      spec.accept(builder);
      routes.add(builder.build());
      return this;
    }

    /**
     * Adds a route that is already described.
     *
     * @param route the route
     * @return this builder
     */
    public Builder route(RouteSpec route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /**
     * Replaces the routes with these, in order. Useful with {@link GatewaySpec#toBuilder()}.
     *
     * @param routes the routes
     * @return this builder
     */
    public Builder routes(List<RouteSpec> routes) {
      List<RouteSpec> copy = List.copyOf(routes);
      this.routes.clear();
      this.routes.addAll(copy);
      return this;
    }

    /**
     * Adds a global filter: it runs for every routed request, after routing and before the
     * route's own filters.
     *
     * @param filter the filter
     * @return this builder
     */
    public Builder filter(Filter filter) {
      filters.add(Objects.requireNonNull(filter, "filter"));
      return this;
    }

    /**
     * Replaces the global filters with these, in order. Useful with {@link GatewaySpec#toBuilder()}.
     *
     * @param filters the filters
     * @return this builder
     */
    public Builder filters(List<Filter> filters) {
      List<Filter> copy = List.copyOf(filters);
      this.filters.clear();
      this.filters.addAll(copy);
      return this;
    }

    /**
     * Sets the authentication of every route that does not set its own. Defaults to
     * {@link Auth#none()}: routes are public unless they, or this default, say otherwise.
     *
     * @param auth the default authentication
     * @return this builder
     */
    public Builder auth(Auth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /**
     * Declares a consumer, kept in an in-memory store. Ids and API keys must be unique (checked
     * at build()). Not together with {@link #consumers(ConsumerStore)}.
     *
     * @param consumer the consumer
     * @return this builder
     */
    public Builder consumer(ApiConsumer consumer) {
      consumers.add(Objects.requireNonNull(consumer, "consumer"));
      return this;
    }

    /**
     * Looks consumers up in this store (API keys and Basic auth). Not together with
     * {@link #consumer(ApiConsumer)}.
     *
     * @param store the store
     * @return this builder
     */
    public Builder consumers(ConsumerStore store) {
      this.consumerStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the headers that tell upstreams who is calling. Defaults to
     * {@link IdentityHeaders#defaults()}. Incoming copies are always removed.
     *
     * @param headers the identity headers
     * @return this builder
     */
    public Builder identityHeaders(IdentityHeaders headers) {
      this.identityHeaders = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Adds global rate limits, checked on every route after authentication and before the route's
     * own limits. A key's budget is shared by all routes (a consumer's 100/s is 100/s in all);
     * {@link RateLimit#perRoute} gives each route a budget of its own.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder rateLimit(RateLimit... limits) {
      for (RateLimit limit : limits) {
        rateLimits.add(Objects.requireNonNull(limit, "limit"));
      }
      return this;
    }

    /**
     * Sets which headers tell clients about their limits. Defaults to
     * {@link RateLimitHeaders#IETF_DRAFT_09}.
     *
     * @param headers the header set
     * @return this builder
     */
    public Builder rateLimitHeaders(RateLimitHeaders headers) {
      this.rateLimitHeaders = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Keeps every rate limit's state in a store that several gateway instances share (such as
     * Redis, with the {@code gateway-redis} module), so the limits hold across the cluster. A call
     * to the store that fails, or does not answer within its own timeout or at most a second,
     * puts the gateway in degraded mode (logged once on the way in and once on the way out). The
     * gateway does not close the store.
     *
     * @param store the shared store
     * @param whenDown what happens while the store cannot answer: {@link RateLimitStore.Fallback#LOCAL}
     *     (fail open to per-instance limits) or {@link RateLimitStore.Fallback#REJECT} (fail closed, 503)
     * @return this builder
     */
    @Unstable
    public Builder rateLimitStore(RateLimitStore store, RateLimitStore.Fallback whenDown) {
      this.rateLimitStore = Objects.requireNonNull(store, "store");
      this.rateLimitFallback = Objects.requireNonNull(whenDown, "whenDown");
      return this;
    }

    /**
     * Declares a usage plan: the quotas of every consumer whose plan it is
     * ({@code ApiConsumer.builder("acme").plan("pro")}). Quotas are checked after the rate limits;
     * a request over one gets 429 with {@code Retry-After} until the window's end.
     *
     * <p>{@code .usagePlan("free", Quota.perDay(1_000)).usagePlan("pro", Quota.perDay(100_000), Quota.perMonth(2_000_000))}
     *
     * @param plan the plan's name, as consumers name it
     * @param quotas its quotas, with distinct names
     * @return this builder
     */
    public Builder usagePlan(String plan, Quota... quotas) {
      Objects.requireNonNull(plan, "plan");
      if (plan.isBlank()) {
        throw new IllegalArgumentException("plan: '" + plan + "' (expected: a plan name)");
      }
      usagePlans.put(plan, List.of(quotas));
      return this;
    }

    /**
     * The plan of authenticated principals that have none (a JWT subject, a consumer without a
     * plan). Without it, they have no quota.
     *
     * @param plan a plan declared with {@link #usagePlan} (checked at build())
     * @return this builder
     */
    public Builder defaultUsagePlan(String plan) {
      this.defaultUsagePlan = Objects.requireNonNull(plan, "plan");
      return this;
    }

    /**
     * Sets where the gateway reads time: durations on its monotonic {@link TimeSource#nanoTime()},
     * calendar time (quota and metering windows, token expiry) on its wall clock. Defaults to
     * {@link TimeSource#system()}; tests pass the fixtures' {@code ManualClock}.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder time(TimeSource time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Trusts forwarding headers ({@code X-Forwarded-*}, {@code Forwarded}) from these peers. From
     * any other peer they are dropped and replaced. Checked at build().
     *
     * @param addressesOrCidrs such as {@code 10.0.0.0/8}, {@code 192.168.1.7} or {@code ::1}
     * @return this builder
     */
    public Builder trustedProxies(String... addressesOrCidrs) {
      for (String p : addressesOrCidrs) {
        trustedProxies.add(Objects.requireNonNull(p, "trustedProxy"));
      }
      return this;
    }

    /**
     * Sets which client addresses may send requests, on every route that sets no rules of its own
     * ({@link RouteBuilder#ipRules}); a refused request gets 403 problem+json before the pre-auth
     * rate limits and authentication. The address is the one the {@link #trustedProxies} let be
     * known. Defaults to {@link io.gatehouse.edge.IpRules#any()}; entries are checked at build().
     *
     * <p>{@code .ipRules(IpRules.allow("10.0.0.0/8", "2001:db8::/32").deny("10.66.0.0/16"))}
     *
     * @param rules the rules
     * @return this builder
     * @since 0.2
     */
    public Builder ipRules(io.gatehouse.edge.IpRules rules) {
      this.ipRules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * Sets the security headers of every response from a route that sets none of its own
     * ({@link RouteBuilder#securityHeaders}), and of the gateway's answers to requests that match no
     * route. Defaults to {@link io.gatehouse.edge.SecurityHeaders#none()}.
     *
     * <p>{@code .securityHeaders(SecurityHeaders.defaults())}
     *
     * @param headers the headers
     * @return this builder
     * @since 0.2
     */
    public Builder securityHeaders(io.gatehouse.edge.SecurityHeaders headers) {
      this.securityHeaders = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Sets the default upstream connect timeout; routes may override it. Defaults to 5 seconds.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Check.positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets the default upstream response timeout; routes may override it. Defaults to 30 seconds.
     * It bounds the upstream's silence until its response's head has arrived (504 past it), and
     * resets on every byte, also while the request body is sent; the pauses of the response body
     * are bounded by {@link #responseBodyIdleTimeout}.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = Check.positive("responseTimeout", timeout);
      return this;
    }

    /**
     * Sets the default pause allowed between bytes of an upstream's response body, once its head
     * has arrived; routes may override it. Defaults to 5 minutes (Envoy's stream idle timeout), so
     * that a quiet event stream ({@code text/event-stream}) is not cut while its upstream waits for
     * news. Past it the client's connection is closed, as the response has started. It resets on
     * every byte, so a body that trickles never trips it: see {@link #exchangeDeadline} for a bound
     * on the whole exchange and the body's rate.
     *
     * @param timeout more than zero
     * @return this builder
     * @since 0.2
     */
    public Builder responseBodyIdleTimeout(Duration timeout) {
      this.responseBodyIdleTimeout = Check.positive("responseBodyIdleTimeout", timeout);
      return this;
    }

    /**
     * Adds an observer: it is told of every finished request ({@link io.gatehouse.observe.RequestRecord})
     * and every state change ({@link io.gatehouse.observe.GatewayEvent}); metrics and metering
     * modules are observers.
     *
     * @param observer the observer; it must not block
     * @return this builder
     */
    public Builder observer(GatewayObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Sets whether every finished request is logged, as one event with key-value pairs, to the
     * SLF4J logger {@code io.gatehouse.access} at INFO. On by default; the logging configuration
     * decides where it goes (or turns it off).
     *
     * @param on false to log nothing
     * @return this builder
     */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /**
     * Meters every finished request per consumer and route (requests, status classes, body bytes)
     * in fixed windows, reported by {@link Gateway#usage()}; memory stays within the bounds the
     * metering sets. Off by default.
     *
     * <p>{@code .metering(Metering.every(Duration.ofHours(1)).keep(48))}
     *
     * @param metering the windows and bounds
     * @return this builder
     */
    public Builder metering(Metering metering) {
      this.metering = Objects.requireNonNull(metering, "metering");
      return this;
    }

    /**
     * Labels this configuration, such as a release or a commit: the label is in the log line of
     * an adapter's swap and in the metrics ({@code gatehouse.config}). Without one, {@code build()}
     * makes one from the build time and a random suffix, so that two configurations always differ.
     *
     * @param label 1 to 64 printable ASCII characters
     * @return this builder
     */
    public Builder version(String label) {
      Objects.requireNonNull(label, "label");
      if (!label.matches("[\\x21-\\x7e]{1,64}")) {
        throw new IllegalArgumentException("version: '" + label + "' (expected: 1 to 64 printable ASCII characters, no space)");
      }
      this.version = label;
      return this;
    }

    /**
     * Traces every request and upstream call with this tracing instead of the built-in W3C Trace
     * Context propagation; the module {@code io.gatehouse:gateway-opentelemetry} provides one on
     * the OpenTelemetry API. The request records' {@code traceId} is the tracing's.
     *
     * <p>{@code .tracing(GatehouseTracing.of(openTelemetry))}
     *
     * @param tracing the tracing; it must not block
     * @return this builder
     */
    @Unstable
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Sets the size limits every request must keep to: target length (414), query parameters
     * (414), header count and bytes (431), body size (413; a route may set its own with
     * {@link RouteBuilder#maxRequestBody(long)}). Defaults to {@link RequestLimits#defaults()}.
     *
     * <p>{@code .requestLimits(RequestLimits.defaults().maxHeaderBytes(64 * 1024))}
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder requestLimits(RequestLimits limits) {
      this.requestLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets what happens to request headers whose names contain an underscore, which frameworks
     * that fold {@code _} into {@code -} would read as another header ({@code X_Consumer_Id} as
     * {@code X-Consumer-Id}). Defaults to {@link UnderscoreHeaders#DROP}, as nginx does.
     *
     * @param policy drop the header, reject the request with 400, or allow it
     * @return this builder
     */
    public Builder underscoreHeaders(UnderscoreHeaders policy) {
      this.underscoreHeaders = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the whole-exchange deadline and response body rate of every route that sets none (see
     * {@link io.gatehouse.route.ExchangeDeadline}); none by default. A route opts out with
     * {@code exchangeDeadline(ExchangeDeadline.none())}.
     *
     * @param deadline the default
     * @return this builder
     */
    public Builder exchangeDeadline(io.gatehouse.route.ExchangeDeadline deadline) {
      this.exchangeDeadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Sets whether every response, proxied ones and the gateway's own, carries the request's
     * {@code X-Request-Id} (the one the client sent when well-formed, else the one the gateway
     * made), so that a client can quote it. On by default.
     *
     * @param on false to leave responses as the upstream sent them
     * @return this builder
     */
    public Builder echoRequestId(boolean on) {
      this.echoRequestId = on;
      return this;
    }

    /**
     * Replaces the built-in upstream client. The gateway closes the transport when it is closed.
     *
     * @param transport the transport
     * @return this builder
     */
    @Unstable
    public Builder transport(UpstreamTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Routes these request methods too. Method names are case-sensitive tokens (RFC 9110 §9.1):
     * the gateway knows {@code GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH}; a request
     * with any other well-formed method gets 501 Not Implemented, and one whose method is not a
     * token gets 400, before routing. Routes name extension methods in
     * {@link RouteBuilder#methods(String...)} like any other; a route that names no methods does
     * not take them.
     *
     * <p>{@code Gateway.builder().extensionMethods("PROPFIND", "MKCOL")}
     *
     * @param methods RFC 9110 tokens, such as {@code PROPFIND}; not a case variant of a standard
     *     method, such as {@code get}
     * @return this builder
     * @throws IllegalArgumentException if a method is not a token or is a case variant of a standard one
     * @since 0.1
     */
    public Builder extensionMethods(String... methods) {
      for (String m : methods) {
        Objects.requireNonNull(m, "method");
        if (!io.gatehouse.http.HttpHeaders.isValidName(m)) {
          throw new IllegalArgumentException("extensionMethods: '" + m + "' (expected: an RFC 9110 token)");
        }
        for (String standard : STANDARD_METHODS) {
          if (m.equalsIgnoreCase(standard) && !m.equals(standard)) {
            throw new IllegalArgumentException("extensionMethods: '" + m + "' (expected: not a case variant of "
                + standard + "; methods are case-sensitive)");
          }
        }
        if (!STANDARD_METHODS.contains(m)) {
          extensionMethods.add(m);
        }
      }
      return this;
    }

    /**
     * Sets how the built-in upstream client pools connections and resolves host names (see
     * {@link io.gatehouse.upstream.ConnectionPool} for the behaviour). Defaults to
     * {@link io.gatehouse.upstream.ConnectionPool#defaults()}; ignored with {@link #transport}.
     *
     * <p>{@code .connectionPool(ConnectionPool.defaults().maxPerOrigin(128))}
     *
     * @param pool the pool settings
     * @return this builder
     * @since 0.1
     */
    public Builder connectionPool(io.gatehouse.upstream.ConnectionPool pool) {
      this.connectionPool = Objects.requireNonNull(pool, "pool");
      return this;
    }

    /**
     * Whether to honour method overrides. Off by default: the headers {@code X-HTTP-Method-Override},
     * {@code X-HTTP-Method} and {@code X-Method-Override} (in any case, with {@code _} for {@code -}
     * too) and the query parameter {@code _method} (in any case, percent-encoded or not) are
     * removed before the upstream, so an upstream framework (Spring's HiddenHttpMethodFilter,
     * Rails, Laravel, Symfony, Google and Microsoft APIs) cannot turn a request that routing, auth
     * and rate limits saw as one method into another.
     *
     * <p>When on, a {@code POST} that carries an override naming {@code PUT}, {@code PATCH} or
     * {@code DELETE} (in any case, as those frameworks read it) becomes that method before routing,
     * so routing, auth, access rules and rate limits see it, and the upstream receives it as the
     * request's method, with the override removed. An override on another method, or naming another
     * method, is removed and ignored; overrides that disagree get 400. Gateway-wide, because it
     * must apply before routing picks a route. A {@code _method} field in a form body is not
     * read: the gateway does not buffer bodies to look for it.
     *
     * @param honour whether to honour overrides
     * @return this builder
     * @since 0.1
     */
    public Builder methodOverride(boolean honour) {
      this.methodOverride = honour;
      return this;
    }

    /**
     * Sets how long a request waits for a pooled connection when every connection to its origin
     * is busy; then it gets 503 with {@code Retry-After}. Defaults to 1 second. Shorthand for
     * {@code connectionPool(pool.acquireTimeout(timeout))}.
     *
     * @param timeout more than zero
     * @return this builder
     * @since 0.1
     */
    public Builder poolAcquireTimeout(Duration timeout) {
      this.connectionPool = connectionPool.acquireTimeout(Check.positive("poolAcquireTimeout", timeout));
      return this;
    }

    /**
     * Whether path patterns match ignoring case. Off by default: {@code /admin/**} does not match
     * {@code /ADMIN/users}, which then goes to whatever else matches, such as a catch-all, while
     * many upstream frameworks treat the two as one. When on, the literal segments of every path
     * pattern match with ASCII case folding ({@code A-Z} as {@code a-z}; no other character, and
     * no percent-encoded byte, is folded); the path forwarded upstream, and the values of path
     * variables, keep the client's case. Host patterns are case-insensitive either way. With it
     * off, build() logs a warning for each protected route that an anonymous route would shadow
     * for a path differing only in case, and {@link Gateway#explain} says when a route would match
     * ignoring case.
     *
     * @param on whether to fold case
     * @return this builder
     * @since 0.1
     */
    public Builder caseInsensitivePaths(boolean on) {
      this.caseInsensitivePaths = on;
      return this;
    }

    /**
     * Sets how long after it was opened an upstream connection may still be reused, which bounds
     * how long a changed DNS record takes to reach every origin. Defaults to 30 seconds.
     * Shorthand for {@code connectionPool(pool.maxLifetime(lifetime))}.
     *
     * @param lifetime more than zero
     * @return this builder
     * @since 0.1
     */
    public Builder connectionMaxLifetime(Duration lifetime) {
      this.connectionPool = connectionPool.maxLifetime(Check.positive("connectionMaxLifetime", lifetime));
      return this;
    }

    /**
     * Sets the CORS policy of every route that sets none of its own: which web pages, by origin, may
     * call the routes from a browser. Defaults to {@link io.gatehouse.edge.Cors#none()}. See
     * {@link io.gatehouse.edge.Cors} for what the gateway then answers and adds.
     *
     * <p>{@code .cors(Cors.allowOrigins("https://app.example.com").allowHeaders("Content-Type"))}
     *
     * @param cors the policy; checked at build()
     * @return this builder
     * @since 0.2
     */
    public Builder cors(io.gatehouse.edge.Cors cors) {
      this.cors = Objects.requireNonNull(cors, "cors");
      return this;
    }

    /**
     * The description declared so far.
     *
     * @return the spec
     */
    public GatewaySpec spec() {
      return new GatewaySpec(routes, filters, time,
          new IngressSettings(trustedProxies, requestLimits, underscoreHeaders, extensionMethods, methodOverride,
              caseInsensitivePaths, echoRequestId, ipRules, securityHeaders),
          new UpstreamSettings(connectTimeout, responseTimeout, responseBodyIdleTimeout, exchangeDeadline,
              Optional.ofNullable(transport), connectionPool),
          new IdentitySettings(auth, consumers, Optional.ofNullable(consumerStore), identityHeaders),
          new RateLimitSettings(rateLimits, rateLimitHeaders, Optional.ofNullable(rateLimitStore), rateLimitFallback,
              usagePlans, Optional.ofNullable(defaultUsagePlan)),
          new ObservationSettings(observers, accessLog, Optional.ofNullable(metering), Optional.ofNullable(version),
              Optional.ofNullable(tracing)), cors);
    }

    /**
     * Makes the gateway built next take over the run-time state (limits, quotas, breakers, target
     * health, metering) of the one it replaces, for every part whose definition is unchanged: see
     * {@link Gateway#takeStateFrom}. An adapter's {@code swap} does the same by itself.
     *
     * <pre>{@code
     * Gateway next = Gateway.builder().takeStateFrom(current).route(...).build();
     * }</pre>
     *
     * @param previous the gateway the built one replaces
     * @return this builder
     */
    public Builder takeStateFrom(Gateway previous) {
      this.predecessor = Objects.requireNonNull(previous, "previous");
      return this;
    }

    /**
     * Validates the whole configuration and compiles it.
     *
     * @return the gateway
     * @throws GatewayConfigException listing every mistake, each naming its route and field
     * @throws GatewayException if {@code io.gatehouse:gateway-impl} is not on the class path
     */
    public Gateway build() {
      GatewayCompiler compiler = ServiceLoader.load(GatewayCompiler.class, Gateway.class.getClassLoader())
          .findFirst()
          .orElseThrow(() -> new GatewayException(
              "no GatewayCompiler on the class path (expected: the artifact io.gatehouse:gateway-impl)"));
      Gateway built = compiler.compile(spec());
      if (predecessor != null) {
        built.takeStateFrom(predecessor);
      }
      return built;
    }

    private static final Set<String> STANDARD_METHODS =
        Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  }
}
