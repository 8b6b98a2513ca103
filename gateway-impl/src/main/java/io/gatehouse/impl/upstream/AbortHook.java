package io.gatehouse.impl.upstream;

import java.io.IOException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The first element of the client's exec chain: hands each call's {@code AsyncExecRuntime} to its
 * {@link UpstreamExchange}, so that aborting can close the call's connection directly (see
 * {@link UpstreamExchange#abort()} for why the client's future is not enough), and wraps it in a
 * {@link TrackedRuntime}, so that the exchange learns when it got a connection and whether that
 * connection was reused.
 */
final class AbortHook implements AsyncExecChainHandler {
  static final String NAME = "gatehouse-abort-hook";

  @Override
  public void execute(HttpRequest request, AsyncEntityProducer entityProducer, AsyncExecChain.Scope scope,
      AsyncExecChain chain, AsyncExecCallback callback) throws HttpException, IOException {
    if (scope.clientContext.getAttribute(UpstreamExchange.ATTRIBUTE) instanceof UpstreamExchange exchange) {
      exchange.runtime(scope.execRuntime);
      AsyncExecChain.Scope tracked = new AsyncExecChain.Scope(scope.exchangeId, scope.route, scope.originalRequest,
          scope.cancellableDependency, scope.clientContext, new TrackedRuntime(scope.execRuntime, exchange),
          scope.scheduler, scope.execCount);
      chain.proceed(request, entityProducer, tracked, callback);
      return;
    }
    chain.proceed(request, entityProducer, scope, callback);
  }
}
