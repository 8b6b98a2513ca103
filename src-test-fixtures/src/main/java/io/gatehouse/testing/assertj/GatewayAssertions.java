package io.gatehouse.testing.assertj;

import io.gatehouse.testing.TestResponse;
import org.assertj.core.api.Assertions;

/**
 * The AssertJ entry point for Gatehouse tests: everything {@link Assertions} has, plus
 * {@link #assertThat(TestResponse)}. One static import serves both.
 *
 * <pre>{@code
 * import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
 *
 * assertThat(res).hasStatus(200).wasRoutedTo("orders").upstreamSawPath("/orders/7");
 * }</pre>
 *
 * @since 0.1
 */
public class GatewayAssertions extends Assertions {

  /** Extensible, as AssertJ entry points are; there is no state. */
  protected GatewayAssertions() {}

  /**
   * Starts assertions on a test response.
   *
   * @param actual the response
   * @return the assertion
   */
  public static TestResponseAssert assertThat(TestResponse actual) {
    return new TestResponseAssert(actual);
  }
}
