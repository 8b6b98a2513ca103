/**
 * Route declarations: {@link io.gatehouse.route.RouteBuilder} is where a route is written,
 * {@link io.gatehouse.route.RouteSpec} the immutable result the compiler reads, and
 * {@link io.gatehouse.route.RouteExplanation} what {@code Gateway.explain(request)} says about a request.
 * A {@code RouteSpec} is read in parts: {@link io.gatehouse.route.RouteMatch} (which requests),
 * {@link io.gatehouse.route.RouteRewrite} (how they change), {@link io.gatehouse.route.RouteDestination}
 * (where they go), {@link io.gatehouse.route.RouteResilience} (timeouts, retries, circuit breaker) and
 * {@link io.gatehouse.route.RouteAccess} (authentication, access rules, limits).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.route;
