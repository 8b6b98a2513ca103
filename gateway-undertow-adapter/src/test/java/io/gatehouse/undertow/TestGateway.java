package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** A hand-written gateway for adapter tests: a function from request to response, recording what it saw. */
final class TestGateway implements Gateway {
  final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  final AtomicBoolean closed = new AtomicBoolean();
  private final Function<Request, CompletionStage<Response>> handler;

  private TestGateway(Function<Request, CompletionStage<Response>> handler) {
    this.handler = handler;
  }

  static TestGateway async(Function<Request, CompletionStage<Response>> handler) {
    return new TestGateway(handler);
  }

  static TestGateway respond(Function<Request, Response> handler) {
    return new TestGateway(r -> CompletableFuture.completedFuture(handler.apply(r)));
  }

  static TestGateway text(int status, String text) {
    return respond(r -> Response.builder(status).header("Content-Type", "text/plain").body(Body.of(text)).build());
  }

  /** Streams the request body back, with the same known or unknown length. */
  static TestGateway echo() {
    return respond(r -> Response.builder(200)
        .body(Body.ofPublisher(r.body(), r.body().contentLength().orElse(-1)))
        .build());
  }

  Request lastRequest() throws InterruptedException {
    Request r = requests.poll(10, java.util.concurrent.TimeUnit.SECONDS);
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
  public void close() {
    closed.set(true);
  }
}
