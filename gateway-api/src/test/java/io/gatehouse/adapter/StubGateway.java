package io.gatehouse.adapter;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A gateway double for the holder's tests: a version, and the gateways it took state from. */
class StubGateway implements Gateway {
  final String version;
  final List<Gateway> tookStateFrom = new ArrayList<>();
  volatile boolean closed;

  StubGateway(String version) {
    this.version = version;
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    return CompletableFuture.completedFuture(Response.of(200));
  }

  @Override
  public GatewaySpec spec() {
    throw new UnsupportedOperationException("a stub has no spec");
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public void takeStateFrom(Gateway previous) {
    tookStateFrom.add(previous);
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "StubGateway[" + version + "]";
  }
}
