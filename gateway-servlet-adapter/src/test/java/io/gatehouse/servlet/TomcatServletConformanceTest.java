package io.gatehouse.servlet;

import io.gatehouse.testing.adapter.AdapterConformance;
import io.gatehouse.testing.adapter.AdapterMount;

/**
 * The adapter conformance kit on {@link GatehouseServlet} under {@code /gw} in an embedded Tomcat 11,
 * beside an application servlet; surefire runs it with -Xmx128m.
 */
class TomcatServletConformanceTest extends AdapterConformance {
  @Override
  protected AdapterMount mount() {
    return new ServletMounts.Tomcat11();
  }
}
