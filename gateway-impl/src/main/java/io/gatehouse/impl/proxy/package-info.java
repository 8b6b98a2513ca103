/**
 * Internal: the proxy terminal. {@link io.gatehouse.impl.proxy.ProxyPlans} resolves each proxying
 * route's plan at build time; {@link io.gatehouse.impl.proxy.ProxyTerminal} runs it per request in
 * the documented order (circuit breaker or fallback, traffic split, mirror copy, then
 * {@link io.gatehouse.impl.proxy.UpstreamAttempts} within one route deadline, with
 * {@link io.gatehouse.impl.proxy.RetryRules}); the request sent upstream gets its path
 * ({@link io.gatehouse.impl.proxy.PathTransform}), hop-by-hop and forwarded headers
 * ({@link io.gatehouse.impl.proxy.ForwardedHeaders}, believing only
 * {@link io.gatehouse.impl.proxy.TrustedProxies}); {@link io.gatehouse.impl.proxy.BodyDeadline}
 * guards the response body. An aggregating route's {@link io.gatehouse.impl.proxy.AggregateTerminal}
 * runs the same attempts for each of its backends. {@link io.gatehouse.impl.proxy.ProxyCompiler} checks upstream
 * settings and builds the transport, the upstream groups and the plans. Not API: may change without notice.
 */
package io.gatehouse.impl.proxy;
