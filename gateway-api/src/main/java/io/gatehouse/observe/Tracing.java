package io.gatehouse.observe;

import io.gatehouse.Unstable;
import io.gatehouse.http.Request;

/**
 * Traces requests: starts a {@link RequestSpan} for every request the gateway receives, which in
 * turn makes an {@link UpstreamSpan} for every upstream attempt. Set one with
 * {@code Gateway.Builder.tracing(...)}; the module {@code io.gatehouse:gateway-opentelemetry}
 * provides one on the OpenTelemetry API. Without one, the gateway propagates W3C Trace Context
 * ({@code traceparent}) by itself: it keeps a valid incoming trace id, or starts a trace, and
 * gives every upstream call a new parent id.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .tracing(GatehouseTracing.of(openTelemetry))
 *     .route("orders", r -> r.path("/api/orders/**").upstream("http://orders:8080"))
 *     .build();
 * }</pre>
 *
 * <p>Contract: called on the thread that handles the request (an I/O thread, often),
 * concurrently for different requests; must not block and must not throw.
 *
 * @since 0.1
 */
@Unstable
@FunctionalInterface
public interface Tracing {

  /**
   * A request arrived: starts its span, continuing the trace its headers carry, if any.
   *
   * <p>{@code RequestSpan span = tracing.start(request);}
   *
   * @param request the request as received, before normalization and routing
   * @return the request's span
   */
  RequestSpan start(Request request);
}
