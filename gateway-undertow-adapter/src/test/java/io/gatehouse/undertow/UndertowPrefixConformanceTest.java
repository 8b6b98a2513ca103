package io.gatehouse.undertow;

import io.gatehouse.testing.adapter.AdapterConformance;
import io.gatehouse.testing.adapter.AdapterMount;

/**
 * The adapter conformance kit on {@code UndertowGateway.handler(gateway)} under {@code /gw} beside
 * an application handler; surefire runs it with -Xmx128m.
 */
class UndertowPrefixConformanceTest extends AdapterConformance {
  @Override
  protected AdapterMount mount() {
    return new UndertowMounts.UnderPrefix();
  }
}
