package io.gatehouse.testing;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.route.RouteExplanation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A request being written in a test, sent with {@link #send()}. Not thread-safe; send once.
 *
 * <p>{@code tester.post("/orders").header("Content-Type", "application/json").body("{}").send()}
 *
 * @since 0.1
 */
public final class TestRequest {
  private static final String DEFAULT_HOST = "gateway.test";
  private final GatewayTester tester;
  private final Request.Builder request;
  private final HttpHeaders.Builder headers = HttpHeaders.builder();

  TestRequest(GatewayTester tester, String method, String target) {
    this.tester = tester;
    this.request = Request.builder(method, target);
  }

  /**
   * Adds a header.
   *
   * @param name the field name
   * @param value the value
   * @return this request
   */
  public TestRequest header(String name, String value) {
    headers.add(name, value);
    return this;
  }

  /**
   * Sets {@code Authorization: Bearer <token>}.
   *
   * @param token the token
   * @return this request
   */
  public TestRequest bearer(String token) {
    headers.set("Authorization", "Bearer " + Objects.requireNonNull(token, "token"));
    return this;
  }

  /**
   * Sets {@code Authorization: Basic} with these credentials (RFC 7617, UTF-8).
   *
   * @param user the user name, without {@code :}
   * @param password the password
   * @return this request
   */
  public TestRequest basic(String user, String password) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    String pair = user + ":" + password;
    headers.set("Authorization", "Basic " + Base64.getEncoder()
        .encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  /**
   * Sets a UTF-8 body.
   *
   * @param body the body
   * @return this request
   */
  public TestRequest body(String body) {
    request.body(Body.of(body));
    return this;
  }

  /**
   * Sets a body.
   *
   * @param body the body
   * @return this request
   */
  public TestRequest body(Body body) {
    request.body(body);
    return this;
  }

  /**
   * Sets the peer address the gateway sees (default 127.0.0.1).
   *
   * @param ipAddress an IP literal such as {@code 203.0.113.9}
   * @return this request
   */
  public TestRequest from(String ipAddress) {
    try {
      if (!ipAddress.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
        throw new UnknownHostException(ipAddress);
      }
      request.remoteAddress(new InetSocketAddress(InetAddress.getByName(ipAddress), 40000));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("ipAddress: '" + ipAddress + "' (expected: an IP literal)", e);
    }
    return this;
  }

  /**
   * Sets the scheme the request arrived with (default {@code http}).
   *
   * @param scheme {@code http} or {@code https}
   * @return this request
   */
  public TestRequest scheme(String scheme) {
    request.scheme(scheme);
    return this;
  }

  /**
   * Explains how the gateway would route this request, without sending it: the route that
   * matches, why each route declared before it does not, and the stages that would run. The
   * request may still be sent afterwards.
   *
   * <p>{@code System.out.println(tester.get("/api/orders/7").header("X-Beta", "true").explain());}
   *
   * @return the explanation; its chain lists the gateway's stages, the tester adding none
   */
  public RouteExplanation explain() {
    HttpHeaders explained = headers.build();
    if (!explained.contains("Host")) {
      explained = explained.toBuilder().add("Host", DEFAULT_HOST).build();
    }
    return tester.explanationOf(request.headers(explained).build());
  }

  /**
   * Sends the request and waits for the whole response.
   *
   * @return the response, with what the upstream saw
   * @throws AssertionError if the gateway called an upstream that has no stub, or did not answer
   *     within the tester's timeout
   */
  public TestResponse send() {
    Sent sent = dispatch();
    try {
      return sent.answer().get(tester.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the gateway did not answer " + sent.request() + " within " + tester.timeout(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AssertionError unstubbed) {
        throw unstubbed;
      }
      throw new AssertionError("the gateway failed on " + sent.request() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + sent.request(), e);
    }
  }

  /**
   * Sends the request without waiting for the answer: for a gateway that waits for its clock
   * before it answers (a retry's backoff, a throttled request, a route deadline, a concurrency
   * queue) on a {@link ManualClock}, which moves only when the test advances it. The timers run
   * in {@code advance}, on the test's thread, so with stubbed upstreams the answer is there when
   * {@code advance} returns.
   *
   * <pre>{@code
   * CompletableFuture<TestResponse> pending = tester.get("/orders/7").sendAsync();
   * assertThat(pending).isNotDone();                // the retry waits for its backoff
   * clock.advance(Duration.ofMillis(200));          // the backoff passes: the retry runs now
   * assertThat(pending.join()).hasStatus(200);
   * }</pre>
   *
   * @return completes with the response, read whole, with what the upstream saw; completes
   *     exceptionally with an {@link AssertionError} if the gateway called an upstream that has no
   *     stub
   */
  public CompletableFuture<TestResponse> sendAsync() {
    return dispatch().answer();
  }

  /** The request as sent, and its answer to come. */
  private record Sent(Request request, CompletableFuture<TestResponse> answer) {}

  private Sent dispatch() {
    if (!headers.contains("Host")) {
      headers.add("Host", DEFAULT_HOST);
    }
    if (!headers.contains("X-Request-Id")) {
      headers.add("X-Request-Id", tester.nextRequestId());
    }
    HttpHeaders sentHeaders = headers.build();
    Request sent = request.headers(sentHeaders).build();
    String requestId = sentHeaders.first("X-Request-Id").orElseThrow();
    int unstubbedBefore = tester.unstubbedCalls().size();
    CompletableFuture<TestResponse> answer = tester.gateway().handle(sent).toCompletableFuture()
        .thenCompose(response -> response.body().bytes(StubTransport.MAX_BODY).thenApply(body -> {
          List<RecordedRequest> unstubbed = tester.unstubbedCalls();
          if (unstubbed.size() > unstubbedBefore) {
            RecordedRequest call = unstubbed.get(unstubbed.size() - 1);
            throw new AssertionError(sent + " was routed to " + tester.routeOf(requestId).map(r -> "route '" + r + "'").orElse("?")
                + ", which called " + call.origin() + " that has no stub (stubbed: "
                + tester.transport().stubbedOrigins() + "); add tester.stubUpstream(\"" + call.origin() + "\", ...)");
          }
          return new TestResponse(response.status(), response.headers(), body, requestId,
              tester.routeOf(requestId), tester.transport().receivedWithRequestId(requestId), () -> tester.explanationOf(sent));
        }))
        .toCompletableFuture();
    return new Sent(sent, answer);
  }
}
