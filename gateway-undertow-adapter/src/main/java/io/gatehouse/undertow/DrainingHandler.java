package io.gatehouse.undertow;

import io.gatehouse.adapter.GracefulStop;
import io.gatehouse.undertow.internal.ExchangeBridge;
import io.gatehouse.undertow.internal.Problems;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Puts a server's exchanges through its {@link GracefulStop} gate: counts those in flight (an
 * exchange ends when its response, body included, has been written) and, once draining, answers
 * new requests with the gate's refusal (503 problem+json, {@code Connection: close},
 * {@code Retry-After}). A response to a request in flight that starts while draining carries
 * {@code Connection: close}.
 */
final class DrainingHandler implements HttpHandler {
  private final HttpHandler next;
  private final GracefulStop gate;

  DrainingHandler(HttpHandler next, GracefulStop gate) {
    this.next = next;
    this.gate = gate;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!gate.enter()) {
      exchange.setPersistent(false);
      ExchangeBridge.respond(exchange, gate.refusal(Problems.requestId(exchange)));
      return;
    }
    try {
      // A response that starts once draining has begun ends its connection.
      exchange.addResponseCommitListener(ex -> {
        if (gate.isDraining()) {
          ex.setPersistent(false);
        }
      });
      exchange.addExchangeCompleteListener((ex, nextListener) -> {
        try {
          gate.exit();
        } finally {
          nextListener.proceed();
        }
      });
    } catch (RuntimeException e) {
      gate.exit();
      throw e;
    }
    next.handleRequest(exchange);
  }
}
