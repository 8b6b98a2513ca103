package io.gatehouse.undertow;

import io.gatehouse.testing.adapter.AdapterConformance;
import io.gatehouse.testing.adapter.AdapterMount;

/** The adapter conformance kit on {@code UndertowGateway.server(gateway)}; surefire runs it with -Xmx128m. */
class UndertowStandaloneConformanceTest extends AdapterConformance {
  @Override
  protected AdapterMount mount() {
    return new UndertowMounts.Standalone();
  }
}
