/**
 * Internal: how the gateway talks to upstreams. Not API: types here may change in any release,
 * and only {@link io.gatehouse.impl.upstream.HttpClientTransport},
 * {@link io.gatehouse.impl.upstream.TransportSettings} and {@link io.gatehouse.impl.upstream.HttpUrls}
 * (the check of every URL the gateway calls) are public, for the compiler and the adapters.
 *
 * <p>Starting points: {@link io.gatehouse.impl.upstream.HttpClientTransport} (the
 * {@link io.gatehouse.spi.UpstreamTransport} over httpclient5's async client; its class comment is
 * the contract), then {@code UpstreamExchange} (one call's state and the failure mapping),
 * {@code ResponseBodyConsumer} (head and streaming body), {@code ResponseFramingGuard} (strict
 * response framing on each connection's bytes), {@code RequestBodyPublisher} (request
 * body and its framing guard), {@code ExactRequestHeaders} (what the upstream sees) and
 * {@code AbortHook} (how an abort reaches the connection).
 *
 * <p>No method accepts or returns null.
 */
package io.gatehouse.impl.upstream;
