package io.gatehouse.impl.proxy;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.pool.Lease;
import io.gatehouse.impl.pool.Pick;
import io.gatehouse.impl.resilience.CallOutcome;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.Mirror;
import java.math.BigDecimal;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a copy of a request to a route's mirror upstream and forgets it: the answer is read and
 * dropped, failures are logged at debug level, and nothing of it reaches the client.
 */
final class RequestMirror {
  private static final Logger log = LoggerFactory.getLogger(RequestMirror.class);
  private static final long DRAIN_LIMIT = 1024 * 1024;

  private final String routeId;
  private final Mirror spec;
  private final Destination destination;
  private final UpstreamTransport transport;
  private final TimeSource time;

  RequestMirror(String routeId, Mirror spec, Destination destination, UpstreamTransport transport, TimeSource time) {
    this.time = time;
    this.routeId = routeId;
    this.spec = spec;
    this.destination = destination;
    this.transport = transport;
  }

  /** The largest body this mirror copies. */
  long maxBody() {
    return spec.maxBody();
  }

  /** Whether this request is among the sampled fraction. */
  boolean sampled() {
    return spec.fraction() >= 1 || ThreadLocalRandom.current().nextDouble() < spec.fraction();
  }

  /**
   * Sends the copy.
   *
   * @param template the request as it goes upstream, without the target's base path
   * @param path the path, to which the target's base path is prepended
   * @param body the body's bytes (empty for none)
   * @param requestId for the log
   */
  void send(Request template, String path, byte[] body, String requestId) {
    Pick pick = destination.pool().lease(null, Set.of());
    if (!(pick instanceof Lease lease)) {
      log.debug("route '{}' request {}: mirror skipped: {}", routeId, requestId, pick);
      return;
    }
    Request copy = template.toBuilder()
        .path(lease.target().basePath() + path)
        .body(body.length == 0 ? Body.empty() : Body.of(body))
        .build();
    long started = time.nanoTime();
    CompletableFuture<Response> call;
    try {
      call = transport.send(new UpstreamCall(lease.target().origin(), copy,
          destination.connectTimeout(), destination.responseTimeout(), destination.bodyIdleTimeout(),
          destination.pool().spec().tls(), destination.pool().spec().http2())).toCompletableFuture();
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((response, failure) -> {
      lease.complete(CallOutcome.of(response, failure), response == null ? 0 : response.status(), time.nanoTime() - started);
      if (response != null) {
        response.body().bytes(DRAIN_LIMIT);
      } else {
        log.debug("route '{}' request {}: mirror to {} failed: {}", routeId, requestId, lease.target(),
            String.valueOf(CallOutcome.unwrapped(failure)));
      }
    });
  }

  @Override
  public String toString() {
    return "mirror to " + destination.describe() + " (" + (spec.fraction() >= 1 ? "every request"
        : BigDecimal.valueOf(spec.fraction()).movePointRight(2).stripTrailingZeros().toPlainString() + "%") + ")";
  }
}
