package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Shorthands for the transport tests; every wait is bounded. */
final class Calls {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);

  private Calls() {}

  static UpstreamCall call(URI origin, Request request) {
    return new UpstreamCall(origin, request, CONNECT_TIMEOUT, RESPONSE_TIMEOUT);
  }

  static UpstreamCall get(URI origin, String target) {
    return call(origin, Request.builder("GET", target).build());
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  static byte[] body(Response response) throws Exception {
    return await(response.body().bytes(64L * 1024 * 1024));
  }

  /** Asserts the kind, showing the whole cause chain when it differs. */
  static void assertKind(UpstreamException e, UpstreamException.Kind kind) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append("\n  ").append(t);
    }
    assertThat(e.kind()).as("kind of%s", chain).isEqualTo(kind);
  }

  /** The UpstreamException the stage fails with; fails the test if it completes otherwise. */
  static UpstreamException failure(CompletionStage<?> stage) {
    Throwable thrown = catchThrowable(() -> stage.toCompletableFuture().get(15, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(UpstreamException.class);
    return (UpstreamException) thrown.getCause();
  }

  /** Reads a response body to its failure; fails the test if it completes instead. */
  static UpstreamException bodyFailure(Response response) throws Exception {
    TestSubscriber subscriber = TestSubscriber.auto();
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
