/**
 * Test your routes without sockets. Starting points: {@link io.gatehouse.testing.GatewayTester}
 * (send requests in memory), {@link io.gatehouse.testing.StubUpstream} (script and inspect
 * upstreams), {@link io.gatehouse.testing.ManualClock} (control time),
 * {@link io.gatehouse.testing.UpstreamRedirect} (point routes at WireMock for socket-level tests),
 * and the JUnit 5 extension in {@code io.gatehouse.testing.junit5}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.testing;
