/**
 * The adapter conformance kit, a tool for whoever writes or changes a server adapter: one JUnit 5
 * suite, {@link io.gatehouse.testing.adapter.AdapterConformance}, that every way of serving a
 * gateway must pass over real loopback sockets. Everything here is {@link io.gatehouse.Unstable}:
 * items are added as adapters learn more. Users of an existing adapter need none of it.
 *
 * <p><b>Starting points.</b> {@link io.gatehouse.testing.adapter.AdapterMount} (the one interface a
 * mount implements: start a gateway on it, swap, stop gracefully, close; the items it cannot do
 * and why), {@link io.gatehouse.testing.adapter.AdapterConformance} (extend it once per mount) and
 * {@link io.gatehouse.testing.adapter.ConformanceItem} (what is checked).
 *
 * <p><b>Adding a mount</b>, such as a servlet container:
 * <ol>
 *   <li>add {@code gateway-test-fixtures} to the adapter module as a test dependency;
 *   <li>implement {@link io.gatehouse.testing.adapter.AdapterMount}: {@code start(gateway)} serves
 *       it on 127.0.0.1 on a free port under {@code prefix()}, beside another handler of the
 *       application when the mount is a prefix, with the server's own request body size limit
 *       lifted; {@code Running} maps {@code swap}, {@code drained}, {@code stop(timeout)} and
 *       {@code close} to the adapter's own; {@code cannot()} names the items it cannot do, each
 *       with its reason; {@code answeredByTheServer()} names the table rows the server answers
 *       itself before the adapter (a container's own 400 for an ambiguous path), each with the
 *       status and the reason, and those rows still assert that nothing reaches the upstream; {@code forwardsPrefix()} says whether the upstream is told
 *       {@code X-Forwarded-Prefix};
 *   <li>write one test class per mount: {@code class JettyServletConformanceTest extends
 *       AdapterConformance { protected AdapterMount mount() { return new JettyServletMount(); } }};
 *   <li>run those classes in a surefire execution of their own with {@code -Xmx128m}:
 * </ol>
 *
 * <pre>{@code
 * <execution>
 *   <id>conformance-small-heap</id>
 *   <goals><goal>test</goal></goals>
 *   <configuration>
 *     <includes><include>**}{@code /*ConformanceTest.java</include></includes>
 *     <argLine>-Xmx128m</argLine>
 *     <reportsDirectory>${project.build.directory}/surefire-reports-conformance</reportsDirectory>
 *   </configuration>
 * </execution>
 * }</pre>
 *
 * <p>and exclude them from {@code default-test}. A mount that cannot do an item sees that item's
 * tests aborted with its reason in the report; the kit never skips an item silently.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.testing.adapter;
