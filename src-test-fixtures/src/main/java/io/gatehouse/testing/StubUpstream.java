package io.gatehouse.testing;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-memory upstream: it answers as scripted and records what it received. Scripted answers
 * queued with {@code thenRespond}/{@code thenFail} are used once each, in order; after them, the
 * standing answer set by {@code respond}/{@code fail} (200 with no body until set). Thread-safe.
 *
 * <pre>{@code
 * tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "{\"id\":7}"));
 * tester.upstream("http://orders:8080").received();   // what it saw
 * }</pre>
 *
 * @since 0.1
 */
public final class StubUpstream {
  private final String origin;
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private final Deque<Function<RecordedRequest, CompletionStage<Response>>> queued = new ArrayDeque<>();
  private Function<RecordedRequest, CompletionStage<Response>> standing =
      request -> CompletableFuture.completedFuture(Response.of(200));

  StubUpstream(String origin) {
    this.origin = origin;
  }

  /**
   * The origin this stub stands for.
   *
   * @return such as {@code http://orders:8080}
   */
  public String origin() {
    return origin;
  }

  /**
   * Answers every request with a status and no body.
   *
   * @param status 100 to 599
   * @return this stub
   */
  public StubUpstream respond(int status) {
    return respond(Response.of(status));
  }

  /**
   * Answers every request with a status and a body, without a content type.
   *
   * @param status 100 to 599
   * @param body the body, as UTF-8
   * @return this stub
   */
  public StubUpstream respond(int status, String body) {
    return respond(Response.builder(status).body(Body.of(body)).build());
  }

  /**
   * Answers every request with a status and a typed body.
   *
   * @param status 100 to 599
   * @param contentType the {@code Content-Type} value
   * @param body the body, as UTF-8
   * @return this stub
   */
  public StubUpstream respond(int status, String contentType, String body) {
    return respond(Response.builder(status).headers(HttpHeaders.of("Content-Type", contentType))
        .body(Body.of(body)).build());
  }

  /**
   * Answers every request with a response; in-memory bodies may be sent any number of times.
   *
   * @param response the response
   * @return this stub
   */
  public StubUpstream respond(Response response) {
    Objects.requireNonNull(response, "response");
    return respondWith(request -> response);
  }

  /**
   * Answers every request with what a function makes of it.
   *
   * @param answer computes the response from what was received
   * @return this stub
   */
  public synchronized StubUpstream respondWith(Function<RecordedRequest, Response> answer) {
    Objects.requireNonNull(answer, "answer");
    standing = request -> CompletableFuture.completedFuture(answer.apply(request));
    return this;
  }

  /**
   * Fails every request as a real upstream would: {@code CONNECT_REFUSED} gives the client 502,
   * {@code RESPONSE_TIMEOUT} gives 504.
   *
   * @param kind the failure
   * @return this stub
   */
  public synchronized StubUpstream fail(UpstreamException.Kind kind) {
    Objects.requireNonNull(kind, "kind");
    standing = request -> failure(kind);
    return this;
  }

  /**
   * Answers the next request, once, with a response; later ones fall through to what comes next.
   *
   * @param response the response
   * @return this stub
   */
  public synchronized StubUpstream thenRespond(Response response) {
    Objects.requireNonNull(response, "response");
    queued.add(request -> CompletableFuture.completedFuture(response));
    return this;
  }

  /**
   * Fails the next request, once.
   *
   * @param kind the failure
   * @return this stub
   */
  public synchronized StubUpstream thenFail(UpstreamException.Kind kind) {
    Objects.requireNonNull(kind, "kind");
    queued.add(request -> failure(kind));
    return this;
  }

  /**
   * Everything this stub has received, in order.
   *
   * @return the recorded requests
   */
  public List<RecordedRequest> received() {
    return List.copyOf(received);
  }

  CompletionStage<Response> answer(RecordedRequest request) {
    received.add(request);
    Function<RecordedRequest, CompletionStage<Response>> next;
    synchronized (this) {
      next = queued.isEmpty() ? standing : queued.poll();
    }
    return next.apply(request);
  }

  private CompletionStage<Response> failure(UpstreamException.Kind kind) {
    return CompletableFuture.failedFuture(new UpstreamException(kind, "stub " + origin + " scripted " + kind));
  }

  @Override
  public String toString() {
    return "StubUpstream[" + origin + ", " + received.size() + " received]";
  }
}
