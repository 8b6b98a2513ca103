package io.gatehouse.testing.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.Unstable;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Shorthands for tests that drive an {@link io.gatehouse.spi.UpstreamTransport} directly: the
 * kit's rows and a transport's own tests beside it. Every wait is bounded.
 *
 * <pre>{@code
 * Response response = await(transport.send(TransportCalls.get(upstream.origin(), "/")));
 * assertThat(body(response)).asString().isEqualTo("ok");
 * assertKind(failure(transport.send(get(URI.create("http://127.0.0.1:1"), "/"))), Kind.CONNECT_REFUSED);
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class TransportCalls {
  /** The connect timeout of every call made here. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** The response timeout of every call made here. */
  public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);

  private TransportCalls() {}

  /**
   * A call with {@link #CONNECT_TIMEOUT} and {@link #RESPONSE_TIMEOUT}.
   *
   * @param origin the upstream's origin
   * @param request the request
   * @return the call
   */
  public static UpstreamCall call(URI origin, Request request) {
    return new UpstreamCall(origin, request, CONNECT_TIMEOUT, RESPONSE_TIMEOUT);
  }

  /**
   * A GET call with {@link #CONNECT_TIMEOUT} and {@link #RESPONSE_TIMEOUT}.
   *
   * @param origin the upstream's origin
   * @param target the request target
   * @return the call
   */
  public static UpstreamCall get(URI origin, String target) {
    return call(origin, Request.builder("GET", target).build());
  }

  /**
   * Waits up to 15 seconds for the stage.
   *
   * @param <T> the result type
   * @param stage the stage
   * @return its result
   * @throws Exception its failure (wrapped in an ExecutionException), or a timeout
   */
  public static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /**
   * Reads the whole body, up to 64 MiB, waiting up to 15 seconds.
   *
   * @param response the response
   * @return the body's bytes
   * @throws Exception the body's failure, or a timeout
   */
  public static byte[] body(Response response) throws Exception {
    return await(response.body().bytes(64L * 1024 * 1024));
  }

  /**
   * Asserts the kind, showing the whole cause chain when it differs.
   *
   * @param e the failure
   * @param kind the kind it must have
   */
  public static void assertKind(UpstreamException e, UpstreamException.Kind kind) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append("\n  ").append(t);
    }
    assertThat(e.kind()).as("kind of%s", chain).isEqualTo(kind);
  }

  /**
   * The UpstreamException the stage fails with within 15 seconds; fails the test if it completes
   * otherwise.
   *
   * @param stage the stage
   * @return its failure
   */
  public static UpstreamException failure(CompletionStage<?> stage) {
    Throwable thrown = catchThrowable(() -> stage.toCompletableFuture().get(15, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(UpstreamException.class);
    return (UpstreamException) thrown.getCause();
  }

  /**
   * Reads a response body to its failure within 15 seconds; fails the test if it completes instead.
   *
   * @param response the response
   * @return the body's failure
   * @throws Exception on a timeout or interruption
   */
  public static UpstreamException bodyFailure(Response response) throws Exception {
    KitSubscriber subscriber = KitSubscriber.auto(null);
    response.body().subscribe(subscriber);
    Throwable thrown = null;
    try {
      subscriber.done.get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      thrown = e.getCause();
    }
    assertThat(thrown).isInstanceOf(UpstreamException.class);
    return (UpstreamException) thrown;
  }
}
