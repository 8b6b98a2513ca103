package io.gatehouse.route;

import io.gatehouse.cache.ResponseCache;
import io.gatehouse.filter.Filter;
import io.gatehouse.internal.Text;
import io.gatehouse.transform.BodyTransform;
import io.gatehouse.transform.Compression;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.validation.RequestValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable description of one route, as declared with {@link RouteBuilder}, in parts: which
 * requests it takes ({@link #match()}), how it changes them ({@link #rewrite()}), where they go
 * ({@link #destination()}), how it copes with failing upstreams ({@link #resilience()}), who may use
 * it and how much ({@link #access()}), and its own filters. The compiler turns it into a matcher and
 * a filter chain at {@code build()}; nothing here is checked beyond what each setter checks at once.
 * Only the builder makes one; {@link #toBuilder()} derives a variant.
 *
 * <p>{@code RouteSpec spec = RouteSpec.builder("orders").path("/orders/**").upstream("http://orders:8080").build();}
 *
 * @since 0.1
 */
public final class RouteSpec {
  private final String id;
  private final RouteMatch match;
  private final RouteRewrite rewrite;
  private final RouteDestination destination;
  private final RouteResilience resilience;
  private final RouteAccess access;
  private final List<Filter> filters;
  private final Optional<ResponseCache> cache;
  private final Optional<RequestValidation> validation;
  private final Optional<BodyTransform> requestTransform;
  private final Optional<BodyTransform> responseTransform;
  private final Optional<Compression> compression;

  RouteSpec(String id, RouteMatch match, RouteRewrite rewrite, RouteDestination destination,
      RouteResilience resilience, RouteAccess access, List<Filter> filters, Optional<ResponseCache> cache,
      Optional<RequestValidation> validation, Optional<BodyTransform> requestTransform,
      Optional<BodyTransform> responseTransform, Optional<Compression> compression) {
    this.id = Objects.requireNonNull(id, "id");
    this.match = Objects.requireNonNull(match, "match");
    this.rewrite = Objects.requireNonNull(rewrite, "rewrite");
    this.destination = Objects.requireNonNull(destination, "destination");
    this.resilience = Objects.requireNonNull(resilience, "resilience");
    this.access = Objects.requireNonNull(access, "access");
    this.filters = List.copyOf(filters);
    this.cache = Objects.requireNonNull(cache, "cache");
    this.validation = Objects.requireNonNull(validation, "validation");
    this.requestTransform = Objects.requireNonNull(requestTransform, "requestTransform");
    this.responseTransform = Objects.requireNonNull(responseTransform, "responseTransform");
    this.compression = Objects.requireNonNull(compression, "compression");
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

  /**
   * The route's id, unique in its gateway.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Which requests the route takes: paths, methods, hosts, conditions and predicates.
   *
   * @return the match
   */
  public RouteMatch match() {
    return match;
  }

  /**
   * How the route changes the request's path and headers, and the response's headers.
   *
   * @return the rewrite
   */
  public RouteRewrite rewrite() {
    return rewrite;
  }

  /**
   * Where the route's requests go: an upstream, a split or a fixed response; a mirror; a fallback.
   *
   * @return the destination
   */
  public RouteDestination destination() {
    return destination;
  }

  /**
   * How the route copes with slow and failing upstreams: timeouts, retries, circuit breaker.
   *
   * @return the resilience settings
   */
  public RouteResilience resilience() {
    return resilience;
  }

  /**
   * Who may use the route and how much: authentication, access rules, rate and concurrency limits,
   * body size.
   *
   * @return the access settings
   */
  public RouteAccess access() {
    return access;
  }

  /**
   * The route's own filters. They run after the built-in authentication and rate limiting, and
   * before the circuit breaker.
   *
   * @return the filters, in order
   */
  public List<Filter> filters() {
    return filters;
  }

  /**
   * The route's response cache.
   *
   * @return the cache; empty when the route caches nothing
   * @since 0.2
   */
  public Optional<ResponseCache> cache() {
    return cache;
  }

  /**
   * The route's request validation: it runs after authentication and the limits, before the
   * route's filters, and nothing reaches the upstream unless it passes.
   *
   * @return the validation; empty when the route validates nothing
   * @since 0.2
   */
  public Optional<RequestValidation> validation() {
    return validation;
  }

  /**
   * The transformation of the request body before it goes upstream.
   *
   * @return the transformation; empty when the body goes as it is
   * @since 0.3
   */
  public Optional<BodyTransform> requestTransform() {
    return requestTransform;
  }

  /**
   * The transformation of the response body on its way to the client.
   *
   * @return the transformation; empty when the body comes back as it is
   * @since 0.3
   */
  public Optional<BodyTransform> responseTransform() {
    return responseTransform;
  }

  /**
   * The compression of the route's responses.
   *
   * @return the settings; empty when none are set (nothing is compressed)
   * @since 0.3
   */
  public Optional<Compression> compression() {
    return compression;
  }

  /**
   * Every upstream the route may call: its upstream, its split's, its fallback, its mirror and its
   * aggregation's backends.
   *
   * @return the upstreams, in that order; empty for a route that answers by itself
   */
  public List<Upstream> upstreamsUsed() {
    List<Upstream> all = new ArrayList<>();
    destination.upstream().ifPresent(all::add);
    destination.split().ifPresent(s -> {
      s.branches().forEach(b -> all.add(b.upstream()));
      s.rules().forEach(r -> all.add(r.upstream()));
    });
    destination.fallbackUpstream().ifPresent(all::add);
    destination.mirror().ifPresent(m -> all.add(m.upstream()));
    destination.aggregation().ifPresent(a -> a.backends().forEach(b -> all.add(b.upstream())));
    return List.copyOf(all);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteSpec r && id.equals(r.id) && match.equals(r.match) && rewrite.equals(r.rewrite)
        && destination.equals(r.destination) && resilience.equals(r.resilience) && access.equals(r.access)
        && filters.equals(r.filters) && cache.equals(r.cache) && validation.equals(r.validation)
        && requestTransform.equals(r.requestTransform) && responseTransform.equals(r.responseTransform)
        && compression.equals(r.compression);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, match, rewrite, destination, resilience, access, filters, cache, validation,
        requestTransform, responseTransform, compression);
  }

  @Override
  public String toString() {
    return Text.fields(this, "id", id, "match", match, "rewrite", rewrite, "destination", destination,
        "resilience", resilience, "access", access, "filters", filters, "cache", cache, "validation", validation,
        "requestTransform", requestTransform, "responseTransform", responseTransform, "compression", compression);
  }
}
