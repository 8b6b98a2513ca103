package io.gatehouse.servlet;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.route.RouteExplanation;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A Jakarta Servlet 6 {@link Filter} that passes requests to a {@link Gateway} and, when asked
 * ({@link NoRoute#PASS_THROUGH}), those that no route matches on to the application's own
 * servlets. Register the instance with async support for the {@code REQUEST} and {@code ASYNC}
 * dispatcher types; the servlet that a gateway path maps to (the application's default servlet,
 * typically) must support async too, as the filter continues the request asynchronously.
 *
 * <pre>{@code
 * GatehouseFilter filter = GatehouseFilter.builder(gateway).onNoRoute(NoRoute.PASS_THROUGH).build();
 * FilterRegistration.Dynamic reg = servletContext.addFilter("gatehouse", filter);
 * reg.setAsyncSupported(true);
 * reg.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), false, "/*");
 * }</pre>
 *
 * <p>The gateway sees the raw path below the context path ({@code /ctx/api/orders} arrives as
 * {@code /api/orders}) and the context path as the {@link Request#mountPath() mount}; otherwise
 * the request, the response, threading, client disconnects, slow request bodies and stopping are as for
 * {@link GatehouseServlet}. Only requests of the {@code REQUEST} dispatcher type go to the
 * gateway; forwards, includes and error dispatches pass on.
 *
 * <p><b>Passing through.</b> With {@link NoRoute#PASS_THROUGH}, each request is first
 * {@linkplain Gateway#explain explained} (no filter runs, no body is read); if no route matches
 * its path, it goes down the chain as if the filter were not there. That costs a walk of the
 * route table per request; with {@link NoRoute#RESPOND_404} (the default) every request goes to
 * the gateway. A gateway that cannot explain its routing (a test double) gets every request.
 *
 * @since 0.1
 */
public final class GatehouseFilter implements Filter {
  private final GatewayMount mount;
  private final NoRoute noRoute;

  private GatehouseFilter(Builder b) {
    this.mount = new GatewayMount("GatehouseFilter", b.gateway, b.asyncTimeout, b.drainTimeout,
        new BodyPace.Limits(b.requestBodyIdleTimeout, b.minRequestBodyRate, b.minRequestBodyRateGrace));
    this.noRoute = b.noRoute;
  }

  /**
   * A filter with the defaults: every request to the gateway ({@link NoRoute#RESPOND_404}), no
   * async timeout of the container's, a drain of up to
   * {@link GatehouseServlet#DEFAULT_DRAIN_TIMEOUT} on {@link #destroy()}.
   *
   * <pre>{@code
   * servletContext.addFilter("gatehouse", GatehouseFilter.of(gateway));
   * }</pre>
   *
   * @param gateway the gateway; the filter does not close it
   * @return a new filter
   */
  public static GatehouseFilter of(Gateway gateway) {
    return builder(gateway).build();
  }

  /**
   * A builder for a filter that passes unmatched requests on, or has other timeouts.
   *
   * <pre>{@code
   * GatehouseFilter filter = GatehouseFilter.builder(gateway).onNoRoute(NoRoute.PASS_THROUGH).build();
   * }</pre>
   *
   * @param gateway the gateway; the filter does not close it
   * @return a builder with the defaults of {@link #of}
   */
  public static Builder builder(Gateway gateway) {
    return new Builder(Objects.requireNonNull(gateway, "gateway"));
  }

  /**
   * Replaces the gateway for requests that start from now on; see {@link GatehouseServlet#swap}.
   *
   * <pre>{@code
   * Gateway previous = filter.swap(next);
   * filter.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @param next the gateway for new requests
   * @return the gateway it replaces
   */
  public Gateway swap(Gateway next) {
    return mount.gateways().swap(next);
  }

  /**
   * The gateway that new requests go to.
   *
   * <pre>{@code
   * Gateway now = filter.current();
   * }</pre>
   *
   * @return the current gateway
   */
  public Gateway current() {
    return mount.gateways().current();
  }

  /**
   * The holder of this filter's gateway; see {@link GatehouseServlet#swappable()}.
   *
   * <pre>{@code
   * filter.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @return the holder, the same for the filter's life
   */
  public SwappableGateway swappable() {
    return mount.gateways();
  }

  /**
   * Hands the request to the gateway, or passes it on down the chain (see the class comment);
   * returns at once when the gateway has it, and the exchange completes asynchronously.
   *
   * @param req the request
   * @param res the response
   * @param chain the rest of the application's chain
   * @throws ServletException if the request does not support async processing
   * @throws IOException on the container's dispatch that cuts short a response whose body
   *     failed, so that the container closes the connection
   */
  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    switch (request.getDispatcherType()) {
      case REQUEST -> {}
      case ASYNC -> {
        if (!mount.check(request, response)) { // throws on the cut's dispatch; switches on a 101's
          chain.doFilter(req, res);
        }
        return;
      }
      default -> {
        chain.doFilter(req, res);
        return;
      }
    }
    String prefix = RawTarget.decode(request.getServletContext().getContextPath());
    if (noRoute == NoRoute.PASS_THROUGH && noRouteMatches(request, prefix)) {
      chain.doFilter(req, res);
      return;
    }
    mount.check(request, response);
    mount.serve(request, response, prefix);
  }

  /** Whether the current gateway would answer 404 for want of a route. */
  private boolean noRouteMatches(HttpServletRequest request, String prefix) {
    Optional<String> path = RawTarget.relativePath(request.getRequestURI(), prefix);
    if (path.isEmpty()) {
      return false; // the gateway's 400
    }
    RouteExplanation why;
    try {
      Request probe = Request.builder(request.getMethod(), path.get())
          .headers(ServletExchange.headers(request))
          .mountPath(RawTarget.mountPath(prefix))
          .body(Body.empty())
          .build();
      String query = request.getQueryString();
      if (query != null && !query.isEmpty()) {
        probe = probe.toBuilder().rawQuery(RawTarget.escapeNonAscii(query)).build();
      }
      why = current().explain(probe);
    } catch (RuntimeException e) {
      return false; // a request the gateway refuses, or a gateway that cannot explain: the gateway answers
    }
    return why.matchedRoute().isEmpty() && why.problem().filter(p -> p.startsWith("404 ")).isPresent();
  }

  /**
   * Drains as {@link GatehouseServlet#destroy()} does. Called by the container when it takes the
   * filter out of service; blocks that thread. The gateway is not closed.
   */
  @Override
  public void destroy() {
    mount.drain();
  }

  @Override
  public String toString() {
    return "GatehouseFilter[" + noRoute + ", " + current() + "]";
  }

  /**
   * Configures a {@link GatehouseFilter}. Not thread-safe.
   *
   * <pre>{@code
   * GatehouseFilter filter = GatehouseFilter.builder(gateway).onNoRoute(NoRoute.PASS_THROUGH).build();
   * }</pre>
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Gateway gateway;
    private NoRoute noRoute = NoRoute.RESPOND_404;
    private Duration asyncTimeout = Duration.ZERO;
    private Duration drainTimeout = GatehouseServlet.DEFAULT_DRAIN_TIMEOUT;
    private Duration requestBodyIdleTimeout = BodyPace.Limits.DEFAULTS.idle();
    private long minRequestBodyRate = BodyPace.Limits.DEFAULTS.minBytesPerSecond();
    private Duration minRequestBodyRateGrace = BodyPace.Limits.DEFAULTS.grace();

    private Builder(Gateway gateway) {
      this.gateway = gateway;
    }

    /**
     * What to do with a request no route matches; {@link NoRoute#RESPOND_404} by default.
     *
     * <pre>{@code
     * builder.onNoRoute(NoRoute.PASS_THROUGH);
     * }</pre>
     *
     * @param noRoute pass it on to the application, or answer 404
     * @return this builder
     */
    public Builder onNoRoute(NoRoute noRoute) {
      this.noRoute = Objects.requireNonNull(noRoute, "noRoute");
      return this;
    }

    /**
     * Sets the container's async timeout for each request; see
     * {@link GatehouseServlet.Builder#asyncTimeout}.
     *
     * <pre>{@code
     * builder.asyncTimeout(Duration.ofMinutes(5));
     * }</pre>
     *
     * @param timeout the timeout, at least 0; zero, the default, sets none
     * @return this builder
     */
    public Builder asyncTimeout(Duration timeout) {
      this.asyncTimeout = GatewayMount.checkAsyncTimeout(timeout);
      return this;
    }


    /**
     * Sets the longest pause in a request body while the gateway waits for it: a client that
     * sends nothing for longer gets 408 {@code application/problem+json} (if no response has
     * started; else the connection is cut) and its connection closed, and the upstream call is
     * aborted. Time while the gateway is not reading (its upstream is slow) does not count.
     * Defaults to 30 seconds, as on the Undertow adapter; the container's own idle timeout
     * still applies.
     *
     * <pre>{@code
     * builder.requestBodyIdleTimeout(Duration.ofSeconds(10));
     * }</pre>
     *
     * @param timeout more than zero, at most {@code Integer.MAX_VALUE} milliseconds
     * @return this builder
     */
    public Builder requestBodyIdleTimeout(Duration timeout) {
      this.requestBodyIdleTimeout = BodyPaceTimer.checkIdle(timeout);
      return this;
    }

    /**
     * Sets the slowest average rate at which a request body may arrive, counted over the time the
     * gateway waits on the client once {@code grace} of such waiting has passed; a slower client
     * is treated as in {@link #requestBodyIdleTimeout}. Defaults to 240 bytes per second after 5
     * seconds (Kestrel's {@code MinRequestBodyDataRate}), as on the Undertow adapter; 0 turns the
     * check off.
     *
     * <pre>{@code
     * builder.minRequestBodyRate(1024, Duration.ofSeconds(2));
     * }</pre>
     *
     * @param bytesPerSecond zero or more
     * @param grace zero or more
     * @return this builder
     */
    public Builder minRequestBodyRate(long bytesPerSecond, Duration grace) {
      BodyPaceTimer.checkMinRate(bytesPerSecond, grace);
      this.minRequestBodyRate = bytesPerSecond;
      this.minRequestBodyRateGrace = grace;
      return this;
    }
    /**
     * Sets how long {@link GatehouseFilter#destroy()} waits for requests in flight; 30 seconds by
     * default.
     *
     * <pre>{@code
     * builder.drainTimeout(Duration.ofSeconds(5));
     * }</pre>
     *
     * @param timeout the timeout, at least 0; zero does not wait
     * @return this builder
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = GatewayMount.checkDrainTimeout(timeout);
      return this;
    }

    /**
     * Builds the filter.
     *
     * <pre>{@code
     * GatehouseFilter filter = builder.build();
     * }</pre>
     *
     * @return a new filter
     */
    public GatehouseFilter build() {
      return new GatehouseFilter(this);
    }
  }
}
