package io.gatehouse.testing.junit5;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestTokens;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh {@link GatewayTester} over your route table,
 * built with a fresh {@link ManualClock}, and closes it afterwards. Test methods may take a
 * {@code GatewayTester} or a {@code ManualClock} parameter. {@code TestTokens} builders started
 * during the test read that clock by default, so their tokens are valid in the gateway's time.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension gateway = GatewayExtension.of(clock -> MyRoutes.gateway().clock(clock));
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
  private final Function<Clock, Gateway.Builder> routes;
  private GatewayTester tester;
  private ManualClock clock;
  private TestTokens.ClockScope tokenClock;

  private GatewayExtension(Function<Clock, Gateway.Builder> routes) {
    this.routes = routes;
  }

  /**
   * An extension over a route table.
   *
   * @param routes makes the gateway builder, given the test's clock (pass it to {@code .clock(...)})
   * @return the extension
   */
  public static GatewayExtension of(Function<Clock, Gateway.Builder> routes) {
    return new GatewayExtension(Objects.requireNonNull(routes, "routes"));
  }

  /**
   * The current test's tester.
   *
   * @return the tester
   * @throws IllegalStateException outside a test
   */
  public GatewayTester tester() {
    if (tester == null) {
      throw new IllegalStateException("tester: none (expected: called during a test)");
    }
    return tester;
  }

  /**
   * The current test's clock.
   *
   * @return the clock
   * @throws IllegalStateException outside a test
   */
  public ManualClock clock() {
    if (clock == null) {
      throw new IllegalStateException("clock: none (expected: called during a test)");
    }
    return clock;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    clock = ManualClock.create();
    tokenClock = TestTokens.defaultClock(clock);
    tester = GatewayTester.of(routes.apply(clock));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (tester != null) {
      tester.close();
    }
    tester = null;
    clock = null;
    if (tokenClock != null) {
      tokenClock.close();
      tokenClock = null;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == GatewayTester.class || type == ManualClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == GatewayTester.class ? tester() : clock();
  }
}
