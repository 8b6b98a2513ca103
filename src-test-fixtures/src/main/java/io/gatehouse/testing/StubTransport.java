package io.gatehouse.testing;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes upstream calls to stubs by origin; a call to an origin without a stub is recorded and
 * refused. A stub's answer that takes longer than the call's response timeout fails the call with
 * {@code RESPONSE_TIMEOUT}, as the real transport does. Closing stops the timer thread of delayed
 * answers.
 */
final class StubTransport implements UpstreamTransport {
  static final long MAX_BODY = 64L * 1024 * 1024;

  private final Map<String, StubUpstream> stubs = new ConcurrentHashMap<>();
  private final List<RecordedRequest> unstubbed = new CopyOnWriteArrayList<>();
  /** Every request a stub received, across stubs, in the order they arrived. */
  private final List<RecordedRequest> arrived = new CopyOnWriteArrayList<>();
  private final StubTimer timer = new StubTimer();

  StubUpstream stub(String origin) {
    String key = Origins.normalize(origin);
    return stubs.computeIfAbsent(key, o -> new StubUpstream(o, timer));
  }

  List<String> stubbedOrigins() {
    return stubs.keySet().stream().sorted().toList();
  }

  List<RecordedRequest> unstubbed() {
    return List.copyOf(unstubbed);
  }

  /** The calls one request made, across stubs, in the order they arrived (retries after the first try). */
  List<RecordedRequest> receivedWithRequestId(String requestId) {
    return arrived.stream()
        .filter(r -> r.headers().first("X-Request-Id").orElse("").equals(requestId))
        .toList();
  }

  /**
   * Reads the request body, then gives the stub's answer. Cancelling the returned future (the
   * client went away, a deadline ended) drops the body read, the delayed answer and the timeout.
   */
  @Override
  public CompletionStage<Response> send(UpstreamCall call) {
    String origin = Origins.normalize(call.origin().toString());
    Request request = call.request();
    CompletableFuture<Response> result = new CompletableFuture<>();
    CompletableFuture<byte[]> body = request.body().bytes(MAX_BODY).toCompletableFuture();
    result.whenComplete((response, failure) -> body.cancel(false));
    body.whenComplete((bytes, readFailure) -> {
      if (readFailure != null) {
        result.completeExceptionally(readFailure);
        return;
      }
      try {
        answer(call, origin, bytes, result);
      } catch (RuntimeException e) {
        // Without this, a failure here would leave the call waiting forever.
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private void answer(UpstreamCall call, String origin, byte[] bytes, CompletableFuture<Response> result) {
    Request request = call.request();
    RecordedRequest recorded = new RecordedRequest(origin, request.method(), request.path(),
        request.rawQuery(), request.headers(), bytes);
    StubUpstream stub = stubs.get(origin);
    if (stub == null) {
      unstubbed.add(recorded);
      result.completeExceptionally(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
          "no stub for " + origin + " (stubbed: " + stubbedOrigins() + ")"));
      return;
    }
    // The response timeout runs from when the stub has the whole request, as it runs from
    // when a real upstream has it.
    arrived.add(recorded);
    CompletableFuture<Response> answer = stub.answer(recorded);
    result.whenComplete((response, failure) -> answer.cancel(false));
    answer.whenComplete((response, failure) -> {
      if (failure == null) {
        result.complete(response);
      } else {
        result.completeExceptionally(failure);
      }
    });
    Duration timeout = call.responseTimeout();
    timer.bound(result, timeout, () -> new UpstreamException(UpstreamException.Kind.RESPONSE_TIMEOUT,
        "stub " + origin + " silent for " + timeout));
  }

  StubTimer timer() {
    return timer;
  }

  /** Stops the timer of delayed answers; answers still waiting fail. Idempotent. */
  @Override
  public void close() {
    timer.close();
  }
}
