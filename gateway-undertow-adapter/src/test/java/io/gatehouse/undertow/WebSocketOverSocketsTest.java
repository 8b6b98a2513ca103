package io.gatehouse.undertow;

import io.gatehouse.testing.adapter.AdapterMount;
import io.gatehouse.testing.adapter.WebSocketConformance;

/**
 * WebSocket proxying through the Undertow adapter's standalone server, over real sockets: the
 * shared {@link WebSocketConformance} suite.
 */
class WebSocketOverSocketsTest extends WebSocketConformance {
  @Override
  protected AdapterMount mount() {
    return new UndertowMounts.Standalone();
  }
}
