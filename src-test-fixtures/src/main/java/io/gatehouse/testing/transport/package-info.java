/**
 * The upstream transport conformance kit, a tool for whoever writes or changes an
 * {@link io.gatehouse.spi.UpstreamTransport}: one JUnit 5 suite,
 * {@link io.gatehouse.testing.transport.TransportConformance}, that every transport the gateway
 * ships must pass over real loopback sockets, against a raw upstream that reads and writes exact
 * bytes. Everything here is {@link io.gatehouse.Unstable}: items are added as transports learn
 * more. Users of the gateway need none of it.
 *
 * <p><b>Starting points.</b> {@link io.gatehouse.testing.transport.TransportFactory} (the one
 * interface a transport author implements: make a transport with the given
 * {@link io.gatehouse.testing.transport.TransportOptions}, name the items it cannot do and why),
 * {@link io.gatehouse.testing.transport.TransportConformance} (extend it once per transport) and
 * {@link io.gatehouse.testing.transport.TransportItem} (what is checked). A transport's own tests
 * beside the kit can use its tools: {@link io.gatehouse.testing.transport.TransportCalls} (calls
 * with bounded waits, failures by kind), {@link io.gatehouse.testing.transport.HostileResponses}
 * (the table of hostile response framings, to drive a parser in memory with the rows the kit plays
 * over sockets) and the raw upstream the kit runs on, {@link io.gatehouse.testing.raw.RawUpstream}.
 *
 * <p><b>Adding a transport</b>:
 * <ol>
 *   <li>add {@code gateway-test-fixtures} to the transport's module as a test dependency;
 *   <li>implement {@link io.gatehouse.testing.transport.TransportFactory}: {@code create(options)}
 *       starts a transport whose pool follows {@code options.pool()} (per-origin and total
 *       maximum, acquire timeout) and which trusts {@code options.trustedCertificates()} for
 *       {@code https} origins ({@code options.sslContext()} is a ready context), with whatever
 *       settings of its own it needs; {@code cannot()} names the items it cannot do, each with its
 *       reason;
 *   <li>write one test class: {@code class MyTransportConformanceTest extends TransportConformance
 *       { protected TransportFactory factory() { return new MyTransportFactory(); } }};
 *   <li>run it in a surefire execution of its own with {@code -Xmx128m}, and exclude it from
 *       {@code default-test}:
 * </ol>
 *
 * <pre>{@code
 * <execution>
 *   <id>transport-conformance-small-heap</id>
 *   <goals><goal>test</goal></goals>
 *   <configuration>
 *     <includes><include>**}{@code /*TransportConformanceTest.java</include></includes>
 *     <argLine>-Xmx128m</argLine>
 *     <reportsDirectory>${project.build.directory}/surefire-reports-transport-conformance</reportsDirectory>
 *   </configuration>
 * </execution>
 * }</pre>
 *
 * <p>A transport that cannot do an item sees that item's tests aborted with its reason in the
 * report; the kit never skips an item silently. The TLS rows make their certificate with the JDK's
 * {@code keytool}, so they need a JDK, not a bare runtime.
 *
 * <p>No method accepts or returns null; a {@link io.gatehouse.testing.transport.HostileResponses.Row}
 * has no body when nothing is delivered and no kind when nothing fails (those components are null).
 *
 * @since 0.1
 */
package io.gatehouse.testing.transport;
