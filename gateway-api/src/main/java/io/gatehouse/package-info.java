/**
 * Gatehouse, an API gateway embedded in your process. Start at {@link io.gatehouse.Gateway}:
 * {@code Gateway.builder()} declares routes, {@code build()} compiles them.
 *
 * <p>Packages: {@code io.gatehouse.route} declares routes, {@code io.gatehouse.http} is the
 * exchange model, {@code io.gatehouse.filter} the extension point, {@code io.gatehouse.spi} the
 * service-provider interfaces. No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse;
