package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.RawHttp;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseTest {
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private int serve(Function<Request, Response> handler) {
    server = Servers.start(TestGateway.respond(handler));
    return server.port();
  }

  private static RawHttp.Head get(RawHttp c, String method, String target) throws Exception {
    c.send(method + " " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
    return c.readHead();
  }

  /** A streaming body that emits the given chunks, then completes or fails. */
  static Flow.Publisher<ByteBuffer> chunks(Throwable failure, String... parts) {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      int next;
      boolean done;

      @Override
      public void request(long n) {
        for (long i = 0; i < n && !done; i++) {
          if (next < parts.length) {
            subscriber.onNext(ByteBuffer.wrap(parts[next++].getBytes(StandardCharsets.UTF_8)));
          } else {
            done = true;
            if (failure == null) {
              subscriber.onComplete();
            } else {
              subscriber.onError(failure);
            }
          }
        }
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
  }

  @Test
  void writes_status_and_headers_and_frames_a_known_length_itself() throws Exception {
    int port = serve(r -> Response.builder(201)
        .header("X-Multi", "one").header("X-Multi", "two")
        .header("Content-Type", "text/plain")
        .header("Content-Length", "999")          // wrong, and not ours to trust
        .header("Transfer-Encoding", "chunked")
        .header("Connection", "X-Hop")
        .body(Body.of("hello"))
        .build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.status()).isEqualTo(201);
      assertThat(head.all("X-Multi")).containsExactly("one", "two");
      assertThat(head.all("Content-Length")).containsExactly("5");
      assertThat(head.has("Transfer-Encoding")).isFalse();
      assertThat(head.all("Connection")).doesNotContain("X-Hop");
      assertThat(new String(c.readBody(head), StandardCharsets.UTF_8)).isEqualTo("hello");
      // the connection stays usable
      RawHttp.Head again = get(c, "GET", "/again");
      assertThat(again.status()).isEqualTo(201);
    }
  }

  @ParameterizedTest(name = "Connection: {0}")
  @ValueSource(strings = {"close", "Close", "keep-alive, close", " close "})
  void a_gateway_response_asking_to_close_ends_the_connection_after_it(String connection) throws Exception {
    int port = serve(r -> Response.builder(400).header("Connection", connection).body(Body.of("bad")).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.status()).isEqualTo(400);
      assertThat(head.all("Connection")).containsExactly("close");
      assertThat(new String(c.readBody(head), StandardCharsets.UTF_8)).isEqualTo("bad");
      assertThat(c.closedWithin(3000)).isTrue();
    }
  }

  @Test
  void frames_a_body_of_unknown_length_as_chunked() throws Exception {
    int port = serve(r -> Response.builder(200).body(Body.ofPublisher(chunks(null, "ab", "", "cde"), -1)).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.first("Transfer-Encoding")).contains("chunked");
      assertThat(head.has("Content-Length")).isFalse();
      assertThat(new String(c.readBody(head), StandardCharsets.UTF_8)).isEqualTo("abcde");
    }
  }

  @Test
  void answers_head_without_a_body_but_with_the_length_a_get_would_have() throws Exception {
    AtomicBoolean bodyCancelled = new AtomicBoolean();
    int port = serve(r -> r.method().equals("HEAD")
        ? Response.builder(200).header("Content-Length", "1234")
            .body(Body.ofPublisher(s -> s.onSubscribe(new Flow.Subscription() {
              @Override
              public void request(long n) {}

              @Override
              public void cancel() {
                bodyCancelled.set(true);
              }
            }), -1)).build()
        : Response.builder(200).body(Body.of("full body")).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "HEAD", "/");
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Content-Length")).contains("1234");
      assertThat(bodyCancelled).isTrue();

      // if the HEAD response had carried a body, this would read it instead of the next status line
      RawHttp.Head next = get(c, "GET", "/");
      assertThat(next.status()).isEqualTo(200);
      assertThat(new String(c.readBody(next), StandardCharsets.UTF_8)).isEqualTo("full body");
    }
  }

  @Test
  void answers_head_with_the_length_of_a_known_body() throws Exception {
    int port = serve(r -> Response.builder(200).body(Body.of("twelve bytes")).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "HEAD", "/");
      assertThat(head.first("Content-Length")).contains("12");
      assertThat(get(c, "GET", "/").status()).isEqualTo(200);
    }
  }

  @Test
  void sends_no_body_with_204() throws Exception {
    int port = serve(r -> r.path().equals("/204")
        ? Response.builder(204).body(Body.of("ignored")).build()
        : Response.builder(200).body(Body.of("next")).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/204");
      assertThat(head.status()).isEqualTo(204);
      assertThat(head.has("Content-Length")).isFalse();
      RawHttp.Head next = get(c, "GET", "/next");
      assertThat(new String(c.readBody(next), StandardCharsets.UTF_8)).isEqualTo("next");
    }
  }

  @Test
  void answers_502_problem_when_the_gateway_future_fails() throws Exception {
    server = Servers.start(TestGateway.async(r -> CompletableFuture.failedFuture(new IllegalStateException("secret internals"))));
    try (RawHttp c = RawHttp.connect(server.port())) {
      RawHttp.Head head = get(c, "GET", "/");
      String body = new String(c.readBody(head), StandardCharsets.UTF_8);

      assertThat(head.status()).isEqualTo(502);
      assertThat(head.first("Content-Type")).contains("application/problem+json");
      assertThat(body).contains("\"type\":\"urn:gatehouse:problem:bad-gateway\"", "\"requestId\":", "\"title\":\"Bad Gateway\"", "\"status\":502", "\"detail\":\"")
          .doesNotContain("secret internals", "Exception", "at io.");
    }
  }

  @Test
  void answers_502_problem_when_the_gateway_throws_or_returns_null() throws Exception {
    server = Servers.start(TestGateway.async(r -> {
      if (r.path().equals("/throw")) {
        throw new IllegalStateException("boom");
      }
      return null;
    }));
    try (RawHttp c = RawHttp.connect(server.port())) {
      assertThat(get(c, "GET", "/throw").status()).isEqualTo(502);
    }
    try (RawHttp c = RawHttp.connect(server.port())) {
      assertThat(get(c, "GET", "/null").status()).isEqualTo(502);
    }
  }

  @Test
  void answers_502_problem_when_the_body_fails_before_its_first_byte() throws Exception {
    int port = serve(r -> Response.builder(200).header("X-From-Upstream", "yes")
        .body(Body.ofPublisher(chunks(new RuntimeException("upstream reset")), 100)).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.status()).isEqualTo(502);
      assertThat(head.has("X-From-Upstream")).isFalse();
      assertThat(new String(c.readBody(head), StandardCharsets.UTF_8)).contains("\"status\":502");
    }
  }

  @Test
  void closes_the_connection_when_a_chunked_body_fails_midway() throws Exception {
    int port = serve(r -> Response.builder(200)
        .body(Body.ofPublisher(chunks(new RuntimeException("upstream reset"), "first part"), -1)).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.status()).isEqualTo(200);
      assertThatThrownBy(() -> c.readBody(head)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void closes_the_connection_when_a_body_of_known_length_fails_midway() throws Exception {
    int port = serve(r -> Response.builder(200)
        .body(Body.ofPublisher(chunks(new RuntimeException("upstream reset"), "first part"), 100)).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.first("Content-Length")).contains("100");
      assertThatThrownBy(() -> c.readBody(head)).isInstanceOf(EOFException.class).hasMessageContaining("after 10 of 100");
    }
  }

  @Test
  void closes_the_connection_when_a_body_is_shorter_than_declared() throws Exception {
    int port = serve(r -> Response.builder(200).body(Body.ofPublisher(chunks(null, "only ten.."), 20)).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThatThrownBy(() -> c.readBody(head)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void closes_the_connection_when_a_body_is_longer_than_declared() throws Exception {
    int port = serve(r -> Response.builder(200).body(Body.ofPublisher(chunks(null, "0123456789", "overflow"), 12)).build());
    try (RawHttp c = RawHttp.connect(port)) {
      RawHttp.Head head = get(c, "GET", "/");

      assertThat(head.first("Content-Length")).contains("12");
      assertThatThrownBy(() -> c.readBody(head)).isInstanceOf(EOFException.class);
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
