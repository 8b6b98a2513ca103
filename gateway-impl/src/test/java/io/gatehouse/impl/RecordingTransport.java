package io.gatehouse.impl;

import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A transport for tests of the compiler: records calls, answers with a function. */
final class RecordingTransport implements UpstreamTransport {
  final List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
  private final Function<UpstreamCall, CompletionStage<Response>> answer;
  volatile boolean closed;

  RecordingTransport(Function<UpstreamCall, CompletionStage<Response>> answer) {
    this.answer = answer;
  }

  static RecordingTransport answering(int status) {
    return new RecordingTransport(call -> CompletableFuture.completedFuture(Response.of(status)));
  }

  UpstreamCall onlyCall() {
    if (calls.size() != 1) {
      throw new AssertionError("expected one upstream call but saw " + calls);
    }
    return calls.get(0);
  }

  @Override
  public CompletionStage<Response> send(UpstreamCall call) {
    calls.add(call);
    return answer.apply(call);
  }

  @Override
  public void close() {
    closed = true;
  }
}
