/**
 * Service-provider interfaces: how {@code build()} finds its compiler
 * ({@link io.gatehouse.spi.GatewayCompiler}) and how requests reach upstreams
 * ({@link io.gatehouse.spi.UpstreamTransport}). Everything here is {@link io.gatehouse.Unstable}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.spi;
