package io.gatehouse.testing;

import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An in-memory upstream: it answers as scripted and records what it received. Its answers are an
 * {@link UpstreamScript}, the same model an {@link UpstreamServer} answers from on a real socket:
 * scripted answers queued with {@code thenRespond}/{@code thenFail}/{@code failNext}/{@code resetNext}
 * are used once each, in order; after them, the first matching {@link #when(String, String) when}
 * rule; else the standing answer set by {@code respond}/{@code fail}/{@code refuse}/{@code reset}
 * (200 with no body until set). A {@link #delay(Duration)} holds back every answer, on real time,
 * and the route's response timeout applies to it as to a real upstream. Thread-safe.
 *
 * <pre>{@code
 * tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "{\"id\":7}"));
 * tester.upstream("http://orders:8080").received();   // what it saw
 * tester.upstream("http://orders:8080").failNext(2, 503);   // an outage the retry should ride out
 * tester.upstream("http://orders:8080").when("GET", "/orders/*").respond(200, "{}");   // by method and path
 * tester.upstream("http://orders:8080").script(orders);   // a Consumer<UpstreamScript>, shared with an UpstreamServer
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
  private final UpstreamScript script = new UpstreamScript(
      new UpstreamScript.Respond(request -> Response.of(200)), EnumSet.allOf(UpstreamException.Kind.class),
      "StubUpstream", "a stub gives every kind");

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
   * The script this stub answers from; the scripting methods of the stub change it too.
   *
   * <p>{@code tester.upstream("http://orders:8080").script().failNext(1, 503);}
   *
   * @return the script
   * @since 0.1
   */
  public UpstreamScript script() {
    return script;
  }

  /**
   * Scripts this stub with a script written for any upstream: the same {@code Consumer} scripts an
   * {@link UpstreamServer} alike.
   *
   * <p>{@code tester.stubUpstream("http://orders:8080", stub -> stub.script(orders));}
   *
   * @param script changes the script
   * @return this stub
   * @since 0.1
   */
  public StubUpstream script(Consumer<UpstreamScript> script) {
    Objects.requireNonNull(script, "script").accept(this.script);
    return this;
  }

  /**
   * Answers every request with a status and no body.
   *
   * @param status 100 to 599
   * @return this stub
   */
  public StubUpstream respond(int status) {
    script.respond(status);
    return this;
  }

  /**
   * Answers every request with a status and a body, without a content type.
   *
   * @param status 100 to 599
   * @param body the body, as UTF-8
   * @return this stub
   */
  public StubUpstream respond(int status, String body) {
    script.respond(status, body);
    return this;
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
    script.respond(status, contentType, body);
    return this;
  }

  /**
   * Answers every request with a response; in-memory bodies may be sent any number of times.
   *
   * @param response the response
   * @return this stub
   */
  public StubUpstream respond(Response response) {
    script.respond(response);
    return this;
  }

  /**
   * Answers every request with what a function makes of it. A function that throws or returns
   * null fails the call (the client gets 502).
   *
   * @param answer computes the response from what was received
   * @return this stub
   */
  public StubUpstream respondWith(Function<RecordedRequest, Response> answer) {
    script.respondWith(answer);
    return this;
  }

  /**
   * Fails every request as a real upstream would: {@code CONNECT_REFUSED} gives the client 502,
   * {@code RESPONSE_TIMEOUT} gives 504.
   *
   * @param kind the failure
   * @return this stub
   */
  public StubUpstream fail(UpstreamException.Kind kind) {
    script.fail(kind);
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
  public StubUpstream failNext(int n, int status) {
    script.failNext(n, status);
    return this;
  }

  /**
   * Resets the connection of the next {@code n} requests, once each (see {@link #reset()}); later
   * ones fall through to what comes next. The resets queue after answers already queued.
   *
   * <p>{@code stub.resetNext(1);   // the first attempt is reset, a retry gets the standing answer}
   *
   * @param n how many requests, zero or more
   * @return this stub
   * @throws IllegalArgumentException if {@code n} is negative
   * @since 0.1
   */
  public StubUpstream resetNext(int n) {
    script.resetNext(n);
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
  public StubUpstream delay(Duration delay) {
    script.delay(delay);
    return this;
  }

  /**
   * Answers the next request, once, with a response; later ones fall through to what comes next.
   *
   * @param response the response
   * @return this stub
   */
  public StubUpstream thenRespond(Response response) {
    script.thenRespond(response);
    return this;
  }

  /**
   * Fails the next request, once.
   *
   * @param kind the failure
   * @return this stub
   */
  public StubUpstream thenFail(UpstreamException.Kind kind) {
    script.thenFail(kind);
    return this;
  }

  /**
   * Answers requests of one method and path differently from the rest: {@code when("GET",
   * "/orders/*").respond(200, "{}")}. The path pattern is matched against the path the upstream
   * receives (percent-encoded, without the query): literal segments, {@code *} for one segment,
   * and a trailing {@code **} for the rest. Rules are tried in the order declared; declaring the
   * same method and pattern again replaces its answer. One-shot answers ({@code failNext},
   * {@code resetNext}, {@code thenRespond}, {@code thenFail}) still come first.
   *
   * @param method the method, or {@code *} for any
   * @param pathPattern such as {@code /orders/*} or {@code /static/**}
   * @return the rule's answer to set
   * @throws IllegalArgumentException if the pattern does not start with {@code /} or has
   *     {@code **} anywhere but at its end
   */
  public When when(String method, String pathPattern) {
    return new When(this, method, pathPattern);
  }

  /**
   * The answer of a {@link StubUpstream#when(String, String) when} rule; its methods return the
   * stub.
   *
   * <p>{@code stub.when("POST", "/orders").respond(201, "application/json", "{\"id\":8}");}
   *
   * @since 0.1
   */
  public static final class When extends UpstreamScript.When<StubUpstream> {
    private When(StubUpstream stub, String method, String pattern) {
      super(stub.script, method, pattern, stub);
    }

    // The overrides below keep the methods this class declared before UpstreamScript.When existed,
    // with their return type: code compiled against them keeps linking (the API check pins it).

    /**
     * Answers matching requests with a status and a text body.
     *
     * @param status the status
     * @param body the body, UTF-8
     * @return the stub
     */
    @Override
    public StubUpstream respond(int status, String body) {
      return super.respond(status, body);
    }

    /**
     * Answers matching requests with a status and a body of a content type.
     *
     * @param status the status
     * @param contentType the {@code Content-Type}
     * @param body the body, UTF-8
     * @return the stub
     */
    @Override
    public StubUpstream respond(int status, String contentType, String body) {
      return super.respond(status, contentType, body);
    }

    /**
     * Answers matching requests with a response.
     *
     * @param response the response
     * @return the stub
     */
    @Override
    public StubUpstream respond(Response response) {
      return super.respond(response);
    }

    /**
     * Fails matching requests as a real upstream would.
     *
     * @param kind the failure
     * @return the stub
     */
    @Override
    public StubUpstream fail(UpstreamException.Kind kind) {
      return super.fail(kind);
    }
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
    UpstreamScript.Taken taken = script.take(request);
    if (taken.delay().isZero()) {
      return give(taken.answer(), request);
    }
    return timer.after(taken.delay(), () -> give(taken.answer(), request));
  }

  private CompletableFuture<Response> give(UpstreamScript.Answer answer, RecordedRequest request) {
    if (answer instanceof UpstreamScript.Fail fail) {
      return CompletableFuture.failedFuture(
          new UpstreamException(fail.kind(), "stub " + origin + " scripted " + fail.kind()));
    }
    try {
      Response response = ((UpstreamScript.Respond) answer).response().apply(request);
      return CompletableFuture.completedFuture(
          Objects.requireNonNull(response, "the respondWith function returned null"));
    } catch (RuntimeException e) {
      // A respondWith function that throws fails this one call (the client gets 502), on any thread.
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return "StubUpstream[" + origin + ", " + received.size() + " received]";
  }
}
