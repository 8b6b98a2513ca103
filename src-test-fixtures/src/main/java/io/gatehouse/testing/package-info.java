/**
 * Test your routes without sockets. Starting points: {@link io.gatehouse.testing.GatewayTester}
 * (send requests in memory), {@link io.gatehouse.testing.StubUpstream} (script and inspect
 * upstreams), {@link io.gatehouse.testing.ManualClock} (control time),
 * {@link io.gatehouse.testing.UpstreamRedirect} (point routes at WireMock for socket-level tests),
 * {@link io.gatehouse.testing.TestKeys} and {@link io.gatehouse.testing.TestTokens} (keys, JWKS and
 * valid or broken tokens), {@link io.gatehouse.testing.JwksServer} (a JWKS on a real socket),
 * {@link io.gatehouse.testing.UpstreamServer} (an upstream on a real socket that fails on demand),
 * {@link io.gatehouse.testing.UpstreamScript} (the answers of both kinds of upstream, written once),
 * {@link io.gatehouse.testing.Poll} (a bounded wait for what another thread does), and the JUnit 5
 * extension in {@code io.gatehouse.testing.junit5}. For whoever writes a server adapter:
 * the conformance kit in {@code io.gatehouse.testing.adapter}; for whoever writes an upstream
 * transport: the one in {@code io.gatehouse.testing.transport}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.testing;
