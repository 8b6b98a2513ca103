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
 * split, mirror, attempts; {@code websocket} for upgrades on routes that take them) over
 * {@code pool} (upstream groups) and {@code upstream} (the HTTP client), and {@code observe} (the
 * request record).
 *
 * <p>Null: not an argument of any public method here. A few hot paths use null for "none" where
 * an {@code Optional} would allocate per request (a balancer that finds no target, an absent hash
 * key, a breaker a target does not have); the declaration says so where they do.
 */
package io.gatehouse.impl;
