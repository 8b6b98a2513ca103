package io.gatehouse.servlet;

import io.gatehouse.testing.adapter.AdapterMount;
import io.gatehouse.testing.adapter.WebSocketConformance;

/**
 * WebSocket proxying through {@link GatehouseServlet} under {@code /gw} in an embedded Tomcat 11,
 * over real sockets: the shared {@link WebSocketConformance} suite.
 */
class TomcatWebSocketOverSocketsTest extends WebSocketConformance {
  @Override
  protected AdapterMount mount() {
    return new ServletMounts.Tomcat11();
  }
}
