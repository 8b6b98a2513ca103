/**
 * The gateway's front door: policies that decide, before a route's own stages, which clients and
 * which web pages may use it. Starting point: {@link io.gatehouse.edge.Cors} (which web origins may
 * call a route from a browser, gateway-wide or per route).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.2
 */
package io.gatehouse.edge;
