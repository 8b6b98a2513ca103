package io.gatehouse;

import io.gatehouse.edge.Cors;
import io.gatehouse.filter.Filter;
import io.gatehouse.internal.Text;
import io.gatehouse.route.RouteSpec;
import java.util.List;
import java.util.Objects;

/**
 * The immutable description of a whole gateway, as declared with {@link Gateway.Builder}: its
 * routes, global filters and time source, and its settings in parts: how requests are taken in
 * ({@link #ingress()}), how upstreams are called ({@link #upstreams()}), who is calling
 * ({@link #identity()}), how much they may use ({@link #rateLimiting()}) and what is told about it
 * ({@link #observation()}); and the CORS policy of the routes that set none ({@link #cors()}).
 * A built {@link Gateway} returns it from {@link Gateway#spec()}, and
 * {@link #toBuilder()} derives a variant (how the test fixtures swap the transport for stubs).
 * Only the builder makes one.
 *
 * <p>{@code Gateway variant = gateway.spec().toBuilder().time(manualClock).build();}
 *
 * @since 0.1
 */
public final class GatewaySpec {
  private final List<RouteSpec> routes;
  private final List<Filter> filters;
  private final TimeSource time;
  private final IngressSettings ingress;
  private final UpstreamSettings upstreams;
  private final IdentitySettings identity;
  private final RateLimitSettings rateLimiting;
  private final ObservationSettings observation;
  private final Cors cors;

  GatewaySpec(List<RouteSpec> routes, List<Filter> filters, TimeSource time, IngressSettings ingress,
      UpstreamSettings upstreams, IdentitySettings identity, RateLimitSettings rateLimiting,
      ObservationSettings observation, Cors cors) {
    this.routes = List.copyOf(routes);
    this.filters = List.copyOf(filters);
    this.time = Objects.requireNonNull(time, "time");
    this.ingress = Objects.requireNonNull(ingress, "ingress");
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.rateLimiting = Objects.requireNonNull(rateLimiting, "rateLimiting");
    this.observation = Objects.requireNonNull(observation, "observation");
    this.cors = Objects.requireNonNull(cors, "cors");
  }

  /**
   * A builder holding this description.
   *
   * @return the builder
   */
  public Gateway.Builder toBuilder() {
    return new Gateway.Builder(this);
  }

  /**
   * The routes.
   *
   * @return the routes, in declaration order, which is their precedence
   */
  public List<RouteSpec> routes() {
    return routes;
  }

  /**
   * The global filters: they run for every routed request, after routing and before the route's
   * own filters.
   *
   * @return the filters, in order
   */
  public List<Filter> filters() {
    return filters;
  }

  /**
   * Where durations (monotonic) and calendar time (wall clock) are read.
   *
   * @return the time source
   */
  public TimeSource time() {
    return time;
  }

  /**
   * How requests are taken in: trusted proxies, size limits, header and method policies, path case,
   * request id echo.
   *
   * @return the ingress settings
   */
  public IngressSettings ingress() {
    return ingress;
  }

  /**
   * How upstreams are called: default timeouts and exchange deadline, transport, connection pool.
   *
   * @return the upstream settings
   */
  public UpstreamSettings upstreams() {
    return upstreams;
  }

  /**
   * Who is calling: the default authentication, the consumers, the identity headers.
   *
   * @return the identity settings
   */
  public IdentitySettings identity() {
    return identity;
  }

  /**
   * How much callers may use: global rate limits, their headers and store, usage plans.
   *
   * @return the rate-limit settings
   */
  public RateLimitSettings rateLimiting() {
    return rateLimiting;
  }

  /**
   * What is told about the gateway's work: observers, access log, metering, version, tracing.
   *
   * @return the observation settings
   */
  public ObservationSettings observation() {
    return observation;
  }

  /**
   * The CORS policy of every route that sets none.
   *
   * @return the policy; {@link Cors#none()} unless set
   * @since 0.2
   */
  public Cors cors() {
    return cors;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewaySpec g && routes.equals(g.routes) && filters.equals(g.filters) && time.equals(g.time)
        && ingress.equals(g.ingress) && upstreams.equals(g.upstreams) && identity.equals(g.identity)
        && rateLimiting.equals(g.rateLimiting) && observation.equals(g.observation) && cors.equals(g.cors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(routes, filters, time, ingress, upstreams, identity, rateLimiting, observation, cors);
  }

  @Override
  public String toString() {
    return Text.fields(this, "routes", routes, "filters", filters, "time", time, "ingress", ingress,
        "upstreams", upstreams, "identity", identity, "rateLimiting", rateLimiting, "observation", observation,
        "cors", cors);
  }
}
