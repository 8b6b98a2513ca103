/**
 * Internal: what the gateway tells its {@link io.gatehouse.observe.GatewayObserver}s.
 * {@link io.gatehouse.impl.observe.RequestMeasure} makes each request's record from the request's
 * {@link io.gatehouse.impl.chain.RequestState} (where the stages wrote the route, the principal,
 * why the gateway answered by itself and the upstream attempts).
 * {@link io.gatehouse.impl.observe.Observers} fans records and events out (the SLF4J
 * {@link io.gatehouse.impl.observe.AccessLog} is one of them),
 * {@link io.gatehouse.impl.observe.TraceContext} reads and continues W3C trace context (the
 * built-in {@link io.gatehouse.observe.Tracing}), and
 * {@link io.gatehouse.impl.observe.CountingBody} counts the bytes of a streaming body and says when
 * it ended. Not API: may change without notice.
 */
package io.gatehouse.impl.observe;
