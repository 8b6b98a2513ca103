package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.util.concurrent.CompletableFuture;

/** What the in-process benchmarks share: a gateway without upstreams, a status check, closing. */
final class BenchGateways {
  private BenchGateways() {}

  /**
   * A builder whose transport refuses every call (the benchmarks' routes answer by themselves),
   * without the access log: a benchmark measures its subject, not the logging backend.
   */
  static Gateway.Builder withoutUpstreams() {
    return Gateway.builder().accessLog(false)
        .transport(call -> CompletableFuture.failedFuture(new IllegalStateException("no upstream in this benchmark")));
  }

  /** A benchmark that measures a 401 where it means a 200 measures nothing: check once in setup. */
  static void expect(int status, Gateway gateway, Request request) {
    Response response = gateway.handle(request).toCompletableFuture().join();
    if (response.status() != status) {
      throw new IllegalStateException("expected " + status + " from " + request + " but was " + response);
    }
  }

  static void closeAll(Gateway... gateways) {
    for (Gateway g : gateways) {
      if (g != null) {
        g.close();
      }
    }
  }
}
