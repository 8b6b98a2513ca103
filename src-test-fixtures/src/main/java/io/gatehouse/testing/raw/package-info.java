/**
 * Raw-socket tools for adapter tests: what a library HTTP client or a framing upstream hides is
 * exactly what an adapter's tests must see. Everything here is {@link io.gatehouse.Unstable}.
 *
 * <p><b>Starting points.</b> {@link io.gatehouse.testing.raw.RawHttp} (an HTTP/1.1 client on one
 * loopback connection: exact response framing, interim responses, truncation, pipelining,
 * whether the server closed), {@link io.gatehouse.testing.raw.RawUpstream} (an upstream that
 * records the exact bytes each request arrived with and answers with exact bytes or a timed
 * script, or that hands each connection to a handler of the test's, plain or TLS), {@link io.gatehouse.testing.raw.GeneratedBody} (a response or request body of any size,
 * made on the fly, as a publisher that records the demand it saw) and
 * {@link io.gatehouse.testing.raw.GeneratedBytes} (the deterministic byte stream behind it, with
 * its SHA-256, to check hundreds of mebibytes without holding them); {@link io.gatehouse.testing.raw.RefusingPort}
 * is a loopback port that refuses connections for as long as a test holds it.
 *
 * <pre>{@code
 * try (RawUpstream upstream = RawUpstream.start(); RawHttp client = RawHttp.connect(port)) {
 *   client.send("GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n");
 *   RawHttp.Head head = client.readHead();
 *   assertThat(head.status()).isEqualTo(200);
 *   assertThat(upstream.requests()).singleElement().asString().startsWith("GET /x HTTP/1.1\r\n");
 * }
 * }</pre>
 *
 * <p>The conformance kits ({@code io.gatehouse.testing.adapter}, {@code io.gatehouse.testing.transport})
 * are built on these too. No method accepts or returns null, except
 * {@link io.gatehouse.testing.raw.RawUpstream.Connection#readHead()}, which returns null at the end
 * of a connection's stream, the way a reader's {@code readLine()} does.
 *
 * @since 0.1
 */
package io.gatehouse.testing.raw;
