package io.gatehouse.testing;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-memory upstream: it answers as scripted and records what it received. Scripted answers
 * queued with {@code thenRespond}/{@code thenFail}/{@code failNext} are used once each, in order;
 * after them, the standing answer set by {@code respond}/{@code fail}/{@code refuse}/{@code reset}
 * (200 with no body until set). A {@link #delay(Duration)} holds back every answer, on real time,
 * and the route's response timeout applies to it as to a real upstream. Thread-safe.
 *
 * <pre>{@code
 * tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "{\"id\":7}"));
 * tester.upstream("http://orders:8080").received();   // what it saw
 * tester.upstream("http://orders:8080").failNext(2, 503);   // an outage the retry should ride out
 * tester.upstream("http://orders:8080").when("GET", "/orders/*").respond(200, "{}");   // by method and path
 * }</pre>
 *
 * <p>Which answer a request gets: the next queued one-shot answer if any; else the first
 * {@link #when(String, String) when} rule whose method and path match; else the standing answer.
 *
 * @since 0.1
 */
public final class StubUpstream {
  private final String origin;
  private final StubTimer timer;
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private final Deque<Function<RecordedRequest, CompletionStage<Response>>> queued = new ArrayDeque<>();
  private Function<RecordedRequest, CompletionStage<Response>> standing =
      request -> CompletableFuture.completedFuture(Response.of(200));
  private final List<Rule> rules = new ArrayList<>(); // guarded by this
  private Duration delay = Duration.ZERO;

  StubUpstream(String origin, StubTimer timer) {
    this.origin = origin;
    this.timer = timer;
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
   * Refuses every connection, as an upstream that is down: the client gets 502. Shorthand for
   * {@code fail(UpstreamException.Kind.CONNECT_REFUSED)}; {@code respond(...)} brings it back.
   *
   * <p>{@code stub.refuse();   // later: stub.respond(200)}
   *
   * @return this stub
   */
  public StubUpstream refuse() {
    return fail(UpstreamException.Kind.CONNECT_REFUSED);
  }

  /**
   * Resets the connection of every request before answering, as an upstream that crashes
   * mid-request: the client gets 502. Shorthand for
   * {@code fail(UpstreamException.Kind.CONNECTION_RESET)}; it does not clear the script.
   *
   * <p>{@code stub.reset();   // later: stub.respond(200)}
   *
   * @return this stub
   */
  public StubUpstream reset() {
    return fail(UpstreamException.Kind.CONNECTION_RESET);
  }

  /**
   * Answers the next {@code n} requests, once each, with a status and no body; later ones fall
   * through to what comes next. Like {@code thenRespond}, the answers queue after those already
   * queued.
   *
   * <p>{@code stub.failNext(2, 503).respond(200);   // 503, 503, then 200}
   *
   * @param n how many requests, zero or more
   * @param status 100 to 599, such as 503
   * @return this stub
   * @throws IllegalArgumentException if {@code n} is negative or the status is out of range
   */
  public synchronized StubUpstream failNext(int n, int status) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
    Response response = Response.of(status);
    for (int i = 0; i < n; i++) {
      queued.add(request -> CompletableFuture.completedFuture(response));
    }
    return this;
  }

  /**
   * Holds back every answer, queued and standing, failures included, by this long on real time,
   * until set to zero. An answer that would come after the route's response timeout fails the
   * call with {@code RESPONSE_TIMEOUT} when the timeout ends instead (the client gets 504), as a
   * real upstream's silence would. No thread waits meanwhile.
   *
   * <p>{@code stub.delay(Duration.ofSeconds(2));   // against responseTimeout(200 ms): 504}
   *
   * @param delay zero or more; zero answers at once
   * @return this stub
   * @throws IllegalArgumentException if the delay is negative
   */
  public synchronized StubUpstream delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    this.delay = delay;
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
   * Answers requests of one method and path differently from the rest: {@code when("GET",
   * "/orders/*").respond(200, "{}")}. The path pattern is matched against the path the upstream
   * receives (percent-encoded, without the query): literal segments, {@code *} for one segment,
   * and a trailing {@code **} for the rest. Rules are tried in the order declared; declaring the
   * same method and pattern again replaces its answer. One-shot answers ({@code failNext},
   * {@code thenRespond}, {@code thenFail}) still come first.
   *
   * @param method the method, or {@code *} for any
   * @param pathPattern such as {@code /orders/*} or {@code /static/**}
   * @return the rule's answer to set
   * @throws IllegalArgumentException if the pattern does not start with {@code /} or has
   *     {@code **} anywhere but at its end
   */
  public When when(String method, String pathPattern) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(pathPattern, "pathPattern");
    if (!pathPattern.startsWith("/")) {
      throw new IllegalArgumentException("pathPattern: '" + pathPattern + "' (expected: a path starting with /)");
    }
    int rest = pathPattern.indexOf("**");
    if (rest >= 0 && (rest != pathPattern.length() - 2 || !pathPattern.endsWith("/**"))) {
      throw new IllegalArgumentException("pathPattern: '" + pathPattern + "' (expected: ** only as the last segment)");
    }
    return new When(method, pathPattern);
  }

  /**
   * The answer of a {@link StubUpstream#when(String, String) when} rule.
   *
   * <p>{@code stub.when("POST", "/orders").respond(201, "application/json", "{\"id\":8}");}
   *
   * @since 0.1
   */
  public final class When {
    private final String method;
    private final String pattern;

    private When(String method, String pattern) {
      this.method = method;
      this.pattern = pattern;
    }

    /**
     * Answers matching requests with a status and a body, without a content type.
     *
     * @param status 100 to 599
     * @param body the body, as UTF-8
     * @return the stub
     */
    public StubUpstream respond(int status, String body) {
      return respond(Response.builder(status).body(Body.of(body)).build());
    }

    /**
     * Answers matching requests with a status and a typed body.
     *
     * @param status 100 to 599
     * @param contentType the content type
     * @param body the body, as UTF-8
     * @return the stub
     */
    public StubUpstream respond(int status, String contentType, String body) {
      return respond(Response.builder(status).header("Content-Type", contentType).body(Body.of(body)).build());
    }

    /**
     * Answers matching requests with a response.
     *
     * @param response the response; an in-memory body may be sent any number of times
     * @return the stub
     */
    public StubUpstream respond(Response response) {
      Objects.requireNonNull(response, "response");
      return add(request -> CompletableFuture.completedFuture(response));
    }

    /**
     * Fails matching requests as a real upstream would.
     *
     * @param kind the failure
     * @return the stub
     */
    public StubUpstream fail(UpstreamException.Kind kind) {
      Objects.requireNonNull(kind, "kind");
      return add(request -> failure(kind));
    }

    private StubUpstream add(Function<RecordedRequest, CompletionStage<Response>> answer) {
      synchronized (StubUpstream.this) {
        rules.removeIf(r -> r.method.equals(method) && r.pattern.equals(pattern));
        rules.add(new Rule(method, pattern, answer));
      }
      return StubUpstream.this;
    }
  }

  /** A method and path pattern with its answer. */
  private record Rule(String method, String pattern, Function<RecordedRequest, CompletionStage<Response>> answer) {
    boolean matches(RecordedRequest request) {
      return (method.equals("*") || method.equals(request.method())) && pathMatches(pattern, request.path());
    }
  }

  /** Literal segments, {@code *} for one segment, a trailing {@code **} for the rest (none included). */
  static boolean pathMatches(String pattern, String path) {
    String[] want = pattern.substring(1).split("/", -1);
    String[] have = path.substring(path.startsWith("/") ? 1 : 0).split("/", -1);
    for (int i = 0; i < want.length; i++) {
      if (want[i].equals("**")) {
        return true;
      }
      if (i >= have.length || !(want[i].equals("*") ? !have[i].isEmpty() : want[i].equals(have[i]))) {
        return false;
      }
    }
    return want.length == have.length;
  }

  /**
   * Everything this stub has received, in order.
   *
   * @return the recorded requests
   */
  public List<RecordedRequest> received() {
    return List.copyOf(received);
  }

  /** The answer to one request: chosen on arrival, given after the delay. */
  CompletableFuture<Response> answer(RecordedRequest request) {
    received.add(request);
    Function<RecordedRequest, CompletionStage<Response>> next;
    Duration wait;
    synchronized (this) {
      next = queued.isEmpty() ? ruleFor(request) : queued.poll();
      wait = delay;
    }
    if (wait.isZero()) {
      return give(next, request);
    }
    return timer.after(wait, () -> give(next, request));
  }

  private Function<RecordedRequest, CompletionStage<Response>> ruleFor(RecordedRequest request) {
    for (Rule rule : rules) {
      if (rule.matches(request)) {
        return rule.answer();
      }
    }
    return standing;
  }

  private static CompletableFuture<Response> give(
      Function<RecordedRequest, CompletionStage<Response>> answer, RecordedRequest request) {
    try {
      return answer.apply(request).toCompletableFuture();
    } catch (RuntimeException e) {
      // A respondWith function that throws fails this one call (the client gets 502), on any thread.
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<Response> failure(UpstreamException.Kind kind) {
    return CompletableFuture.failedFuture(new UpstreamException(kind, "stub " + origin + " scripted " + kind));
  }

  @Override
  public String toString() {
    return "StubUpstream[" + origin + ", " + received.size() + " received]";
  }
}
