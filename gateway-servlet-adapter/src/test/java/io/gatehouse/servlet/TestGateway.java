package io.gatehouse.servlet;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.upstream.UpstreamStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A hand-written gateway for adapter tests: a function from request to response, recording what
 * it saw. It cannot explain its routing (so a filter in front of it passes nothing through).
 */
final class TestGateway implements Gateway {
  final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  final AtomicBoolean closed = new AtomicBoolean();
  private final Function<Request, CompletionStage<Response>> handler;
  private final String version;

  private TestGateway(String version, Function<Request, CompletionStage<Response>> handler) {
    this.version = version;
    this.handler = handler;
  }

  static TestGateway async(Function<Request, CompletionStage<Response>> handler) {
    return new TestGateway("test", handler);
  }

  static TestGateway respond(Function<Request, Response> handler) {
    return new TestGateway("test", r -> CompletableFuture.completedFuture(handler.apply(r)));
  }

  static TestGateway text(int status, String text) {
    return new TestGateway(text, r -> CompletableFuture.completedFuture(
        Response.builder(status).header("Content-Type", "text/plain").body(Body.of(text)).build()));
  }

  /** Streams the request body back, with the same known or unknown length. */
  static TestGateway echo() {
    return respond(r -> Response.builder(200).body(Body.ofPublisher(r.body(), r.body().contentLength().orElse(-1))).build());
  }

  Request lastRequest() throws InterruptedException {
    Request r = requests.poll(10, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("the gateway saw no request within 10 s");
    }
    return r;
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    requests.add(request);
    return handler.apply(request);
  }

  @Override
  public GatewaySpec spec() {
    throw new UnsupportedOperationException("a test gateway has no spec");
  }

  @Override
  public List<UpstreamStatus> upstreams() {
    return List.of();
  }

  @Override
  public RouteExplanation explain(Request request) {
    throw new UnsupportedOperationException("a test gateway cannot explain its routing");
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
  public String version() {
    return version;
  }

  @Override
  public Optional<ConnectionPoolStatus> connectionPool() {
    return Optional.empty();
  }

  @Override
  public void takeStateFrom(Gateway previous) {}

  @Override
  public java.util.Optional<io.gatehouse.cache.ResponseCachePurge> responseCache(String name) {
    return java.util.Optional.empty();
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
