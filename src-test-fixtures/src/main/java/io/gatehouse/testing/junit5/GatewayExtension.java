package io.gatehouse.testing.junit5;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestTokens;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh {@link GatewayTester} over your route table,
 * built with a fresh {@link ManualClock}, and closes it afterwards. Each test's state lives in its
 * own {@code ExtensionContext.Store}, so tests may run in parallel. Test methods may take a
 * {@code GatewayTester} or a {@code ManualClock} parameter. {@code TestTokens} builders started
 * during the test read that clock by default, so their tokens are valid in the gateway's time.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension gateway = GatewayExtension.of(clock -> MyRoutes.gateway().time(clock));
 *
 * @Test
 * void orders_go_to_the_orders_service(GatewayTester tester) {
 *   tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "{}"));
 *   assertThat(tester.get("/api/orders/7").send()).hasStatus(200).wasRoutedTo("orders");
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class GatewayExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private final Function<ManualClock, Gateway.Builder> routes;
  /** The test running on this thread, for {@link #tester()} and {@link #clock()}; the store keeps it. */
  private final ThreadLocal<TestState> current = new ThreadLocal<>();

  private GatewayExtension(Function<ManualClock, Gateway.Builder> routes) {
    this.routes = routes;
  }

  /**
   * An extension over a route table.
   *
   * @param routes makes the gateway builder, given the test's clock (pass it to {@code .time(...)})
   * @return the extension
   */
  public static GatewayExtension of(Function<ManualClock, Gateway.Builder> routes) {
    return new GatewayExtension(Objects.requireNonNull(routes, "routes"));
  }

  /**
   * The tester of the test running on the calling thread; with parallel execution each test has
   * its own.
   *
   * @return the tester
   * @throws IllegalStateException outside a test, or on a thread the test started
   */
  public GatewayTester tester() {
    return state("tester").tester();
  }

  /**
   * The clock of the test running on the calling thread.
   *
   * @return the clock
   * @throws IllegalStateException outside a test, or on a thread the test started
   */
  public ManualClock clock() {
    return state("clock").clock();
  }

  private TestState state(String what) {
    TestState state = current.get();
    if (state == null) {
      throw new IllegalStateException(what + ": none (expected: called during a test, on its thread;"
          + " or take a " + (what.equals("tester") ? "GatewayTester" : "ManualClock") + " parameter)");
    }
    return state;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ManualClock clock = ManualClock.create();
    TestTokens.ClockScope tokenClock = TestTokens.defaultClock(clock);
    TestState state = new TestState(clock, GatewayTester.of(routes.apply(clock)), tokenClock);
    store(context).put(TestState.class, state);
    current.set(state);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    current.remove();
    TestState state = store(context).remove(TestState.class, TestState.class);
    if (state != null) {
      state.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == GatewayTester.class || type == ManualClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestState state = store(context).get(TestState.class, TestState.class);
    if (state == null) {
      throw new ParameterResolutionException("GatewayExtension: no tester for " + context.getDisplayName()
          + " (expected: a test method, after beforeEach)");
    }
    return parameter.getParameter().getType() == GatewayTester.class ? state.tester() : state.clock();
  }

  private ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(ExtensionContext.Namespace.create(GatewayExtension.class, this));
  }

  /** One test's clock, tester and token clock; closed at the test's end, or by JUnit with its store. */
  private record TestState(ManualClock clock, GatewayTester tester, TestTokens.ClockScope tokenClock)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        tester.close();
      } finally {
        tokenClock.close();
      }
    }
  }
}
