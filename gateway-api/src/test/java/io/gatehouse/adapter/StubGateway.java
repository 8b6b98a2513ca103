package io.gatehouse.adapter;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.upstream.UpstreamStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  public List<UpstreamStatus> upstreams() {
    return List.of();
  }

  @Override
  public RouteExplanation explain(Request request) {
    throw new UnsupportedOperationException("a stub does not route");
  }

  @Override
  public Map<String, List<String>> chains() {
    return Map.of();
  }

  @Override
  public UsageReport usage() {
    return UsageReport.empty();
  }

  @Override
  public Optional<ConnectionPoolStatus> connectionPool() {
    return Optional.empty();
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
  public java.util.Optional<io.gatehouse.cache.ResponseCachePurge> responseCache(String name) {
    return java.util.Optional.empty();
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
