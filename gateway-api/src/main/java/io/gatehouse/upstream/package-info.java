/**
 * Upstreams that stay up. Starting points: {@link io.gatehouse.upstream.Upstream} (a group of
 * targets with a load-balancing strategy, health checks, outlier detection and concurrency caps,
 * shared by name between routes), {@link io.gatehouse.upstream.Retry} and
 * {@link io.gatehouse.upstream.CircuitBreaker} (per route), {@link io.gatehouse.upstream.TrafficSplit}
 * (canaries) and {@link io.gatehouse.upstream.Mirror} (shadow traffic).
 * {@link io.gatehouse.upstream.UpstreamTls} sets how the gateway speaks TLS to an upstream
 * (pinned authorities, a client certificate for mutual TLS, the server name).
 * {@link io.gatehouse.upstream.ServiceDiscovery} is the SPI for targets that change at run time;
 * {@link io.gatehouse.Gateway#upstreams()} reports their health.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.upstream;
