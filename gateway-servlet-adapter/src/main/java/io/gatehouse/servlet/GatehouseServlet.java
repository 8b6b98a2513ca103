package io.gatehouse.servlet;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.SwappableGateway;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A Jakarta Servlet 6 {@link Servlet} that passes each request to a {@link Gateway}, which can be
 * swapped while requests are in flight. Register the instance with async support, at a path
 * mapping such as {@code /gw/*}, beside the application's own servlets, in any context.
 *
 * <pre>{@code
 * GatehouseServlet gw = GatehouseServlet.of(gateway);
 * ServletRegistration.Dynamic reg = servletContext.addServlet("gatehouse", gw);
 * reg.setAsyncSupported(true);
 * reg.addMapping("/gw/*");          // /ctx/gw/orders/7 reaches the gateway as /orders/7
 * ...
 * Gateway old = gw.swap(next);      // new requests go to next; old's requests finish on it
 * gw.swappable().drained(old).thenRunAsync(old::close, executor);
 * }</pre>
 *
 * <p><b>What the gateway sees.</b> The method; the path below the mount, still percent-encoded as
 * the client sent it (the raw {@code getRequestURI()} minus the context path and, for a path
 * mapping like {@code /gw/*}, the servlet path; for the default mapping {@code /}, an exact or an
 * extension mapping, everything below the context path); the mount, as
 * {@link io.gatehouse.http.Request#mountPath()}, which the gateway passes to upstreams in
 * {@code X-Forwarded-Prefix}; the raw query; every header field; the peer's address and the
 * scheme as the container reports them; and the body as a stream with back-pressure. A raw target
 * that does not line up with the mount (the container normalized the prefix itself, as in
 * {@code /x/../gw/a}) gets 400 {@code application/problem+json}. The container parses and
 * canonicalizes the target first, and answers some targets itself (Tomcat and Jetty refuse an
 * encoded {@code /} with 400, for instance) or maps them elsewhere ({@code /gw/../a} is the
 * application's {@code /a}); whatever reaches the gateway is checked and normalized by it as on
 * the Undertow adapter.
 *
 * <p><b>Threading.</b> {@link #service} runs on a container thread and never blocks: it starts
 * async mode, and the body is read with a {@code ReadListener} and written with a
 * {@code WriteListener}, only as fast as the upstream takes it and the client reads it. The
 * gateway is called on the container thread that runs {@code service}; the response is written
 * on whichever thread has it ready (a container thread or the upstream client's), one thread at
 * a time.
 *
 * <p><b>Responses.</b> The container frames the body: {@code Content-Length} when its length is
 * known, chunked otherwise; the response's own {@code Content-Length},
 * {@code Transfer-Encoding} and {@code Connection} fields are dropped, and {@code Connection:
 * close} is kept when the gateway asks to close. If the gateway fails, or the body fails before
 * its first byte, the client gets a 502 {@code application/problem+json}; if the body fails later,
 * the connection is cut (through one more async dispatch to this servlet, which throws, so that
 * the container closes the connection) and the client sees a truncated response. If the client
 * goes away (a failed write or read, the container's {@code AsyncListener.onError}), the
 * gateway's stage and the response body's subscription are cancelled, which cancels the upstream
 * exchange. A client that leaves while the upstream has not answered yet is noticed when the
 * container notices it (at the latest, when the response is written).
 *
 * <p><b>Slow clients.</b> A request body that pauses longer than the body idle timeout (30 s), or
 * arrives at under the minimum rate (240 bytes per second once 5 s of waiting have passed), is
 * ended as on the Undertow adapter: 408 {@code application/problem+json} with {@code Connection:
 * close} if no response has started (else the connection is cut), and the upstream call is
 * cancelled. Only time the gateway spends waiting on the client counts, not time its upstream
 * takes to read. See {@link Builder#requestBodyIdleTimeout} and {@link Builder#minRequestBodyRate};
 * the timer is one daemon thread per servlet, stopped by {@link #destroy()}.
 *
 * <p><b>Stopping.</b> {@link #destroy()} turns new requests away (503 problem+json with
 * {@code Connection: close} and {@code Retry-After}), waits up to the drain timeout for those in
 * flight, response bodies included, then ends what is left. The gateway is not closed.
 *
 * @since 0.1
 */
public final class GatehouseServlet implements Servlet {
  /** How long {@link #destroy()} waits for requests in flight unless the builder says otherwise. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private final GatewayMount mount;
  private volatile ServletConfig config;

  private GatehouseServlet(Builder b) {
    this.mount = new GatewayMount("GatehouseServlet", b.gateway, b.asyncTimeout, b.drainTimeout,
        new BodyPace.Limits(b.requestBodyIdleTimeout, b.minRequestBodyRate, b.minRequestBodyRateGrace));
  }

  /**
   * A servlet with the defaults: no async timeout of the container's (the gateway's route
   * timeouts bound each request), a drain of up to {@link #DEFAULT_DRAIN_TIMEOUT} on
   * {@link #destroy()}.
   *
   * <pre>{@code
   * servletContext.addServlet("gatehouse", GatehouseServlet.of(gateway)).addMapping("/gw/*");
   * }</pre>
   *
   * @param gateway the gateway; the servlet does not close it
   * @return a new servlet
   */
  public static GatehouseServlet of(Gateway gateway) {
    return builder(gateway).build();
  }

  /**
   * A builder for a servlet with other timeouts.
   *
   * <pre>{@code
   * GatehouseServlet gw = GatehouseServlet.builder(gateway).drainTimeout(Duration.ofSeconds(5)).build();
   * }</pre>
   *
   * @param gateway the gateway; the servlet does not close it
   * @return a builder with the defaults of {@link #of}
   */
  public static Builder builder(Gateway gateway) {
    return new Builder(Objects.requireNonNull(gateway, "gateway"));
  }

  /**
   * Replaces the gateway for requests that start from now on. Requests already started keep the
   * gateway they started with and finish on it. The previous gateway is not closed: close it once
   * {@code swappable().drained(previous)} completes. Before it takes requests, {@code next} takes
   * over the previous gateway's run-time state for every part whose definition is unchanged; see
   * {@link SwappableGateway#swap}.
   *
   * <pre>{@code
   * Gateway previous = servlet.swap(next);
   * servlet.swappable().drained(previous).thenRunAsync(previous::close, executor);
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
   * Gateway now = servlet.current();
   * }</pre>
   *
   * @return the current gateway
   */
  public Gateway current() {
    return mount.gateways().current();
  }

  /**
   * The holder of this servlet's gateway: swap through it, learn when a swapped-out gateway has no
   * request in flight here any more ({@link SwappableGateway#drained}), or let metrics follow the
   * swaps.
   *
   * <pre>{@code
   * servlet.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @return the holder, the same for the servlet's life
   */
  public SwappableGateway swappable() {
    return mount.gateways();
  }

  /**
   * Keeps the container's configuration; the servlet needs none.
   *
   * @param config the servlet's configuration
   */
  @Override
  public void init(ServletConfig config) {
    this.config = config;
  }

  /**
   * The configuration given to {@link #init}.
   *
   * @return the configuration, or null before {@code init}, as the Servlet API has it
   */
  @Override
  public ServletConfig getServletConfig() {
    return config;
  }

  /**
   * Starts async processing and hands the request to the current gateway; returns at once, and
   * the exchange completes asynchronously.
   *
   * @param req the request; an {@link HttpServletRequest}
   * @param res the response; an {@link HttpServletResponse}
   * @throws ServletException if the request is not HTTP, or does not support async processing
   *     (register the servlet, and every filter before it, with {@code asyncSupported=true})
   * @throws IOException on the container's dispatch that cuts short a response whose body
   *     failed, so that the container closes the connection
   */
  @Override
  public void service(ServletRequest req, ServletResponse res) throws ServletException, IOException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      throw new ServletException("GatehouseServlet: " + req.getClass().getName() + " (expected: an HTTP request)");
    }
    if (mount.check(request, response)) {
      return; // the dispatch that switched a connection
    }
    mount.serve(request, response, prefix(request));
  }

  /** The context path, and the servlet path under a path mapping such as {@code /gw/*}; decoded. */
  static String prefix(HttpServletRequest request) {
    String context = RawTarget.decode(request.getServletContext().getContextPath());
    MappingMatch match = request.getHttpServletMapping().getMappingMatch();
    return match == MappingMatch.PATH ? context + request.getServletPath() : context;
  }

  /**
   * Names the servlet.
   *
   * @return {@code "Gatehouse gateway"} and the current gateway's version
   */
  @Override
  public String getServletInfo() {
    return "Gatehouse gateway " + current().version();
  }

  /**
   * Drains: turns new requests away with 503, waits up to the drain timeout for those in flight
   * (response bodies included), then ends what is left. Called by the container when it takes the
   * servlet out of service; blocks that thread. The gateway is not closed.
   */
  @Override
  public void destroy() {
    mount.drain();
  }

  @Override
  public String toString() {
    return "GatehouseServlet[" + current() + "]";
  }

  /**
   * Configures a {@link GatehouseServlet}. Not thread-safe.
   *
   * <pre>{@code
   * GatehouseServlet gw = GatehouseServlet.builder(gateway).asyncTimeout(Duration.ofMinutes(5)).build();
   * }</pre>
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Gateway gateway;
    private Duration asyncTimeout = Duration.ZERO;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private Duration requestBodyIdleTimeout = BodyPace.Limits.DEFAULTS.idle();
    private long minRequestBodyRate = BodyPace.Limits.DEFAULTS.minBytesPerSecond();
    private Duration minRequestBodyRateGrace = BodyPace.Limits.DEFAULTS.grace();

    private Builder(Gateway gateway) {
      this.gateway = gateway;
    }

    /**
     * Sets the container's async timeout for each request ({@code AsyncContext.setTimeout}): a
     * request still going after it is ended (a 503 problem if nothing was sent yet, else the
     * connection is cut) and its upstream call cancelled. Zero, the default, sets none, so that
     * a long stream is bounded by the gateway's route timeouts and the container's idle timeout
     * only.
     *
     * <pre>{@code
     * builder.asyncTimeout(Duration.ofMinutes(5));
     * }</pre>
     *
     * @param timeout the timeout, at least 0
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
     * Sets how long {@link GatehouseServlet#destroy()} waits for requests in flight; 30 seconds
     * by default.
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
     * Builds the servlet.
     *
     * <pre>{@code
     * GatehouseServlet gw = builder.build();
     * }</pre>
     *
     * @return a new servlet
     */
    public GatehouseServlet build() {
      return new GatehouseServlet(this);
    }
  }
}
