package io.gatehouse.route;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.edge.IpRules;
import io.gatehouse.edge.SecurityHeaders;
import io.gatehouse.filter.Filter;
import io.gatehouse.internal.Check;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.http.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Declares one route: what it matches, how it changes the request and response, and where it
 * sends the request. Setters reject nonsense at once; {@code build()} of the gateway checks the
 * rest (pattern syntax, URLs, conflicts) and reports every mistake together.
 *
 * <pre>{@code
 * Gateway.builder().route("orders", r -> r
 *     .path("/api/orders/**").methods("GET", "POST")
 *     .header("X-Tenant")
 *     .stripPrefix(1)
 *     .setRequestHeader("X-Gateway", "gatehouse")
 *     .upstream("http://orders:8080")
 *     .responseTimeout(Duration.ofSeconds(2)));
 * }</pre>
 *
 * <p><b>Path patterns</b> match the normalized path segment by segment: a literal segment matches
 * itself (case-sensitively), {@code {name}} matches one segment and captures it, {@code *} matches
 * one segment, and {@code **}, allowed only as the last segment, matches zero or more segments.
 *
 * <p><b>Host patterns</b> compare case-insensitively without the port; {@code *.example.com}
 * matches any host that ends in {@code .example.com} (not {@code example.com} itself).
 *
 * <p>Not thread-safe.
 *
 * @since 0.1
 */
public final class RouteBuilder {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final String id;
  private final List<String> paths = new ArrayList<>();
  private final Set<String> methods = new LinkedHashSet<>();
  private final List<String> hosts = new ArrayList<>();
  private final List<RequestCondition> conditions = new ArrayList<>();
  private final List<RequestPredicate> predicates = new ArrayList<>();
  private int stripPrefix;
  private PathRewrite rewrite;
  private final List<HeaderOperation> requestHeaders = new ArrayList<>();
  private final List<HeaderOperation> responseHeaders = new ArrayList<>();
  private Upstream upstream;
  private TrafficSplit split;
  private StaticResponse staticResponse;
  private Duration connectTimeout;
  private Duration responseTimeout;
  private Duration responseBodyIdleTimeout;
  private WebSocket webSocket;
  private Duration timeout;
  private Retry retry;
  private CircuitBreaker circuitBreaker;
  private StaticResponse fallbackResponse;
  private Upstream fallbackUpstream;
  private Mirror mirror;
  private final List<Filter> filters = new ArrayList<>();
  private Auth auth;
  private final List<AccessRule> access = new ArrayList<>();
  private final List<RateLimit> rateLimits = new ArrayList<>();
  private RateLimitCost rateLimitCost = RateLimitCost.of(1);
  private ConcurrencyLimit concurrencyLimit;
  private long maxRequestBody = -1;
  private ExchangeDeadline exchangeDeadline;
  private IpRules ipRules;
  private SecurityHeaders securityHeaders;
  private io.gatehouse.edge.Cors cors;
  private io.gatehouse.aggregate.Aggregation aggregation;
  private ResponseCache cache;
  private io.gatehouse.validation.RequestValidation validation;
  private io.gatehouse.transform.BodyTransform requestTransform;
  private io.gatehouse.transform.BodyTransform responseTransform;
  private io.gatehouse.transform.Compression compression;

  RouteBuilder(String id) {
    Objects.requireNonNull(id, "id");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "route id: '" + id + "' (expected: 1 to 128 of letters, digits, '.', '_', '-')");
    }
    this.id = id;
  }

  RouteBuilder(RouteSpec spec) {
    this(spec.id());
    RouteMatch match = spec.match();
    paths.addAll(match.paths());
    methods.addAll(match.methods());
    hosts.addAll(match.hosts());
    conditions.addAll(match.conditions());
    predicates.addAll(match.predicates());
    RouteRewrite rewrite = spec.rewrite();
    stripPrefix = rewrite.stripPrefix();
    this.rewrite = rewrite.path().orElse(null);
    requestHeaders.addAll(rewrite.requestHeaders());
    responseHeaders.addAll(rewrite.responseHeaders());
    securityHeaders = rewrite.securityHeaders().orElse(null);
    RouteDestination destination = spec.destination();
    upstream = destination.upstream().orElse(null);
    split = destination.split().orElse(null);
    staticResponse = destination.staticResponse().orElse(null);
    mirror = destination.mirror().orElse(null);
    fallbackResponse = destination.fallbackResponse().orElse(null);
    fallbackUpstream = destination.fallbackUpstream().orElse(null);
    aggregation = destination.aggregation().orElse(null);
    webSocket = destination.webSocket().orElse(null);
    RouteResilience resilience = spec.resilience();
    connectTimeout = resilience.connectTimeout().orElse(null);
    responseTimeout = resilience.responseTimeout().orElse(null);
    responseBodyIdleTimeout = resilience.responseBodyIdleTimeout().orElse(null);
    timeout = resilience.timeout().orElse(null);
    retry = resilience.retry().orElse(null);
    circuitBreaker = resilience.circuitBreaker().orElse(null);
    exchangeDeadline = resilience.exchangeDeadline().orElse(null);
    RouteAccess access = spec.access();
    auth = access.auth().orElse(null);
    this.access.addAll(access.rules());
    rateLimits.addAll(access.rateLimits());
    rateLimitCost = access.rateLimitCost();
    concurrencyLimit = access.concurrencyLimit().orElse(null);
    maxRequestBody = access.maxRequestBody().orElse(-1);
    ipRules = access.ipRules().orElse(null);
    cors = access.cors().orElse(null);
    filters.addAll(spec.filters());
    cache = spec.cache().orElse(null);
    validation = spec.validation().orElse(null);
    requestTransform = spec.requestTransform().orElse(null);
    responseTransform = spec.responseTransform().orElse(null);
    compression = spec.compression().orElse(null);
  }

  /**
   * The route's id.
   *
   * @return the id given at creation
   */
  public String id() {
    return id;
  }

  /**
   * Adds path patterns; the route matches if any of them does. Without any, every path matches.
   *
   * @param patterns patterns such as {@code /orders}, {@code /orders/{id}}, {@code /static/**}
   * @return this builder
   */
  public RouteBuilder path(String... patterns) {
    for (String p : patterns) {
      paths.add(Objects.requireNonNull(p, "pattern"));
    }
    return this;
  }

  /**
   * Adds accepted methods. A route that names {@code GET} takes {@code HEAD} too (the upstream
   * receives the HEAD). Without any, every method the gateway knows is accepted except
   * {@code CONNECT} and {@code TRACE}, which a route must name (TRACE echoes a request, credentials
   * included, back to a script: cross-site tracing). build() refuses a method that is neither one
   * of RFC 9110's nine ({@code GET HEAD POST PUT DELETE CONNECT OPTIONS TRACE PATCH}) nor named in
   * {@link io.gatehouse.Gateway.Builder#extensionMethods(String...)}: methods are case-sensitive, so
   * {@code get} is not {@code GET}.
   *
   * @param methods method tokens such as {@code GET}; compared case-sensitively
   * @return this builder
   */
  public RouteBuilder methods(String... methods) {
    for (String m : methods) {
      Objects.requireNonNull(m, "method");
      if (!io.gatehouse.http.HttpHeaders.isValidName(m)) {
        throw new IllegalArgumentException(
            "route '" + id + "': method: '" + m + "' (expected: an RFC 9110 token)");
      }
      this.methods.add(m);
    }
    return this;
  }

  /**
   * Adds host patterns; the route matches if any of them does. Without any, every host matches.
   *
   * @param patterns host names such as {@code api.example.com} or {@code *.example.com}
   * @return this builder
   */
  public RouteBuilder host(String... patterns) {
    for (String h : patterns) {
      hosts.add(Objects.requireNonNull(h, "host"));
    }
    return this;
  }

  /**
   * Requires a header to be present.
   *
   * @param name the header name
   * @return this builder
   */
  public RouteBuilder header(String name) {
    return condition(RequestCondition.Source.HEADER, name, RequestCondition.Match.PRESENT, null);
  }

  /**
   * Requires a header to have a value, exactly.
   *
   * @param name the header name
   * @param value the expected value
   * @return this builder
   */
  public RouteBuilder header(String name, String value) {
    return condition(RequestCondition.Source.HEADER, name, RequestCondition.Match.EQUALS, value);
  }

  /**
   * Requires a header value to match a regular expression as a whole.
   *
   * @param name the header name
   * @param regex the expression, checked at build()
   * @return this builder
   */
  public RouteBuilder headerMatches(String name, String regex) {
    return condition(RequestCondition.Source.HEADER, name, RequestCondition.Match.REGEX, regex);
  }

  /**
   * Requires a query parameter to be present.
   *
   * @param name the decoded parameter name
   * @return this builder
   */
  public RouteBuilder query(String name) {
    return condition(RequestCondition.Source.QUERY, name, RequestCondition.Match.PRESENT, null);
  }

  /**
   * Requires a query parameter to have a decoded value, exactly.
   *
   * @param name the decoded parameter name
   * @param value the expected decoded value
   * @return this builder
   */
  public RouteBuilder query(String name, String value) {
    return condition(RequestCondition.Source.QUERY, name, RequestCondition.Match.EQUALS, value);
  }

  /**
   * Requires a decoded query parameter value to match a regular expression as a whole.
   *
   * @param name the decoded parameter name
   * @param regex the expression, checked at build()
   * @return this builder
   */
  public RouteBuilder queryMatches(String name, String regex) {
    return condition(RequestCondition.Source.QUERY, name, RequestCondition.Match.REGEX, regex);
  }

  /**
   * Requires a cookie to be present.
   *
   * @param name the cookie name
   * @return this builder
   */
  public RouteBuilder cookie(String name) {
    return condition(RequestCondition.Source.COOKIE, name, RequestCondition.Match.PRESENT, null);
  }

  /**
   * Requires a cookie to have a value, exactly.
   *
   * @param name the cookie name
   * @param value the expected value
   * @return this builder
   */
  public RouteBuilder cookie(String name, String value) {
    return condition(RequestCondition.Source.COOKIE, name, RequestCondition.Match.EQUALS, value);
  }

  /**
   * Requires a cookie value to match a regular expression as a whole.
   *
   * @param name the cookie name
   * @param regex the expression, checked at build()
   * @return this builder
   */
  public RouteBuilder cookieMatches(String name, String regex) {
    return condition(RequestCondition.Source.COOKIE, name, RequestCondition.Match.REGEX, regex);
  }

  /**
   * Adds a custom predicate; the route matches only if it returns true.
   *
   * @param description what it tests, shown when the route is explained
   * @param test the test; runs on an I/O thread and must not block
   * @return this builder
   */
  public RouteBuilder predicate(String description, Predicate<Request> test) {
    predicates.add(new RequestPredicate(description, test));
    return this;
  }

  /**
   * Removes leading path segments before the request goes upstream: with 1, {@code /api/orders/7}
   * goes upstream as {@code /orders/7}.
   *
   * @param segments how many segments, 0 or more
   * @return this builder
   */
  public RouteBuilder stripPrefix(int segments) {
    this.stripPrefix = Check.atLeast(field("stripPrefix"), segments, 0);
    return this;
  }

  /**
   * Rewrites the path (after strip-prefix) before it goes upstream.
   *
   * @param regex a regular expression over the path, checked at build()
   * @param replacement the replacement, with {@code $1}, {@code ${group}} and {@code {variable}}
   * @return this builder
   * @see PathRewrite
   */
  public RouteBuilder rewritePath(String regex, String replacement) {
    this.rewrite = new PathRewrite(regex, replacement);
    return this;
  }

  /**
   * Sets a request header before the request goes upstream, replacing any values.
   *
   * @param name the header name
   * @param value the value
   * @return this builder
   */
  public RouteBuilder setRequestHeader(String name, String value) {
    requestHeaders.add(new HeaderOperation(HeaderOperation.Action.SET, name, Optional.of(value)));
    return this;
  }

  /**
   * Adds a request header value before the request goes upstream.
   *
   * @param name the header name
   * @param value the value
   * @return this builder
   */
  public RouteBuilder addRequestHeader(String name, String value) {
    requestHeaders.add(new HeaderOperation(HeaderOperation.Action.ADD, name, Optional.of(value)));
    return this;
  }

  /**
   * Removes a request header before the request goes upstream.
   *
   * @param name the header name
   * @return this builder
   */
  public RouteBuilder removeRequestHeader(String name) {
    requestHeaders.add(new HeaderOperation(HeaderOperation.Action.REMOVE, name, Optional.empty()));
    return this;
  }

  /**
   * Sets a response header on the way out, replacing any values.
   *
   * @param name the header name
   * @param value the value
   * @return this builder
   */
  public RouteBuilder setResponseHeader(String name, String value) {
    responseHeaders.add(new HeaderOperation(HeaderOperation.Action.SET, name, Optional.of(value)));
    return this;
  }

  /**
   * Adds a response header value on the way out.
   *
   * @param name the header name
   * @param value the value
   * @return this builder
   */
  public RouteBuilder addResponseHeader(String name, String value) {
    responseHeaders.add(new HeaderOperation(HeaderOperation.Action.ADD, name, Optional.of(value)));
    return this;
  }

  /**
   * Removes a response header on the way out.
   *
   * @param name the header name
   * @return this builder
   */
  public RouteBuilder removeResponseHeader(String name) {
    responseHeaders.add(new HeaderOperation(HeaderOperation.Action.REMOVE, name, Optional.empty()));
    return this;
  }

  /**
   * Sends matching requests to an upstream. The URL's path, if any, is prepended to the request
   * path: {@code http://orders:8080/v2} receives {@code /v2/orders/7}.
   *
   * @param url an absolute {@code http} or {@code https} URL, checked at build()
   * @return this builder
   */
  public RouteBuilder upstream(String url) {
    return upstream(Upstream.of(Objects.requireNonNull(url, "url")));
  }

  /**
   * Sends matching requests to an upstream group: several targets, load-balanced, health-checked,
   * shared with other routes when it is {@linkplain Upstream#named named}.
   *
   * @param upstream the group
   * @return this builder
   */
  public RouteBuilder upstream(Upstream upstream) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    return this;
  }

  /**
   * Splits matching requests between upstreams, by rules and weights (canary releases); instead of
   * {@link #upstream(Upstream)}.
   *
   * @param split the split
   * @return this builder
   */
  public RouteBuilder split(TrafficSplit split) {
    this.split = Objects.requireNonNull(split, "split");
    return this;
  }

  /**
   * Sends a copy of matching requests to another upstream, whose answers are discarded.
   *
   * @param mirror the mirror
   * @return this builder
   */
  public RouteBuilder mirror(Mirror mirror) {
    this.mirror = Objects.requireNonNull(mirror, "mirror");
    return this;
  }

  /**
   * Bounds the whole upstream exchange, every attempt and backoff included, until the response
   * head arrives; past it the client gets 504. Each attempt's own timeouts are cut to what is left.
   * An upstream's {@code Retry-After} wait draws on it too (see {@link io.gatehouse.upstream.Retry}).
   * It does not bound the response body: see {@link #exchangeDeadline}.
   *
   * @param timeout more than zero
   * @return this builder
   */
  public RouteBuilder timeout(Duration timeout) {
    this.timeout = Check.positive(field("timeout"), Objects.requireNonNull(timeout, "timeout"));
    return this;
  }

  /**
   * Retries failed upstream calls.
   *
   * @param retry the policy
   * @return this builder
   */
  public RouteBuilder retry(Retry retry) {
    this.retry = Objects.requireNonNull(retry, "retry");
    return this;
  }

  /**
   * Guards the route with a circuit breaker: while it is open, requests get 503 at once, or the
   * fallback.
   *
   * @param breaker the breaker's settings
   * @return this builder
   */
  public RouteBuilder circuitBreaker(CircuitBreaker breaker) {
    this.circuitBreaker = Objects.requireNonNull(breaker, "breaker");
    return this;
  }

  /**
   * Answers with this response while the route's circuit is open.
   *
   * @param response the response
   * @return this builder
   */
  public RouteBuilder fallback(StaticResponse response) {
    this.fallbackResponse = Objects.requireNonNull(response, "response");
    this.fallbackUpstream = null;
    return this;
  }

  /**
   * Sends requests to this upstream while the route's circuit is open.
   *
   * @param upstream the upstream
   * @return this builder
   */
  public RouteBuilder fallback(Upstream upstream) {
    this.fallbackUpstream = Objects.requireNonNull(upstream, "upstream");
    this.fallbackResponse = null;
    return this;
  }

  /**
   * Answers matching requests with a fixed response instead of calling an upstream.
   *
   * @param response the response
   * @return this builder
   */
  public RouteBuilder respond(StaticResponse response) {
    this.staticResponse = Objects.requireNonNull(response, "response");
    return this;
  }

  /**
   * Answers matching requests with a status and a body.
   *
   * @param status 100 to 599
   * @param contentType the {@code Content-Type} value
   * @param body the body, sent as UTF-8
   * @return this builder
   */
  public RouteBuilder respond(int status, String contentType, String body) {
    return respond(StaticResponse.of(status, contentType, body));
  }

  /**
   * Answers matching requests by calling several backends and merging their JSON answers into
   * one response, instead of proxying; the route's {@link #timeout} bounds it all. See
   * {@link io.gatehouse.aggregate.Aggregation}.
   *
   * <p>{@code .aggregate(Aggregation.of(Backend.of("user", users, "/users/{id}"), Backend.of("orders", orders, "/orders?user={id}").optional()))}
   *
   * @param aggregation the backends and the merger
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder aggregate(io.gatehouse.aggregate.Aggregation aggregation) {
    this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
    return this;
  }

  /**
   * Bounds the time to open a connection to the upstream; past it the client gets 504.
   *
   * @param timeout more than zero
   * @return this builder
   */
  public RouteBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = Check.positive(field("connectTimeout"), Objects.requireNonNull(timeout, "connectTimeout"));
    return this;
  }

  /**
   * Bounds how long the upstream may stay silent once the request is sent, until its response's
   * head has arrived; past it the client gets 504. It resets on every byte, also while the request
   * body is sent. The pauses of the response body are bounded by {@link #responseBodyIdleTimeout}.
   *
   * @param timeout more than zero
   * @return this builder
   */
  public RouteBuilder responseTimeout(Duration timeout) {
    this.responseTimeout = Check.positive(field("responseTimeout"), Objects.requireNonNull(timeout, "responseTimeout"));
    return this;
  }

  /**
   * Bounds the pauses of the upstream's response body, once its head has arrived, instead of the
   * gateway's default (5 minutes): past it the client's connection is closed, as the response has
   * started. An event stream ({@code text/event-stream}) whose upstream sends a heartbeat every
   * 30 seconds needs more than 30 seconds here. It resets on every byte, so a body that trickles
   * never trips it: bound the whole exchange, body included, or the body's rate with
   * {@link #exchangeDeadline}.
   *
   * @param timeout more than zero
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder responseBodyIdleTimeout(Duration timeout) {
    this.responseBodyIdleTimeout = Check.positive(field("responseBodyIdleTimeout"),
        Objects.requireNonNull(timeout, "responseBodyIdleTimeout"));
    return this;
  }

  /**
   * Sets which client addresses may use this route, instead of the gateway's rules (they are not
   * added together); {@code IpRules.any()} opens the route to every address. A refused request gets
   * 403 problem+json before the pre-auth rate limits and authentication. Entries are checked at
   * build().
   *
   * <p>{@code .ipRules(IpRules.allow("192.0.2.0/24", "2001:db8::/32"))}
   *
   * @param rules the rules
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder ipRules(IpRules rules) {
    this.ipRules = Objects.requireNonNull(rules, "rules");
    return this;
  }

  /**
   * Sets the security headers of this route's responses, instead of the gateway's;
   * {@code SecurityHeaders.none()} turns them off. They apply after the route's response header
   * changes.
   *
   * <p>{@code .securityHeaders(SecurityHeaders.defaults().withoutFrameOptions())}
   *
   * @param headers the headers
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder securityHeaders(SecurityHeaders headers) {
    this.securityHeaders = Objects.requireNonNull(headers, "headers");
    return this;
  }

  /**
   * Sets how this route authenticates, instead of the gateway's default ({@code Auth.none()}
   * makes it public).
   *
   * @param auth the authentication
   * @return this builder
   */
  public RouteBuilder auth(Auth auth) {
    this.auth = Objects.requireNonNull(auth, "auth");
    return this;
  }

  /**
   * Adds an access rule: what an authenticated principal needs, for all methods or some. All
   * rules that apply to a request's method must pass (403 otherwise). The route must authenticate
   * (checked at build()).
   *
   * @param rule the rule
   * @return this builder
   */
  public RouteBuilder require(AccessRule rule) {
    access.add(Objects.requireNonNull(rule, "rule"));
    return this;
  }

  /**
   * Requires every one of these scopes, for every method: {@code require(AccessRule.scopes(...))}.
   *
   * @param scopes the scopes
   * @return this builder
   */
  public RouteBuilder requireScopes(String... scopes) {
    return require(AccessRule.scopes(scopes));
  }

  /**
   * Requires one of these roles, for every method: {@code require(AccessRule.roles(...))}.
   *
   * @param roles the roles, any of which is enough
   * @return this builder
   */
  public RouteBuilder requireRoles(String... roles) {
    return require(AccessRule.roles(roles));
  }

  /**
   * Adds rate limits to this route, checked after the gateway's own and after authentication.
   *
   * @param limits the limits
   * @return this builder
   */
  public RouteBuilder rateLimit(RateLimit... limits) {
    for (RateLimit limit : limits) {
      rateLimits.add(Objects.requireNonNull(limit, "limit"));
    }
    return this;
  }

  /**
   * Sets how many permits this route's requests take from every limit they pass, the gateway's
   * included. Defaults to one.
   *
   * @param cost a fixed cost, or one stated in a header
   * @return this builder
   */
  public RouteBuilder rateLimitCost(RateLimitCost cost) {
    this.rateLimitCost = Objects.requireNonNull(cost, "cost");
    return this;
  }

  /**
   * Bounds how many of this route's requests are in flight at once (a bulkhead); checked after the
   * rate limits.
   *
   * @param limit the limit
   * @return this builder
   */
  public RouteBuilder concurrencyLimit(ConcurrencyLimit limit) {
    this.concurrencyLimit = Objects.requireNonNull(limit, "limit");
    return this;
  }

  /**
   * Adds a filter to this route. It runs after the built-in authentication and rate limiting, and
   * before the circuit breaker.
   *
   * @param filter the filter
   * @return this builder
   */
  public RouteBuilder filter(Filter filter) {
    filters.add(Objects.requireNonNull(filter, "filter"));
    return this;
  }

  /**
   * Sets the largest request body this route accepts, instead of the gateway's
   * {@link io.gatehouse.http.RequestLimits#maxBodyBytes()}: a declared {@code Content-Length} past
   * it gets 413 before any upstream call, and a streamed body that grows past it aborts the
   * upstream call (413 if no response has started).
   *
   * <p>{@code .route("upload", r -> r.path("/upload").maxRequestBody(1L << 30).upstream("http://files:8080"))}
   *
   * @param bytes at least 0; {@code Long.MAX_VALUE} for no limit
   * @return this builder
   */
  public RouteBuilder maxRequestBody(long bytes) {
    this.maxRequestBody = Check.atLeast(field("maxRequestBody"), bytes, 0);
    return this;
  }

  /**
   * Bounds the whole proxied exchange, response body included, and how slowly the response body
   * may trickle, instead of the gateway's {@code exchangeDeadline}. The route's {@code timeout}
   * stops at the response head and the response (idle) timeout resets on every byte; this is what
   * stops a body that trickles. Mid-body, the client's response is aborted and the upstream call
   * cancelled; before the head, 504. Server-sent events and other long-lived streams opt out with
   * {@link ExchangeDeadline#none()}.
   *
   * <p>{@code .route("report", r -> r.path("/report").timeout(Duration.ofSeconds(3)).exchangeDeadline(ExchangeDeadline.of(Duration.ofSeconds(10))))}
   *
   * @param deadline the deadline and rate; {@link ExchangeDeadline#none()} for none
   * @return this builder
   */
  public RouteBuilder exchangeDeadline(ExchangeDeadline deadline) {
    this.exchangeDeadline = Objects.requireNonNull(deadline, "deadline");
    return this;
  }

  /**
   * Sets which web pages, by origin, may call this route from a browser, instead of the gateway's
   * policy; {@link io.gatehouse.edge.Cors#none()} turns CORS off here. A preflight is routed as
   * its actual request (with the method it names), so a route that takes only {@code GET} and
   * {@code POST} still gets its preflights; see {@link io.gatehouse.edge.Cors}.
   *
   * <p>{@code .route("orders", r -> r.path("/orders/**").cors(Cors.allowOrigins("https://shop.example.com")).upstream(...))}
   *
   * @param cors the policy; checked at build()
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder cors(io.gatehouse.edge.Cors cors) {
    this.cors = Objects.requireNonNull(cors, "cors");
    return this;
  }

  /**
   * Lets this route carry WebSocket sessions with the default settings; see {@link WebSocket}.
   *
   * <p>{@code .route("chat", r -> r.path("/chat").webSocket().upstream("http://chat:8080"))}
   *
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder webSocket() {
    return webSocket(WebSocket.of());
  }

  /**
   * Lets this route carry WebSocket sessions: a valid upgrade that passes the route's chain is
   * forwarded to the upstream and, once it answers {@code 101}, frames flow both ways under these
   * settings. Other requests on the route are proxied as usual. Sessions need an adapter that can
   * switch a connection (the Undertow adapter; elsewhere an upgrade gets 400) and plain {@code http}
   * upstreams (checked at build()).
   *
   * <p>{@code .webSocket(WebSocket.of().idleTimeout(Duration.ofMinutes(2)).maxMessageSize(1 << 20))}
   *
   * @param settings the idle timeout and size limits
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder webSocket(WebSocket settings) {
    this.webSocket = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Caches this route's responses (RFC 9111, as a shared cache). The cache runs after the route's
   * filters, just before the upstream: a stored answer still needs the route's IP rules,
   * authentication and limits, and the filters can set the headers its key reads.
   *
   * <p>{@code .route("catalog", r -> r.path("/catalog/**").cache(ResponseCache.shared("catalog").maxBytes(256L << 20)).upstream(...))}
   *
   * @param cache the cache; checked at build()
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder cache(ResponseCache cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
    return this;
  }

  /**
   * Transforms the request body before it goes upstream, after the route's filters and just before
   * its response cache: values read from headers see what the filters set. See
   * {@link io.gatehouse.transform.JsonTransform} for which bodies are transformed and what happens to
   * the others.
   *
   * <p>{@code .transformRequest(JsonTransform.of().set("/tenant", TransformValue.claim("tenant")).remove("/admin"))}
   *
   * @param transform the transformation; its pointers are checked at build()
   * @return this builder
   * @since 0.3
   */
  public RouteBuilder transformRequest(io.gatehouse.transform.BodyTransform transform) {
    this.requestTransform = Objects.requireNonNull(transform, "transform");
    return this;
  }

  /**
   * Transforms the response body on its way to the client: of the upstream's answer, a stored one
   * (the cache keeps the untransformed body, so a transformation that reads the principal is never
   * served to another) or an aggregate; before the route's filters see it and before
   * {@link #compression compression}. See {@link io.gatehouse.transform.JsonTransform}.
   *
   * <p>{@code .transformResponse(JsonTransform.of().remove("/internalNotes").rename("/total", "amount"))}
   *
   * @param transform the transformation; its pointers are checked at build()
   * @return this builder
   * @since 0.3
   */
  public RouteBuilder transformResponse(io.gatehouse.transform.BodyTransform transform) {
    this.responseTransform = Objects.requireNonNull(transform, "transform");
    return this;
  }

  /**
   * Compresses the route's responses for clients that accept it; see
   * {@link io.gatehouse.transform.Compression}. Compression is the outermost step of the route: every
   * filter and transformation sees uncompressed bodies, and the response cache stores them so.
   *
   * <p>{@code .compression(Compression.gzip().minSize(2048))}
   *
   * @param compression the settings; {@code Compression.none()} for none
   * @return this builder
   * @since 0.3
   */
  public RouteBuilder compression(io.gatehouse.transform.Compression compression) {
    this.compression = Objects.requireNonNull(compression, "compression");
    return this;
  }

  /**
   * Validates this route's requests with the default body cap
   * ({@link io.gatehouse.validation.RequestValidation#DEFAULT_MAX_BODY_BYTES}); see
   * {@link #validate(io.gatehouse.validation.RequestValidation)}.
   *
   * <p>{@code .route("orders", r -> r.path("/orders").validate(JsonSchema.from(schemaJson)).upstream(...))}
   *
   * @param validator the validator, such as {@code io.gatehouse.contract.JsonSchema} or an
   *     operation of {@code io.gatehouse.contract.OpenApiRoutes}
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder validate(io.gatehouse.validation.RequestValidator validator) {
    return validate(io.gatehouse.validation.RequestValidation.of(validator));
  }

  /**
   * Validates this route's requests before anything reaches the upstream. The validation stage
   * runs after authentication, the rate limits, quotas and the concurrency limit, and before the
   * route's filters (which so see only valid requests) and its cache. It reads the body up to the
   * validation's cap (413 past it, and a declared length past it is refused unread), answers 400
   * {@code application/problem+json} with an {@code errors} list for an invalid request, and
   * replays a valid body to the upstream unchanged.
   *
   * <p>{@code .validate(RequestValidation.of(schema).maxBodyBytes(64 * 1024))}
   *
   * @param validation the validator and its body cap
   * @return this builder
   * @since 0.2
   */
  public RouteBuilder validate(io.gatehouse.validation.RequestValidation validation) {
    this.validation = Objects.requireNonNull(validation, "validation");
    return this;
  }

  /**
   * The immutable route description.
   *
   * @return the spec
   */
  public RouteSpec build() {
    return new RouteSpec(id,
        new RouteMatch(paths, methods, hosts, conditions, predicates),
        new RouteRewrite(stripPrefix, Optional.ofNullable(rewrite), requestHeaders, responseHeaders,
            Optional.ofNullable(securityHeaders)),
        new RouteDestination(Optional.ofNullable(upstream), Optional.ofNullable(split),
            Optional.ofNullable(staticResponse), Optional.ofNullable(mirror), Optional.ofNullable(fallbackResponse),
            Optional.ofNullable(fallbackUpstream), Optional.ofNullable(aggregation), Optional.ofNullable(webSocket)),
        new RouteResilience(Optional.ofNullable(connectTimeout), Optional.ofNullable(responseTimeout),
            Optional.ofNullable(responseBodyIdleTimeout), Optional.ofNullable(timeout), Optional.ofNullable(retry), Optional.ofNullable(circuitBreaker),
            Optional.ofNullable(exchangeDeadline)),
        new RouteAccess(Optional.ofNullable(auth), access, rateLimits, rateLimitCost,
            Optional.ofNullable(concurrencyLimit),
            maxRequestBody < 0 ? OptionalLong.empty() : OptionalLong.of(maxRequestBody), Optional.ofNullable(ipRules),
            Optional.ofNullable(cors)),
        filters, Optional.ofNullable(cache), Optional.ofNullable(validation), Optional.ofNullable(requestTransform),
        Optional.ofNullable(responseTransform), Optional.ofNullable(compression));
  }

  private RouteBuilder condition(
      RequestCondition.Source source, String name, RequestCondition.Match match, String value) {
    Objects.requireNonNull(name, "name");
    if (match != RequestCondition.Match.PRESENT) {
      Objects.requireNonNull(value, "value");
    }
    conditions.add(new RequestCondition(source, name, match, Optional.ofNullable(value)));
    return this;
  }

  /** A field of this route, named as messages name it: {@code route 'orders': timeout}. */
  private String field(String name) {
    return "route '" + id + "': " + name;
  }
}
