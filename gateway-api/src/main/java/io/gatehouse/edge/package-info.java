/**
 * The front door: what the gateway decides about a request because of where it comes from, and
 * what it adds to every answer, whatever the route does with the request in between. Starting
 * points: {@link io.gatehouse.edge.IpRules} (which client addresses may use the gateway or a route,
 * answered with 403 otherwise), {@link io.gatehouse.edge.Cors} (which web origins may call a route
 * from a browser; preflights answered by the gateway) and {@link io.gatehouse.edge.SecurityHeaders}
 * (HSTS, {@code X-Content-Type-Options}, {@code Referrer-Policy}, framing, and no {@code Server}
 * banner). Each is set gateway-wide on {@code Gateway.Builder} and per route on
 * {@code RouteBuilder}; a route's value replaces the gateway's.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.2
 */
package io.gatehouse.edge;
