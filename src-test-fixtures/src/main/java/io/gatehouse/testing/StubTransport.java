package io.gatehouse.testing;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamTransport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Routes upstream calls to stubs by origin; a call to an origin without a stub is recorded and refused. */
final class StubTransport implements UpstreamTransport {
  static final long MAX_BODY = 64L * 1024 * 1024;

  private final Map<String, StubUpstream> stubs = new ConcurrentHashMap<>();
  private final List<RecordedRequest> unstubbed = new CopyOnWriteArrayList<>();

  StubUpstream stub(String origin) {
    String key = Origins.normalize(origin);
    return stubs.computeIfAbsent(key, StubUpstream::new);
  }

  List<String> stubbedOrigins() {
    return stubs.keySet().stream().sorted().toList();
  }

  List<RecordedRequest> unstubbed() {
    return List.copyOf(unstubbed);
  }

  List<RecordedRequest> receivedWithRequestId(String requestId) {
    return stubs.values().stream()
        .flatMap(s -> s.received().stream())
        .filter(r -> r.headers().first("X-Request-Id").orElse("").equals(requestId))
        .toList();
  }

  @Override
  public CompletionStage<Response> send(UpstreamCall call) {
    String origin = Origins.normalize(call.origin().toString());
    Request request = call.request();
    return request.body().bytes(MAX_BODY).thenCompose(body -> {
      RecordedRequest recorded = new RecordedRequest(origin, request.method(), request.path(),
          request.rawQuery(), request.headers(), body);
      StubUpstream stub = stubs.get(origin);
      if (stub == null) {
        unstubbed.add(recorded);
        return CompletableFuture.failedFuture(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED,
            "no stub for " + origin + " (stubbed: " + stubbedOrigins() + ")"));
      }
      return stub.answer(recorded);
    });
  }
}
