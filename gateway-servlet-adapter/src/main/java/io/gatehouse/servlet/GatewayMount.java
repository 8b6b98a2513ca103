package io.gatehouse.servlet;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.GracefulStop;
import io.gatehouse.adapter.SwappableGateway;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link GatehouseServlet} and {@link GatehouseFilter} share: the swappable gateway, the
 * stop gate with its drain, the exchanges in flight, the request body pace timer, and the
 * per-request start.
 */
final class GatewayMount {
  private static final Logger log = LoggerFactory.getLogger(GatewayMount.class);

  private final String owner;
  private final SwappableGateway gateways;
  private final GracefulStop gate = GracefulStop.create();
  private final Set<ServletExchange> live = ConcurrentHashMap.newKeySet();
  private final long asyncTimeoutMillis;
  private final Duration drainTimeout;

  private final BodyPaceTimer pace;

  GatewayMount(String owner, Gateway gateway, Duration asyncTimeout, Duration drainTimeout, BodyPace.Limits pace) {
    this.pace = new BodyPaceTimer(pace);
    this.owner = owner;
    this.gateways = SwappableGateway.of(gateway);
    this.asyncTimeoutMillis = asyncTimeout.toMillis();
    this.drainTimeout = drainTimeout;
  }

  SwappableGateway gateways() {
    return gateways;
  }

  /**
   * Throws when the request is the dispatch that {@link ServletExchange#cut} makes, so that the
   * container closes the connection of a response cut short; switches the connection on the
   * dispatch that {@link ServletExchange} makes for a 101; checks that async is possible.
   *
   * @return true if the request was that switch's dispatch, which needs nothing more
   */
  boolean check(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
    if (request.getDispatcherType() == DispatcherType.ASYNC) {
      if (request.getAttribute(ServletExchange.CUT) instanceof ServletExchange cut) {
        throw new CutShort("the response was cut short: " + cut.cutShort());
      }
      if (request.getAttribute(ServletExchange.SWITCH) instanceof ServletExchange switching) {
        request.removeAttribute(ServletExchange.SWITCH);
        switching.switchOnDispatch(request, response);
        return true;
      }
    }
    if (!request.isAsyncSupported()) {
      throw new ServletException(owner + ": the request does not support async processing (expected: "
          + owner + " and every filter before it registered with asyncSupported=true"
          + (owner.equals("GatehouseFilter") ? ", and the servlet the path maps to as well" : "") + ")");
    }
    return false;
  }

  /** Starts one request: the stop gate, a lease on the current gateway, async mode, the gateway's call. */
  void serve(HttpServletRequest request, HttpServletResponse response, String decodedPrefix) throws IOException {
    if (!gate.enter()) {
      ServletExchange refused = ServletExchange.begin(request, response, asyncTimeoutMillis, () -> {}, () -> true, pace);
      refused.respond(gate.refusal(Problems.requestId(request)));
      return;
    }
    SwappableGateway.Lease lease;
    try {
      lease = gateways.acquire();
    } catch (RuntimeException e) {
      gate.exit();
      throw e;
    }
    ServletExchange[] self = new ServletExchange[1];
    Runnable onEnd = () -> {
      try {
        live.remove(self[0]);
        lease.release();
      } finally {
        gate.exit();
      }
    };
    ServletExchange exchange;
    try {
      exchange = ServletExchange.begin(request, response, asyncTimeoutMillis, onEnd, gate::isDraining, pace);
    } catch (IOException | RuntimeException e) {
      lease.release();
      gate.exit();
      throw e;
    }
    self[0] = exchange;
    live.add(exchange);
    exchange.start(lease.gateway()::handle, decodedPrefix);
  }

  /**
   * Turns new requests away and waits, at most the drain timeout, for those in flight; then ends
   * what is left (a 503 problem if nothing was sent yet, else the connection is cut); then stops
   * the body pace timer. Blocks the calling thread, which is the container's thread that stops
   * the application.
   */
  void drain() {
    try {
      drainInFlight();
    } finally {
      pace.stop();
    }
  }

  private void drainInFlight() {
    boolean clean;
    try {
      clean = gate.drain(drainTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = gate.inFlight() == 0;
    }
    if (!clean) {
      log.warn("{}: {} requests still in flight after the drain timeout ({}); ending them: {}", owner, live.size(),
          drainTimeout, live);
      for (ServletExchange exchange : live) {
        exchange.abort(new IOException("the server is stopping"));
      }
    }
  }

  /** Thrown on the cut's dispatch. */
  static final class CutShort extends IOException {
    private static final long serialVersionUID = 1L;

    CutShort(String message) {
      super(message);
    }
  }

  static Duration checkAsyncTimeout(Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("asyncTimeout: " + timeout + " (expected: >= 0; 0 for none)");
    }
    return timeout;
  }

  static Duration checkDrainTimeout(Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: >= 0)");
    }
    return timeout;
  }
}
