package io.gatehouse.impl.upstream;

import org.apache.hc.client5.http.EndpointInfo;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.nio.AsyncClientExchangeHandler;
import org.apache.hc.core5.util.TimeValue;

/**
 * The client's per-call runtime, watched: tells the {@link UpstreamExchange} when its pooled
 * connection was leased and whether it was already open (reused) or will be opened now. On an
 * exchange that must run on a new connection (the one resend after a stale connection), a reused
 * connection is closed right after the lease, so that the client opens a new one in its place.
 */
final class TrackedRuntime implements AsyncExecRuntime {
  private final AsyncExecRuntime delegate;
  private final UpstreamExchange exchange;

  TrackedRuntime(AsyncExecRuntime delegate, UpstreamExchange exchange) {
    this.delegate = delegate;
    this.exchange = exchange;
  }

  @Override
  public boolean isEndpointAcquired() {
    return delegate.isEndpointAcquired();
  }

  @Override
  public Cancellable acquireEndpoint(String id, HttpRoute route, Object state, HttpClientContext context,
      FutureCallback<AsyncExecRuntime> callback) {
    return delegate.acquireEndpoint(id, route, state, context, new FutureCallback<>() {
      @Override
      public void completed(AsyncExecRuntime runtime) {
        boolean reused = delegate.isEndpointConnected();
        if (reused && exchange.needsNewConnection()) {
          delegate.disconnectEndpoint(); // discards the pooled connection; the client connects anew
          reused = false;
        }
        exchange.leased(reused);
        callback.completed(TrackedRuntime.this);
      }

      @Override
      public void failed(Exception cause) {
        callback.failed(cause);
      }

      @Override
      public void cancelled() {
        callback.cancelled();
      }
    });
  }

  @Override
  public void releaseEndpoint() {
    delegate.releaseEndpoint();
  }

  @Override
  public void discardEndpoint() {
    delegate.discardEndpoint();
  }

  @Override
  public boolean isEndpointConnected() {
    return delegate.isEndpointConnected();
  }

  @Override
  public Cancellable connectEndpoint(HttpClientContext context, FutureCallback<AsyncExecRuntime> callback) {
    return delegate.connectEndpoint(context, new FutureCallback<>() {
      @Override
      public void completed(AsyncExecRuntime runtime) {
        callback.completed(TrackedRuntime.this);
      }

      @Override
      public void failed(Exception cause) {
        callback.failed(cause);
      }

      @Override
      public void cancelled() {
        callback.cancelled();
      }
    });
  }

  @Override
  public void disconnectEndpoint() {
    delegate.disconnectEndpoint();
  }

  @Override
  public void upgradeTls(HttpClientContext context) {
    delegate.upgradeTls(context);
  }

  @Override
  public void upgradeTls(HttpClientContext context, FutureCallback<AsyncExecRuntime> callback) {
    delegate.upgradeTls(context, callback);
  }

  @Override
  public EndpointInfo getEndpointInfo() {
    return delegate.getEndpointInfo();
  }

  @Override
  public boolean validateConnection() {
    return delegate.validateConnection();
  }

  @Override
  public Cancellable execute(String id, AsyncClientExchangeHandler handler, HttpClientContext context) {
    return delegate.execute(id, handler, context);
  }

  @Override
  public void markConnectionReusable(Object state, TimeValue duration) {
    delegate.markConnectionReusable(state, duration);
  }

  @Override
  public void markConnectionNonReusable() {
    delegate.markConnectionNonReusable();
  }

  @Override
  public AsyncExecRuntime fork() {
    return delegate.fork();
  }
}
