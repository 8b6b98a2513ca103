package io.gatehouse.undertow.upstream;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream origin as every I/O thread of a transport shares it: how many connections are
 * open to it (the pool's per-origin limit holds across threads) and which calls wait for one.
 * Connections themselves belong to one I/O thread each ({@link LoopConnections}).
 */
final class Origin {
  private final String key;
  private final String host;
  private final int port;
  private final String hostHeader;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentLinkedQueue<Exchange> waiters = new ConcurrentLinkedQueue<>();

  Origin(String key, String host, int port, String hostHeader) {
    this.key = key;
    this.host = host;
    this.port = port;
    this.hostHeader = hostHeader;
  }

  /** The origin as {@code http://host:port}, for messages. */
  @Override
  public String toString() {
    return key;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  /** The Host field's value: the origin's host as written (IPv6 literals in brackets) and port. */
  String hostHeader() {
    return hostHeader;
  }

  /** Takes a slot for a new connection if the origin is below {@code max}. */
  boolean reserve(int max) {
    for (int n = open.get(); n < max; n = open.get()) {
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Gives back a connection's slot. */
  void free() {
    open.decrementAndGet();
  }

  int open() {
    return open.get();
  }

  void await(Exchange exchange) {
    waiters.add(exchange);
  }

  /** Takes the exchange off the queue; false if it was not on it (a releaser took it to wake it). */
  boolean forget(Exchange exchange) {
    return waiters.remove(exchange);
  }

  /** The longest-waiting call still waiting, taken off the queue; null if none. */
  Exchange nextWaiter() {
    return waiters.poll();
  }

  /** Calls waiting, for the pool's status (counts the queue: not for the request path). */
  int waiting() {
    return waiters.size();
  }
}
