package io.gatehouse;

import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.UnderscoreHeaders;
import io.gatehouse.internal.Text;
import io.gatehouse.metering.Metering;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.Tracing;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitHeaders;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The immutable description of a whole gateway, as declared with {@link Gateway.Builder}. A built
 * {@link Gateway} returns it from {@link Gateway#spec()}, and {@link #toBuilder()} derives a
 * variant (how the test fixtures swap the transport for stubs).
 *
 * <p>{@code Gateway variant = gateway.spec().toBuilder().time(manualClock).build();}
 *
 * @param routes the routes, in declaration order, which is their precedence
 * @param filters the global filters, in order
 * @param time where durations (monotonic) and calendar time (wall clock) are read
 * @param trustedProxies addresses or CIDR blocks whose forwarding headers are believed
 * @param connectTimeout the default upstream connect timeout
 * @param responseTimeout the default upstream response timeout
 * @param transport a replacement for the built-in upstream client
 * @param auth the default authentication of routes that set none
 * @param consumers the consumers declared one by one
 * @param consumerStore a store of consumers kept elsewhere
 * @param identityHeaders the headers that tell upstreams who is calling
 * @param rateLimits the global rate limits, checked for every route
 * @param rateLimitHeaders which rate-limit headers responses carry
 * @param rateLimitStore a store that instances share rate-limit state in
 * @param rateLimitFallback what happens while that store cannot answer
 * @param usagePlans the usage plans' quotas, by plan name
 * @param defaultUsagePlan the plan of principals that have none
 * @param observers who is told of every finished request and state change
 * @param accessLog whether each finished request is logged to SLF4J
 * @param metering the metering of usage per consumer and route, if on
 * @param version the configuration's version label, if one was given
 * @param tracing the tracing of requests and upstream calls; without it, W3C trace context is propagated
 * @param requestLimits the size limits every request must keep to, checked at ingress
 * @param underscoreHeaders what happens to request headers whose names contain {@code _}
 * @param extensionMethods request methods beyond RFC 9110's nine that the gateway routes; any other gets 501
 * @param methodOverride whether a POST's method-override header or {@code _method} query parameter is honoured
 * @param caseInsensitivePaths whether path patterns match ignoring ASCII case
 * @param connectionPool how the built-in upstream client pools connections and resolves names
 * @since 0.1
 */
public record GatewaySpec(
    List<RouteSpec> routes,
    List<Filter> filters,
    TimeSource time,
    List<String> trustedProxies,
    Duration connectTimeout,
    Duration responseTimeout,
    Optional<UpstreamTransport> transport,
    Auth auth,
    List<ApiConsumer> consumers,
    Optional<ConsumerStore> consumerStore,
    IdentityHeaders identityHeaders,
    List<RateLimit> rateLimits,
    RateLimitHeaders rateLimitHeaders,
    Optional<RateLimitStore> rateLimitStore,
    RateLimitStore.Fallback rateLimitFallback,
    Map<String, List<Quota>> usagePlans,
    Optional<String> defaultUsagePlan,
    List<GatewayObserver> observers,
    boolean accessLog,
    Optional<Metering> metering,
    Optional<String> version,
    Optional<Tracing> tracing,
    RequestLimits requestLimits,
    UnderscoreHeaders underscoreHeaders,
    Set<String> extensionMethods,
    boolean methodOverride,
    boolean caseInsensitivePaths,
    ConnectionPool connectionPool,
    ExchangeDeadline exchangeDeadline,
    boolean echoRequestId) {

  /**
   * Copies every collection and checks that nothing is null.
   *
   * @param routes the routes, in declaration order, which is their precedence
   * @param filters the global filters, in order
   * @param time where durations (monotonic) and calendar time (wall clock) are read
   * @param trustedProxies addresses or CIDR blocks whose forwarding headers are believed
   * @param connectTimeout the default upstream connect timeout
   * @param responseTimeout the default upstream response timeout
   * @param transport a replacement for the built-in upstream client
   * @param auth the default authentication of routes that set none
   * @param consumers the consumers declared one by one
   * @param consumerStore a store of consumers kept elsewhere
   * @param identityHeaders the headers that tell upstreams who is calling
   * @param rateLimits the global rate limits, checked for every route
   * @param rateLimitHeaders which rate-limit headers responses carry
   * @param rateLimitStore a store that instances share rate-limit state in
   * @param rateLimitFallback what happens while that store cannot answer
   * @param usagePlans the usage plans' quotas, by plan name
   * @param defaultUsagePlan the plan of principals that have none
   * @param observers who is told of every finished request and state change
   * @param accessLog whether each finished request is logged to SLF4J
   * @param metering the metering of usage per consumer and route, if on
   * @param version the configuration's version label, if one was given
   * @param tracing the tracing of requests and upstream calls; without it, W3C trace context is propagated
   * @param requestLimits the size limits every request must keep to, checked at ingress
   * @param underscoreHeaders what happens to request headers whose names contain {@code _}
   * @param extensionMethods request methods beyond RFC 9110's nine that the gateway routes; any other gets 501
   * @param methodOverride whether a POST's method-override header or {@code _method} query parameter is honoured
   * @param caseInsensitivePaths whether path patterns match ignoring ASCII case
   * @param connectionPool how the built-in upstream client pools connections and resolves names
   * @param exchangeDeadline the whole-exchange deadline and response body rate of routes that set none
   * @param echoRequestId whether every response carries the request's {@code X-Request-Id}
   */
  public GatewaySpec {
    routes = List.copyOf(routes);
    filters = List.copyOf(filters);
    Objects.requireNonNull(time, "time");
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(auth, "auth");
    consumers = List.copyOf(consumers);
    Objects.requireNonNull(consumerStore, "consumerStore");
    Objects.requireNonNull(identityHeaders, "identityHeaders");
    rateLimits = List.copyOf(rateLimits);
    Objects.requireNonNull(rateLimitHeaders, "rateLimitHeaders");
    Objects.requireNonNull(rateLimitStore, "rateLimitStore");
    Objects.requireNonNull(rateLimitFallback, "rateLimitFallback");
    Map<String, List<Quota>> plans = new LinkedHashMap<>();
    usagePlans.forEach((plan, quotas) -> plans.put(plan, List.copyOf(quotas)));
    usagePlans = Collections.unmodifiableMap(plans);
    Objects.requireNonNull(defaultUsagePlan, "defaultUsagePlan");
    observers = List.copyOf(observers);
    Objects.requireNonNull(metering, "metering");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(tracing, "tracing");
    Objects.requireNonNull(requestLimits, "requestLimits");
    Objects.requireNonNull(underscoreHeaders, "underscoreHeaders");
    extensionMethods = Collections.unmodifiableSet(new LinkedHashSet<>(extensionMethods));
    Objects.requireNonNull(connectionPool, "connectionPool");
    Objects.requireNonNull(exchangeDeadline, "exchangeDeadline");
  }

  /**
   * A builder holding this description.
   *
   * @return the builder
   */
  public Gateway.Builder toBuilder() {
    return new Gateway.Builder(this);
  }

  @Override
  public String toString() {
    return Text.record(this);
  }
}
