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
import java.util.Set;
import java.util.function.Function;

/**
 * What an upstream answers: the one script model of the in-memory {@link StubUpstream} and the
 * socket {@link UpstreamServer}, so an answer written once works in memory and over a real socket.
 * Each of them has its own script, {@code script()}, and takes a script as a
 * {@code Consumer<UpstreamScript>}:
 *
 * <pre>{@code
 * Consumer<UpstreamScript> orders = script -> script
 *     .respond(200, "application/json", "[]")
 *     .when("GET", "/orders/*").respond(200, "application/json", "{\"id\":7}")
 *     .failNext(2, 503);
 * tester.stubUpstream("http://orders:8080", stub -> stub.script(orders));   // in memory
 * UpstreamServer server = UpstreamServer.start().script(orders);            // on 127.0.0.1
 * }</pre>
 *
 * <p>Which answer a request gets: the next one-shot answer queued with {@code failNext},
 * {@code resetNext}, {@code thenRespond} or {@code thenFail}, if any; else the first
 * {@link #when(String, String) when} rule whose method and path match; else the standing answer
 * set by {@code respond}, {@code respondWith}, {@code fail} or {@code reset} (until set: 200, with
 * no body from a stub and {@code ok} from a server). A {@link #delay(Duration)} holds back every
 * answer, failures included.
 *
 * <p>How each medium gives an answer:
 * <ul>
 *   <li>a response: as it is; a server frames it itself ({@code Content-Length},
 *       {@code Connection}) and adds {@code X-Upstream: <port>} unless the response has one;
 *   <li>{@link UpstreamException.Kind#CONNECTION_RESET}: a stub fails the call with it; a server
 *       resets the connection after reading the request (the client gets 502 either way). The
 *       gateway's own client takes a reset of a request it sent on a reused keep-alive connection
 *       for a stale connection and sends the request once more on a new one, which takes the next
 *       answer: to have such a request fail, script a reset for the second try too;
 *   <li>{@link UpstreamException.Kind#RESPONSE_TIMEOUT}: a stub fails the call with it at once; a
 *       server stays silent until the client gives up (the client gets 504 either way, from a
 *       server when the route's response timeout ends);
 *   <li>{@link UpstreamException.Kind#PROTOCOL_ERROR}: a stub fails the call with it; a server
 *       answers with a head that is not HTTP, then closes the connection (502 either way);
 *   <li>the other kinds ({@code CONNECT_REFUSED}, {@code CONNECT_TIMEOUT}, {@code POOL_EXHAUSTED},
 *       {@code REQUEST_BODY_FAILED}) happen before a request reaches an upstream: a stub fails the
 *       call with them, and a server, which has read the request by then, refuses them when they
 *       are scripted (take a server down with {@link UpstreamServer#refuse()} instead);
 *   <li>a {@code respondWith} function that throws: a stub fails the call (502), a server answers
 *       500.
 * </ul>
 *
 * <p>Thread-safe: a script may change while requests are answered.
 *
 * @since 0.1
 */
public final class UpstreamScript {
  private final Answer initial;
  private final Set<UpstreamException.Kind> failures;
  private final String owner;
  private final String otherFailures;

  private final Deque<Answer> queued = new ArrayDeque<>(); // guarded by this
  private final List<Rule> rules = new ArrayList<>(); // guarded by this
  private Answer standing; // guarded by this
  private Duration delay = Duration.ZERO; // guarded by this

  /**
   * @param initial the standing answer until another is set
   * @param failures the failure kinds the owner can give
   * @param owner names the owner in messages, such as {@code UpstreamServer}
   * @param otherFailures why the owner cannot give the other kinds, and what to do instead
   */
  UpstreamScript(Answer initial, Set<UpstreamException.Kind> failures, String owner, String otherFailures) {
    this.initial = initial;
    this.standing = initial;
    this.failures = Set.copyOf(failures);
    this.owner = owner;
    this.otherFailures = otherFailures;
  }

  /**
   * Answers every request with a status and no body.
   *
   * <p>{@code script.respond(204);}
   *
   * @param status 100 to 599
   * @return this script
   * @throws IllegalArgumentException if the status is out of range
   */
  public UpstreamScript respond(int status) {
    return respond(Response.of(status));
  }

  /**
   * Answers every request with a status and a body, without a content type.
   *
   * <p>{@code script.respond(500, "boom");}
   *
   * @param status 100 to 599
   * @param body the body, as UTF-8
   * @return this script
   * @throws IllegalArgumentException if the status is out of range
   */
  public UpstreamScript respond(int status, String body) {
    return respond(response(status, body));
  }

  /**
   * Answers every request with a status and a typed body.
   *
   * <p>{@code script.respond(200, "application/json", "{\"id\":7}");}
   *
   * @param status 100 to 599
   * @param contentType the {@code Content-Type} value
   * @param body the body, as UTF-8
   * @return this script
   * @throws IllegalArgumentException if the status is out of range
   */
  public UpstreamScript respond(int status, String contentType, String body) {
    return respond(response(status, contentType, body));
  }

  /**
   * Answers every request with a response. A body held in memory may be sent any number of times;
   * a streamed one only once, so answer with {@link #respondWith(Function)} to stream a new one
   * each time.
   *
   * <p>{@code script.respond(Response.builder(200).header("ETag", "\"v1\"").build());}
   *
   * @param response the response
   * @return this script
   */
  public UpstreamScript respond(Response response) {
    Objects.requireNonNull(response, "response");
    return respondWith(request -> response);
  }

  /**
   * Answers every request with what a function makes of it, when the request is answered (after
   * the {@link #delay(Duration) delay}): on the stub timer's thread or the caller's in memory, on
   * the connection's thread on a server.
   *
   * <p>{@code script.respondWith(req -> Response.builder(200).body(Body.of(req.path())).build());}
   *
   * @param answer computes the response from what was received; it must not return null
   * @return this script
   */
  public UpstreamScript respondWith(Function<RecordedRequest, Response> answer) {
    Objects.requireNonNull(answer, "answer");
    synchronized (this) {
      standing = new Respond(answer);
    }
    return this;
  }

  /**
   * Fails every request as a real upstream would (see the class comment for how each medium
   * fails). {@code respond(...)} brings the upstream back.
   *
   * <p>{@code script.fail(UpstreamException.Kind.RESPONSE_TIMEOUT);   // 504}
   *
   * @param kind the failure
   * @return this script
   * @throws IllegalArgumentException if the owner cannot give that kind of failure
   */
  public UpstreamScript fail(UpstreamException.Kind kind) {
    Answer failure = failure(kind);
    synchronized (this) {
      standing = failure;
    }
    return this;
  }

  /**
   * Resets the connection of every request, as an upstream that crashes mid-request: the client
   * gets 502. Shorthand for {@code fail(UpstreamException.Kind.CONNECTION_RESET)}.
   *
   * <p>{@code script.reset();   // later: script.respond(200)}
   *
   * @return this script
   */
  public UpstreamScript reset() {
    return fail(UpstreamException.Kind.CONNECTION_RESET);
  }

  /**
   * Answers the next {@code n} requests, once each, with a status and no body; later ones fall
   * through to what comes next. The answers queue after those already queued.
   *
   * <p>{@code script.failNext(2, 503).respond(200);   // 503, 503, then 200}
   *
   * @param n how many requests, zero or more
   * @param status 100 to 599, such as 503
   * @return this script
   * @throws IllegalArgumentException if {@code n} is negative or the status is out of range
   */
  public UpstreamScript failNext(int n, int status) {
    checkCount(n);
    Response response = Response.of(status);
    return queue(n, new Respond(request -> response));
  }

  /**
   * Resets the connection of the next {@code n} requests, once each (see {@link #reset()}); later
   * ones fall through to what comes next. The resets queue after answers already queued.
   *
   * <p>{@code script.resetNext(1);   // the first attempt is reset, a retry gets the standing answer}
   *
   * @param n how many requests, zero or more
   * @return this script
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public UpstreamScript resetNext(int n) {
    checkCount(n);
    return queue(n, failure(UpstreamException.Kind.CONNECTION_RESET));
  }

  /**
   * Answers the next request, once, with a response; later ones fall through to what comes next.
   *
   * <p>{@code script.thenRespond(Response.of(429)).thenRespond(Response.of(200));}
   *
   * @param response the response
   * @return this script
   */
  public UpstreamScript thenRespond(Response response) {
    Objects.requireNonNull(response, "response");
    return queue(1, new Respond(request -> response));
  }

  /**
   * Fails the next request, once; later ones fall through to what comes next.
   *
   * <p>{@code script.thenFail(UpstreamException.Kind.CONNECTION_RESET);}
   *
   * @param kind the failure
   * @return this script
   * @throws IllegalArgumentException if the owner cannot give that kind of failure
   */
  public UpstreamScript thenFail(UpstreamException.Kind kind) {
    return queue(1, failure(kind));
  }

  /**
   * Holds back every answer, queued and standing, failures included, by this long on real time,
   * until set to zero: the delay in force when a request arrives is the one it gets. Against a
   * route's response timeout shorter than the delay, the client gets 504.
   *
   * <p>{@code script.delay(Duration.ofSeconds(2));   // against responseTimeout(200 ms): 504}
   *
   * @param delay zero or more; zero answers at once
   * @return this script
   * @throws IllegalArgumentException if the delay is negative
   */
  public UpstreamScript delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    synchronized (this) {
      this.delay = delay;
    }
    return this;
  }

  /**
   * Answers requests of one method and path differently from the rest:
   * {@code when("GET", "/orders/*").respond(200, "{}")}. The path pattern is matched against the
   * path the upstream receives (percent-encoded, without the query): literal segments, {@code *}
   * for one segment, and a trailing {@code **} for the rest. Rules are tried in the order
   * declared; declaring the same method and pattern again replaces its answer. One-shot answers
   * ({@code failNext}, {@code resetNext}, {@code thenRespond}, {@code thenFail}) still come first.
   *
   * @param method the method, or {@code *} for any
   * @param pathPattern such as {@code /orders/*} or {@code /static/**}
   * @return the rule's answer to set
   * @throws IllegalArgumentException if the pattern does not start with {@code /} or has
   *     {@code **} anywhere but at its end
   */
  public When<UpstreamScript> when(String method, String pathPattern) {
    return new When<>(this, method, pathPattern, this);
  }

  @Override
  public synchronized String toString() {
    return "UpstreamScript[" + owner + ", " + queued.size() + " queued, " + rules.size() + " rules, standing "
        + standing + (delay.isZero() ? "" : ", delay " + delay) + "]";
  }

  /**
   * The answer of a {@code when} rule. Each method sets the rule's answer and returns to whatever
   * made the rule: the script, a {@link StubUpstream} or an {@link UpstreamServer}.
   *
   * <p>{@code server.when("POST", "/orders").respond(201, "application/json", "{\"id\":8}");}
   *
   * @param <T> what the answer returns to
   * @since 0.1
   */
  public static sealed class When<T> permits StubUpstream.When {
    private final UpstreamScript script;
    private final String method;
    private final String pattern;
    private final T parent;

    When(UpstreamScript script, String method, String pattern, T parent) {
      this.script = script;
      this.method = Objects.requireNonNull(method, "method");
      this.pattern = checkPattern(Objects.requireNonNull(pattern, "pathPattern"));
      this.parent = parent;
    }

    /**
     * Answers matching requests with a status and no body.
     *
     * @param status 100 to 599
     * @return what made the rule
     * @throws IllegalArgumentException if the status is out of range
     */
    public T respond(int status) {
      return respond(Response.of(status));
    }

    /**
     * Answers matching requests with a status and a body, without a content type.
     *
     * @param status 100 to 599
     * @param body the body, as UTF-8
     * @return what made the rule
     * @throws IllegalArgumentException if the status is out of range
     */
    public T respond(int status, String body) {
      return respond(response(status, body));
    }

    /**
     * Answers matching requests with a status and a typed body.
     *
     * @param status 100 to 599
     * @param contentType the content type
     * @param body the body, as UTF-8
     * @return what made the rule
     * @throws IllegalArgumentException if the status is out of range
     */
    public T respond(int status, String contentType, String body) {
      return respond(response(status, contentType, body));
    }

    /**
     * Answers matching requests with a response.
     *
     * @param response the response; a body held in memory may be sent any number of times
     * @return what made the rule
     */
    public T respond(Response response) {
      Objects.requireNonNull(response, "response");
      return respondWith(request -> response);
    }

    /**
     * Answers matching requests with what a function makes of each.
     *
     * <p>{@code when("GET", "/echo/**").respondWith(req -> Response.builder(200).body(Body.of(req.path())).build())}
     *
     * @param answer computes the response from what was received; it must not return null
     * @return what made the rule
     */
    public T respondWith(Function<RecordedRequest, Response> answer) {
      Objects.requireNonNull(answer, "answer");
      return add(new Respond(answer));
    }

    /**
     * Fails matching requests as a real upstream would (see {@link UpstreamScript}).
     *
     * @param kind the failure
     * @return what made the rule
     * @throws IllegalArgumentException if the owner cannot give that kind of failure
     */
    public T fail(UpstreamException.Kind kind) {
      return add(script.failure(kind));
    }

    private T add(Answer answer) {
      synchronized (script) {
        script.rules.removeIf(r -> r.method().equals(method) && r.pattern().equals(pattern));
        script.rules.add(new Rule(method, pattern, answer));
      }
      return parent;
    }
  }

  /** The answer the next request gets, and the delay in force. Counts nothing; the caller records. */
  synchronized Taken take(RecordedRequest request) {
    Answer answer = queued.poll();
    if (answer == null) {
      answer = standing;
      for (Rule rule : rules) {
        if (rule.matches(request)) {
          answer = rule.answer();
          break;
        }
      }
    }
    return new Taken(answer, delay);
  }

  /** Back to how the owner started: its first standing answer, nothing queued, no rule, no delay. */
  synchronized void clear() {
    standing = initial;
    queued.clear();
    rules.clear();
    delay = Duration.ZERO;
  }

  private UpstreamScript queue(int n, Answer answer) {
    synchronized (this) {
      for (int i = 0; i < n; i++) {
        queued.add(answer);
      }
    }
    return this;
  }

  private Answer failure(UpstreamException.Kind kind) {
    Objects.requireNonNull(kind, "kind");
    if (!failures.contains(kind)) {
      throw new IllegalArgumentException("kind: " + kind + " (expected: one of "
          + failures.stream().sorted().toList() + "; " + otherFailures + ")");
    }
    return new Fail(kind);
  }

  private static void checkCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
  }

  private static Response response(int status, String body) {
    Objects.requireNonNull(body, "body");
    return Response.builder(status).body(Body.of(body)).build();
  }

  private static Response response(int status, String contentType, String body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    return Response.builder(status).headers(HttpHeaders.of("Content-Type", contentType)).body(Body.of(body)).build();
  }

  private static String checkPattern(String pathPattern) {
    if (!pathPattern.startsWith("/")) {
      throw new IllegalArgumentException("pathPattern: '" + pathPattern + "' (expected: a path starting with /)");
    }
    int rest = pathPattern.indexOf("**");
    if (rest >= 0 && (rest != pathPattern.length() - 2 || !pathPattern.endsWith("/**"))) {
      throw new IllegalArgumentException("pathPattern: '" + pathPattern + "' (expected: ** only as the last segment)");
    }
    return pathPattern;
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

  /** One scripted answer: a response made from the request, or a failure. */
  sealed interface Answer permits Respond, Fail {}

  /** Answers with what the function makes of the request. */
  record Respond(Function<RecordedRequest, Response> response) implements Answer {
    @Override
    public String toString() {
      return "a response";
    }
  }

  /** Fails as an upstream does with this kind of failure. */
  record Fail(UpstreamException.Kind kind) implements Answer {
    @Override
    public String toString() {
      return kind.toString();
    }
  }

  /** A method and path pattern with its answer. */
  private record Rule(String method, String pattern, Answer answer) {
    boolean matches(RecordedRequest request) {
      return (method.equals("*") || method.equals(request.method())) && pathMatches(pattern, request.path());
    }
  }

  /** What one request gets: its answer, and the delay in force when it arrived. */
  record Taken(Answer answer, Duration delay) {}
}
