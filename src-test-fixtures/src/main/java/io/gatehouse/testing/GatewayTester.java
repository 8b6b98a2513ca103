package io.gatehouse.testing;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.http.Request;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.route.RouteExplanation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends requests to a gateway in memory, with its upstreams replaced by {@link StubUpstream}s: a
 * route table is tested like ordinary code, without sockets. A call to an upstream that has no
 * stub fails the test.
 *
 * <pre>{@code
 * try (var tester = GatewayTester.of(gateway)
 *     .stubUpstream("http://orders:8080", stub -> stub.respond(200, "{}"))) {
 *   var res = tester.get("/api/orders/7").send();
 *   assertThat(res).hasStatus(200).wasRoutedTo("orders").upstreamSawPath("/orders/7");
 * }
 * }</pre>
 *
 * <p>The tester builds its own copy of the gateway from {@link Gateway#spec()}, with the stubs as
 * its upstream client and one more {@link GatewayObserver}, which learns the route of each request
 * from its {@link io.gatehouse.observe.RequestRecord}; the gateway passed in is not used or closed.
 * Its filters, chains and route explanations are those of the gateway given. Thread-safe.
 *
 * @since 0.1
 */
public final class GatewayTester implements AutoCloseable {
  private final Gateway gateway;
  private final StubTransport transport;
  private final Map<String, String> routeByRequestId = new ConcurrentHashMap<>();
  private final AtomicLong requestCounter = new AtomicLong();
  private volatile Duration timeout = Duration.ofSeconds(10);

  private GatewayTester(GatewaySpec spec) {
    this.transport = new StubTransport();
    // The record of a response held in memory is made before handle() completes, and that of a
    // streamed one before its reader has the last bytes: send() reads the whole body first.
    GatewayObserver recordRoute = record -> record.routeId()
        .ifPresent(routeId -> routeByRequestId.put(record.requestId(), routeId));
    this.gateway = spec.toBuilder().observer(recordRoute).transport(transport).build();
  }

  /**
   * A tester for a built gateway's configuration.
   *
   * @param gateway the gateway whose routes to test
   * @return the tester
   */
  public static GatewayTester of(Gateway gateway) {
    return new GatewayTester(Objects.requireNonNull(gateway, "gateway").spec());
  }

  /**
   * A tester for a gateway description that was not built yet (so no real upstream client starts).
   *
   * @param builder the gateway builder
   * @return the tester
   * @throws io.gatehouse.GatewayConfigException if the configuration is invalid
   */
  public static GatewayTester of(Gateway.Builder builder) {
    return new GatewayTester(Objects.requireNonNull(builder, "builder").spec());
  }

  /**
   * Configures the stub for an upstream origin, creating it if needed.
   *
   * @param origin such as {@code http://orders:8080}; a path is ignored
   * @param script configures the stub
   * @return this tester
   */
  public GatewayTester stubUpstream(String origin, Consumer<StubUpstream> script) {
    Objects.requireNonNull(script, "script").accept(upstream(origin));
    return this;
  }

  /**
   * The stub for an upstream origin, created (answering 200) if needed.
   *
   * @param origin such as {@code http://orders:8080}
   * @return the stub
   */
  public StubUpstream upstream(String origin) {
    return transport.stub(Objects.requireNonNull(origin, "origin"));
  }

  /**
   * Sets how long {@code send()} waits for an answer before failing the test. Defaults to 10 s.
   *
   * @param timeout more than zero
   * @return this tester
   */
  public GatewayTester timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    this.timeout = timeout;
    return this;
  }

  /**
   * Starts a GET request.
   *
   * @param target the path and optional query, such as {@code /orders/7?x=1}
   * @return the request to finish and send
   */
  public TestRequest get(String target) {
    return request("GET", target);
  }

  /**
   * Starts a HEAD request.
   *
   * @param target the path and optional query
   * @return the request to finish and send
   */
  public TestRequest head(String target) {
    return request("HEAD", target);
  }

  /**
   * Starts a POST request.
   *
   * @param target the path and optional query
   * @return the request to finish and send
   */
  public TestRequest post(String target) {
    return request("POST", target);
  }

  /**
   * Starts a PUT request.
   *
   * @param target the path and optional query
   * @return the request to finish and send
   */
  public TestRequest put(String target) {
    return request("PUT", target);
  }

  /**
   * Starts a DELETE request.
   *
   * @param target the path and optional query
   * @return the request to finish and send
   */
  public TestRequest delete(String target) {
    return request("DELETE", target);
  }

  /**
   * Starts a request with any method.
   *
   * @param method the method token
   * @param target the path and optional query
   * @return the request to finish and send
   */
  public TestRequest request(String method, String target) {
    return new TestRequest(this, method, target);
  }

  /**
   * Explains how the gateway would route a request, without sending it: the route that matches,
   * why each route declared before it does not, and the stages that would run. The request gets
   * the {@code Host} that {@link TestRequest#send()} gives it; to add headers, use
   * {@link TestRequest#explain()}.
   *
   * <pre>{@code
   * RouteExplanation why = tester.explain("DELETE", "/api/orders/7");
   * assertThat(why.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("405"));
   * System.out.println(why);
   * }</pre>
   *
   * @param method the method token
   * @param target the path and optional query
   * @return the explanation; its chain lists the gateway's stages, the tester adding none
   */
  public RouteExplanation explain(String method, String target) {
    return request(method, target).explain();
  }

  /**
   * Calls made to upstream origins that have no stub, which fail the request that made them.
   *
   * @return the unstubbed calls, in order
   */
  public List<RecordedRequest> unstubbedCalls() {
    return transport.unstubbed();
  }

  /**
   * The gateway under test: a copy of the one given, wired to the stubs.
   *
   * @return the gateway
   */
  public Gateway gateway() {
    return gateway;
  }

  /** The gateway's explanation: the tester adds no stage, so its chain is that of the gateway given. */
  RouteExplanation explanationOf(Request request) {
    return gateway.explain(request);
  }

  Duration timeout() {
    return timeout;
  }

  String nextRequestId() {
    return "test-" + requestCounter.incrementAndGet();
  }

  Optional<String> routeOf(String requestId) {
    return Optional.ofNullable(routeByRequestId.get(requestId));
  }

  StubTransport transport() {
    return transport;
  }

  /**
   * Closes the gateway copy and stops the stubs' timer: answers still held back by a
   * {@link StubUpstream#delay(Duration)} fail. Idempotent.
   */
  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      // The gateway closes its transport too; closing here as well keeps the timer's thread from
      // outliving the tester whatever the gateway does.
      transport.close();
    }
  }
}
