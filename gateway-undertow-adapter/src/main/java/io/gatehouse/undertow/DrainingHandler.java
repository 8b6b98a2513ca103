package io.gatehouse.undertow;

import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.undertow.internal.ExchangeBridge;
import io.gatehouse.undertow.internal.Problems;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;

/**
 * Counts the exchanges in flight (an exchange ends when its response, body included, has been
 * written) and, once draining, turns new requests away with 503 problem+json and
 * {@code Connection: close} and {@code Retry-After}: the time left of the drain, when this
 * server will be gone and a client should try again (elsewhere, or on its successor).
 * A response to a request in flight that starts while draining carries {@code Connection: close}.
 */
final class DrainingHandler implements HttpHandler {
  private final HttpHandler next;
  private final Object lock = new Object();
  private int inFlight;
  private boolean draining;
  private long drainDeadline; // System.nanoTime(); guarded by lock

  DrainingHandler(HttpHandler next) {
    this.next = next;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    synchronized (lock) {
      if (!draining) {
        inFlight++;
      } else {
        exchange.setPersistent(false);
        Duration left = Duration.ofNanos(Math.max(0, drainDeadline - System.nanoTime()));
        ExchangeBridge.respond(exchange,
            RetryAfter.on(Problems.response(exchange, 503, "The server is shutting down."), left));
        return;
      }
    }
    try {
      // A response that starts once draining has begun ends its connection.
      exchange.addResponseCommitListener(ex -> {
        if (isDraining()) {
          ex.setPersistent(false);
        }
      });
      exchange.addExchangeCompleteListener((ex, nextListener) -> {
        try {
          ended();
        } finally {
          nextListener.proceed();
        }
      });
    } catch (RuntimeException e) {
      ended();
      throw e;
    }
    next.handleRequest(exchange);
  }

  private void ended() {
    synchronized (lock) {
      if (--inFlight == 0) {
        lock.notifyAll();
      }
    }
  }

  int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  boolean isDraining() {
    synchronized (lock) {
      return draining;
    }
  }

  /**
   * Stops accepting requests and waits for those in flight.
   *
   * @return true if none is left
   */
  boolean drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      draining = true;
      drainDeadline = deadline;
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }
}
