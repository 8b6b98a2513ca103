/**
 * Cross-Origin Resource Sharing, as the Fetch standard defines it, for the routes whose
 * {@link io.gatehouse.edge.Cors} policy (their own or the gateway's) is on.
 *
 * <p><b>Internal:</b> this package is not API. It may change or disappear in any release without
 * notice; users configure CORS through {@code io.gatehouse.edge.Cors}.
 *
 * <p>Starting points: {@link io.gatehouse.impl.cors.CorsCompiler} checks the policies and builds
 * the {@link io.gatehouse.impl.cors.CorsRuntime}, which routes preflights and makes each route's
 * stage; {@link io.gatehouse.impl.cors.OriginPattern} is the grammar of an allowed origin.
 *
 * <p>No method here accepts or returns null. Everything built is immutable and thread-safe.
 */
package io.gatehouse.impl.cors;
