/**
 * Request routing internals: path normalization, path and host patterns, the route trie, the
 * decoding of query parameters and cookies for route conditions, and the router over the compiled
 * routes ({@link io.gatehouse.impl.routing.Router}, {@link io.gatehouse.impl.routing.CompiledRoute},
 * {@link io.gatehouse.impl.routing.RouteExplainer} for {@code Gateway.explain}).
 *
 * <p><b>Internal:</b> this package is not API. It may change or disappear in any release without
 * notice; users configure routing through {@code io.gatehouse.route.RouteBuilder}.
 *
 * <p>Starting points: {@link io.gatehouse.impl.routing.PathNormalizer} turns a request path into
 * the form routes match (or refuses it with
 * {@link io.gatehouse.impl.routing.InvalidPathException}); {@link
 * io.gatehouse.impl.routing.PathPattern} parses a route's path pattern;
 * {@link io.gatehouse.impl.routing.RouteTrie} finds every route whose pattern matches a normalized
 * path; {@link io.gatehouse.impl.routing.HostPattern}, {@link
 * io.gatehouse.impl.routing.QueryParameters} and {@link io.gatehouse.impl.routing.Cookies} serve
 * the other route conditions.
 *
 * <p>No public method here accepts or returns null. Everything built is immutable and thread-safe.
 */
package io.gatehouse.impl.routing;
