package io.gatehouse.route;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.filter.Filter;
import io.gatehouse.internal.Text;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The immutable description of one route, as declared with {@link RouteBuilder}. The compiler
 * turns it into a matcher and a filter chain at {@code build()}; nothing here is checked beyond
 * what each setter checks at once.
 *
 * <p>{@code RouteSpec spec = RouteSpec.builder("orders").path("/orders/**").upstream("http://orders:8080").build();}
 *
 * @param id the unique route id
 * @param paths path patterns, any of which may match; empty means every path
 * @param methods accepted methods; empty means every method
 * @param hosts host patterns, any of which may match; empty means every host
 * @param conditions header, query and cookie conditions, all of which must match
 * @param predicates custom predicates, all of which must match
 * @param stripPrefix how many leading path segments to remove before the request goes upstream
 * @param rewrite a path rewrite, applied after strip-prefix
 * @param requestHeaders changes to the request headers, in order, before the request goes upstream
 * @param responseHeaders changes to the response headers, in order, on the way out
 * @param upstream the upstream group, when the route proxies to one
 * @param split the upstreams the route's traffic is split between, when it proxies to several
 * @param staticResponse the fixed response, when the route answers by itself
 * @param connectTimeout the upstream connect timeout; empty means the upstream's, else the gateway default
 * @param responseTimeout the upstream response timeout; empty means the upstream's, else the gateway default
 * @param timeout the deadline of the whole upstream exchange, all attempts together
 * @param retry how failed upstream calls are retried
 * @param circuitBreaker the route's circuit breaker
 * @param fallbackResponse the answer while the route's circuit is open
 * @param fallbackUpstream where requests go while the route's circuit is open
 * @param mirror where copies of the requests go
 * @param filters the route's own filters, in order
 * @param auth how the route authenticates; empty means the gateway's default
 * @param access what an authenticated principal needs, per method
 * @param rateLimits the route's own rate limits, after the gateway's
 * @param rateLimitCost the permits a request takes from each limit
 * @param concurrencyLimit how many of the route's requests may be in flight at once
 * @param maxRequestBody the largest request body in bytes; empty means the gateway's limit
 * @since 0.1
 */
public record RouteSpec(
    String id,
    List<String> paths,
    Set<String> methods,
    List<String> hosts,
    List<RequestCondition> conditions,
    List<RequestPredicate> predicates,
    int stripPrefix,
    Optional<PathRewrite> rewrite,
    List<HeaderOperation> requestHeaders,
    List<HeaderOperation> responseHeaders,
    Optional<Upstream> upstream,
    Optional<TrafficSplit> split,
    Optional<StaticResponse> staticResponse,
    Optional<Duration> connectTimeout,
    Optional<Duration> responseTimeout,
    Optional<Duration> timeout,
    Optional<Retry> retry,
    Optional<CircuitBreaker> circuitBreaker,
    Optional<StaticResponse> fallbackResponse,
    Optional<Upstream> fallbackUpstream,
    Optional<Mirror> mirror,
    List<Filter> filters,
    Optional<Auth> auth,
    List<AccessRule> access,
    List<RateLimit> rateLimits,
    RateLimitCost rateLimitCost,
    Optional<ConcurrencyLimit> concurrencyLimit,
    OptionalLong maxRequestBody,
    Optional<ExchangeDeadline> exchangeDeadline) {

  /**
   * Copies every collection and checks that nothing is null.
   *
   * @param id the unique route id
   * @param paths path patterns, any of which may match; empty means every path
   * @param methods accepted methods; empty means every method
   * @param hosts host patterns, any of which may match; empty means every host
   * @param conditions header, query and cookie conditions, all of which must match
   * @param predicates custom predicates, all of which must match
   * @param stripPrefix how many leading path segments to remove before the request goes upstream
   * @param rewrite a path rewrite, applied after strip-prefix
   * @param requestHeaders changes to the request headers, in order, before the request goes upstream
   * @param responseHeaders changes to the response headers, in order, on the way out
   * @param upstream the upstream group, when the route proxies to one
 * @param split the upstreams the route's traffic is split between, when it proxies to several
   * @param staticResponse the fixed response, when the route answers by itself
   * @param connectTimeout the upstream connect timeout; empty means the upstream's, else the gateway default
   * @param responseTimeout the upstream response timeout; empty means the upstream's, else the gateway default
 * @param timeout the deadline of the whole upstream exchange, all attempts together
 * @param retry how failed upstream calls are retried
 * @param circuitBreaker the route's circuit breaker
 * @param fallbackResponse the answer while the route's circuit is open
 * @param fallbackUpstream where requests go while the route's circuit is open
 * @param mirror where copies of the requests go
   * @param filters the route's own filters, in order
   * @param auth how the route authenticates; empty means the gateway's default
   * @param access what an authenticated principal needs, per method
   * @param rateLimits the route's own rate limits, after the gateway's
   * @param rateLimitCost the permits a request takes from each limit
   * @param concurrencyLimit how many of the route's requests may be in flight at once
   * @param maxRequestBody the largest request body in bytes; empty means the gateway's limit
   * @param exchangeDeadline the whole-exchange deadline and response body rate; empty means the gateway's
   */
  public RouteSpec {
    Objects.requireNonNull(id, "id");
    paths = List.copyOf(paths);
    methods = Set.copyOf(methods);
    hosts = List.copyOf(hosts);
    conditions = List.copyOf(conditions);
    predicates = List.copyOf(predicates);
    Objects.requireNonNull(rewrite, "rewrite");
    requestHeaders = List.copyOf(requestHeaders);
    responseHeaders = List.copyOf(responseHeaders);
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(staticResponse, "staticResponse");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    Objects.requireNonNull(fallbackResponse, "fallbackResponse");
    Objects.requireNonNull(fallbackUpstream, "fallbackUpstream");
    Objects.requireNonNull(mirror, "mirror");
    filters = List.copyOf(filters);
    Objects.requireNonNull(auth, "auth");
    access = List.copyOf(access);
    rateLimits = List.copyOf(rateLimits);
    Objects.requireNonNull(rateLimitCost, "rateLimitCost");
    Objects.requireNonNull(concurrencyLimit, "concurrencyLimit");
    Objects.requireNonNull(maxRequestBody, "maxRequestBody");
    Objects.requireNonNull(exchangeDeadline, "exchangeDeadline");
  }

  /**
   * Every upstream the route may call: its upstream, its split's, its fallback and its mirror.
   *
   * @return the upstreams, in that order; empty for a route that answers by itself
   */
  public List<Upstream> upstreamsUsed() {
    List<Upstream> all = new ArrayList<>();
    upstream.ifPresent(all::add);
    split.ifPresent(s -> {
      s.branches().forEach(b -> all.add(b.upstream()));
      s.rules().forEach(r -> all.add(r.upstream()));
    });
    fallbackUpstream.ifPresent(all::add);
    mirror.ifPresent(m -> all.add(m.upstream()));
    return List.copyOf(all);
  }

  /**
   * A builder for a route.
   *
   * @param id the route id: letters, digits, {@code .}, {@code _} and {@code -}
   * @return the builder
   */
  public static RouteBuilder builder(String id) {
    return new RouteBuilder(id);
  }

  /**
   * A builder holding this route's values.
   *
   * @return the builder
   */
  public RouteBuilder toBuilder() {
    return new RouteBuilder(this);
  }

  @Override
  public String toString() {
    return Text.record(this);
  }
}
