/**
 * Internal: the compiler that turns a {@link io.gatehouse.GatewaySpec} into a running gateway,
 * and the gateway it builds. Not API; it may change in any release.
 *
 * <p>Starting points: {@link io.gatehouse.impl.DefaultGatewayCompiler} (validation and
 * compilation: each feature checks, then builds, by the protocol of {@code compile}),
 * {@code CompiledGateway} (ingress checks, normalize, route, run the route's chain).
 * A request's path through the other packages, in order: {@code ingress} (checks every request
 * passes once), {@code routing} (normalizer, trie, router), {@code chain} (the route's filters and
 * built-in stages: {@code auth}, {@code ratelimit}), {@code proxy} (the proxy terminal: breaker,
 * split, mirror, attempts) over {@code pool} (upstream groups) and {@code upstream} (the HTTP
 * client), and {@code observe} (the request record). Nothing here accepts or returns null.
 */
package io.gatehouse.impl;
