/**
 * Internal: the protocol every feature compiles by. {@link io.gatehouse.impl.compile.FeatureCompiler}
 * is one feature's two steps: {@code check} reports every mistake in its part of the
 * configuration, {@code build} makes its run-time objects from a spec every feature has checked.
 * {@code io.gatehouse.impl.DefaultGatewayCompiler} checks all features, throws one
 * {@link io.gatehouse.GatewayConfigException} listing every violation, then builds them and
 * assembles the chains and the router. Not API: may change without notice. Nothing here accepts or
 * returns null.
 */
package io.gatehouse.impl.compile;
