/**
 * Service-provider interfaces: how {@code build()} finds its compiler
 * ({@link io.gatehouse.spi.GatewayCompiler}), how requests reach upstreams
 * ({@link io.gatehouse.spi.UpstreamTransport}, and an adapter's own for its event-loop threads,
 * {@link io.gatehouse.spi.EventLoopTransports}), and what the adapter support in
 * {@code io.gatehouse.adapter} gets from the implementation ({@link io.gatehouse.spi.AdapterServices}).
 * Everything here is {@link io.gatehouse.Unstable}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.spi;
