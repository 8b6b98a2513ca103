/**
 * Route declarations: {@link io.gatehouse.route.RouteBuilder} is where a route is written,
 * {@link io.gatehouse.route.RouteSpec} the immutable result the compiler reads, and
 * {@link io.gatehouse.route.RouteExplanation} what {@code Gateway.explain(request)} says about a request.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.route;
