/**
 * Gateway tracing on the OpenTelemetry API. Starting point: {@link
 * io.gatehouse.opentelemetry.GatehouseTracing}, set with {@code Gateway.Builder.tracing(...)}: a
 * server span per request and a client span per upstream attempt, propagated with the
 * OpenTelemetry instance's propagators.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.opentelemetry;
