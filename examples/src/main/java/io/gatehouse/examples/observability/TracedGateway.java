package io.gatehouse.examples.observability;

import io.gatehouse.Gateway;
import io.gatehouse.opentelemetry.GatehouseTracing;
import io.opentelemetry.api.OpenTelemetry;

/** A gateway whose requests and upstream calls are OpenTelemetry spans; the README quotes it and its test exports them. */
public final class TracedGateway {
  private TracedGateway() {}

  /**
   * The orders route, traced.
   *
   * @param openTelemetry the application's OpenTelemetry, such as an {@code OpenTelemetrySdk}
   * @param ordersUrl where the orders service listens
   * @return the builder
   */
  // tag::tracing[]
  public static Gateway.Builder gateway(OpenTelemetry openTelemetry, String ordersUrl) {
    return Gateway.builder()
        .tracing(GatehouseTracing.of(openTelemetry))      // a SERVER span per request, a CLIENT span per attempt
        .route("orders", r -> r.path("/api/orders/{id}").upstream(ordersUrl));
  }
  // end::tracing[]
}
