package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upgrades through the default transport (a call whose request carries a tunnel), against a
 * raw-socket upstream: the request head, the 101 and the bytes after it both ways, refusals framed
 * each way, and answers that break HTTP/1.1.
 */
class SocketUpgradeCallTest {
  private static HttpClientTransport transport;

  @BeforeAll
  static void start() {
    transport = HttpClientTransport.create(TransportSettings.defaults());
    transport.start();
  }

  @AfterAll
  static void stop() {
    transport.close();
  }

  /** An upstream that reads one request head, then writes {@code answer} and echoes what follows. */
  private static CompletableFuture<String> upstream(ServerSocket server, byte[] answer, boolean echo) {
    return CompletableFuture.supplyAsync(() -> {
      try (Socket c = server.accept()) {
        c.setSoTimeout(10_000);
        InputStream in = c.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          head.append((char) in.read());
        }
        c.getOutputStream().write(answer);
        c.getOutputStream().flush();
        if (echo) {
          byte[] buf = new byte[1024];
          for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            c.getOutputStream().write(buf, 0, n);
          }
        } else {
          in.read();
        }
        return head.toString();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  private static CompletableFuture<Response> send(ServerSocket server, Flow.Publisher<ByteBuffer> tunnel) {
    Request request = Request.builder("GET", "/chat").rawQuery("room=1")
        .headers(io.gatehouse.http.HttpHeaders.of("Upgrade", "websocket", "Connection", "Upgrade",
            "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="))
        .body(Body.empty()).tunnel(tunnel).build();
    return transport.send(new UpstreamCall(URI.create("http://127.0.0.1:" + server.getLocalPort()), request,
        Duration.ofSeconds(5), Duration.ofSeconds(5))).toCompletableFuture();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void a_101_carries_the_bytes_after_it_and_the_tunnel_reaches_the_upstream() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SubmissionPublisher<ByteBuffer> tunnel = new SubmissionPublisher<>()) {
      CompletableFuture<String> head = upstream(server,
          ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nfirst"), true);
      Response r = send(server, tunnel).get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(101);
      assertThat(r.headers().first("Upgrade")).contains("websocket");
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      CompletableFuture<Void> ended = new CompletableFuture<>();
      r.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
        Flow.Subscription s;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          this.s = s;
          s.request(1);
        }

        @Override
        public void onNext(ByteBuffer item) {
          byte[] b = new byte[item.remaining()];
          item.get(b);
          got.writeBytes(b);
          if (got.toString(StandardCharsets.ISO_8859_1).equals("first and more")) {
            ended.complete(null);
          }
          s.request(1);
        }

        @Override
        public void onError(Throwable t) {
          ended.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
          ended.complete(null);
        }
      });
      tunnel.submit(ByteBuffer.wrap(ascii(" and more")));
      ended.get(10, TimeUnit.SECONDS);
      assertThat(got.toString(StandardCharsets.ISO_8859_1)).isEqualTo("first and more");
      tunnel.close();
      assertThat(head.get(10, TimeUnit.SECONDS)).startsWith("GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1:"
          + server.getLocalPort() + "\r\n").contains("Upgrade: websocket\r\n").contains("Sec-WebSocket-Key: ");
    }
  }

  @Test
  void a_chunked_refusal_comes_back_whole_and_skips_an_interim_answer() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SubmissionPublisher<ByteBuffer> tunnel = new SubmissionPublisher<>()) {
      upstream(server, ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n"
          + "Content-Type: text/plain\r\n\r\n3;x=1\r\nnot\r\n8\r\n allowed\r\n0\r\nTrailer: t\r\n\r\n"), false);
      Response r = send(server, tunnel).get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.headers().first("Content-Type")).contains("text/plain");
      assertThat(new String(r.body().bytes(1 << 20).toCompletableFuture().get(5, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1))
          .isEqualTo("not allowed");
    }
  }

  @Test
  void a_refusal_framed_by_the_end_of_the_connection_comes_back_whole() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SubmissionPublisher<ByteBuffer> tunnel = new SubmissionPublisher<>()) {
      CompletableFuture.runAsync(() -> {
        try (Socket c = server.accept()) {
          InputStream in = c.getInputStream();
          StringBuilder head = new StringBuilder();
          while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
          }
          c.getOutputStream().write(ascii("HTTP/1.0 404 Not Found\r\n\r\ngone"));
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      Response r = send(server, tunnel).get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(404);
      assertThat(new String(r.body().bytes(1 << 20).toCompletableFuture().get(5, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1)).isEqualTo("gone");
    }
  }

  @Test
  void answers_that_break_http_fail_with_a_protocol_error() throws Exception {
    String[] answers = {
        "HTTP/1.1 20x OK\r\n\r\n",
        "HTTP/1.1 403 Forbidden\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 403 Forbidden\r\nX-A: 1\r\n folded\r\n\r\n",
        "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nno",
        "HTTP/1.1 403 Forbidden\r\nContent-Length: 70000\r\n\r\n",
        "HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    };
    for (String answer : answers) {
      try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          SubmissionPublisher<ByteBuffer> tunnel = new SubmissionPublisher<>()) {
        upstream(server, ascii(answer), false);
        assertThatThrownBy(() -> send(server, tunnel).get(10, TimeUnit.SECONDS))
            .as(answer)
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(UpstreamException.class)
            .extracting(e -> ((UpstreamException) e).kind()).isEqualTo(UpstreamException.Kind.PROTOCOL_ERROR);
      }
    }
  }

  @Test
  void an_upstream_that_stays_silent_fails_with_a_response_timeout() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        SubmissionPublisher<ByteBuffer> tunnel = new SubmissionPublisher<>()) {
      CompletableFuture.runAsync(() -> {
        try (Socket c = server.accept()) {
          c.getInputStream().read(new byte[4096]);
          Thread.sleep(3000);
        } catch (Exception e) {
          // closed by the test
        }
      });
      Request request = Request.builder("GET", "/").headers(io.gatehouse.http.HttpHeaders.of("Upgrade", "websocket"))
          .body(Body.empty()).tunnel(tunnel).build();
      CompletableFuture<Response> r = transport.send(new UpstreamCall(URI.create("http://127.0.0.1:" + server.getLocalPort()),
          request, Duration.ofSeconds(5), Duration.ofMillis(200))).toCompletableFuture();
      assertThatThrownBy(() -> r.get(10, TimeUnit.SECONDS)).cause().isInstanceOf(UpstreamException.class)
          .extracting(e -> ((UpstreamException) e).kind()).isEqualTo(UpstreamException.Kind.RESPONSE_TIMEOUT);
    }
  }
}
