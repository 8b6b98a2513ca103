package io.gatehouse.impl.upstream;

import io.gatehouse.http.Response;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.EventLoopTransports;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's default transport: calls made on a server adapter's event-loop threads go through
 * that adapter's own transport ({@link EventLoopTransports}), which answers them without leaving
 * the thread; every other call through the {@link HttpClientTransport}, whose client starts with
 * the first such call. Without a provider on the class path it is the {@link HttpClientTransport}
 * alone, started at once ({@link #over}).
 *
 * <p>Host names resolve through the {@link HttpClientTransport}'s resolver and DNS cache for both.
 */
public final class SplitTransport implements UpstreamTransport {
  private final HttpClientTransport client;
  private final EventLoopTransports provider;
  private final UpstreamTransport loops;

  SplitTransport(HttpClientTransport client, EventLoopTransports provider, UpstreamTransport loops) {
    this.client = client;
    this.provider = provider;
    this.loops = loops;
  }

  /**
   * The gateway's default transport over this client.
   *
   * @param client the gateway's httpclient5 transport, for every call an adapter's event loops do
   *     not take
   * @param pool the pool settings the event-loop transport gets too
   * @return a {@link SplitTransport} if an adapter provides {@link EventLoopTransports}, else the
   *     client itself
   */
  public static UpstreamTransport over(HttpClientTransport client, ConnectionPool pool) {
    Optional<EventLoopTransports> provider = ServiceLoader.load(EventLoopTransports.class).findFirst();
    if (provider.isEmpty()) {
      client.start(); // it carries every call: started now, so that the first request does not wait for it
      return client;
    }
    return new SplitTransport(client, provider.get(), provider.get().create(pool, client::resolve));
  }

  @Override
  public CompletionStage<Response> send(UpstreamCall call) {
    return provider.accepts(call) ? loops.send(call) : client.send(call);
  }

  /** Both transports' connections added up; max is one pool's, as both share the settings. */
  @Override
  public Optional<ConnectionPoolStatus> poolStatus() {
    ConnectionPoolStatus a = client.poolStatus().orElseThrow();
    Optional<ConnectionPoolStatus> other = loops.poolStatus();
    if (other.isEmpty()) {
      return Optional.of(a);
    }
    ConnectionPoolStatus b = other.get();
    return Optional.of(new ConnectionPoolStatus(a.leased() + b.leased(), a.pending() + b.pending(),
        a.available() + b.available(), a.max()));
  }

  @Override
  public void close() {
    try {
      loops.close();
    } finally {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "SplitTransport[" + loops + ", " + client + "]";
  }
}
