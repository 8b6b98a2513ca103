/**
 * Gatehouse, an API gateway embedded in your process. Start at {@link io.gatehouse.Gateway}:
 * {@code Gateway.builder()} declares routes, {@code build()} compiles them, and
 * {@link io.gatehouse.Gateway#spec()} returns the declaration as a {@link io.gatehouse.GatewaySpec},
 * read in parts: {@link io.gatehouse.IngressSettings}, {@link io.gatehouse.UpstreamSettings},
 * {@link io.gatehouse.IdentitySettings}, {@link io.gatehouse.RateLimitSettings} and
 * {@link io.gatehouse.ObservationSettings}.
 *
 * <p>Packages: {@code io.gatehouse.route} declares routes, {@code io.gatehouse.http} is the
 * exchange model, {@code io.gatehouse.filter} the extension point, {@code io.gatehouse.spi} the
 * service-provider interfaces. No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse;
