/**
 * Internal: the compiler that turns a {@link io.gatehouse.GatewaySpec} into a running gateway.
 * Not API; it may change in any release.
 *
 * <p>Starting points: {@link io.gatehouse.impl.DefaultGatewayCompiler} (validation and
 * compilation), {@code CompiledGateway} (normalize, route, run), {@code Router},
 * {@code FilterChain}, {@code ProxyTerminal}. Nothing here accepts or returns null.
 */
package io.gatehouse.impl;
