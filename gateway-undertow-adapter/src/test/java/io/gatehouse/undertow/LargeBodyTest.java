package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.GeneratedBody;
import io.gatehouse.testing.raw.GeneratedBytes;
import io.gatehouse.testing.raw.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 256 MiB through the adapter in each direction, generated on the fly and checked by SHA-256.
 * Surefire runs this class alone with -Xmx128m, so a body that were buffered anywhere would fail.
 */
class LargeBodyTest {
  private static final long SIZE = 256L * 1024 * 1024;
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void runs_with_a_heap_smaller_than_the_bodies() {
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(SIZE);
  }

  @Test
  void streams_a_256_MiB_request_body_to_the_gateway_byte_exact() throws Exception {
    server = Servers.start(TestGateway.async(r -> {
      CompletableFuture<Response> answer = new CompletableFuture<>();
      r.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
        final MessageDigest md = GeneratedBody.newDigest();
        long bytes;
        Flow.Subscription s;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          this.s = s;
          s.request(4);
        }

        @Override
        public void onNext(ByteBuffer item) {
          bytes += item.remaining();
          md.update(item);
          s.request(1);
        }

        @Override
        public void onError(Throwable t) {
          answer.complete(Response.builder(500).body(Body.of(t.toString())).build());
        }

        @Override
        public void onComplete() {
          answer.complete(Response.builder(200)
              .body(Body.of(bytes + " " + HexFormat.of().formatHex(md.digest()))).build());
        }
      });
      return answer;
    }));
    GeneratedBody upload = new GeneratedBody(SIZE, 11);

    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(server.port(), "/upload")
        .timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.fromPublisher(upload, SIZE)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(SIZE + " " + GeneratedBody.sha256(SIZE, 11));
  }

  @Test
  void streams_a_256_MiB_response_body_to_the_client_byte_exact() throws Exception {
    server = Servers.start(TestGateway.respond(r ->
        Response.builder(200).body(Body.ofPublisher(new GeneratedBody(SIZE, 13), SIZE)).build()));

    HttpResponse<InputStream> res = Servers.CLIENT.send(Servers.request(server.port(), "/download")
        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofInputStream());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
    MessageDigest md = GeneratedBody.newDigest();
    long bytes = 0;
    try (InputStream in = res.body()) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) != -1; ) {
        md.update(buf, 0, n);
        bytes += n;
      }
    }
    assertThat(bytes).isEqualTo(SIZE);
    assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(GeneratedBody.sha256(SIZE, 13));
  }

  @Test
  void echoes_256_MiB_through_both_directions_at_once() throws Exception {
    // java.net.http sends the whole request before it reads the response; an echo needs a client
    // that reads while it writes, or both sides stop with full buffers (which is back-pressure
    // working as it should).
    server = Servers.start(TestGateway.echo());
    try (RawHttp client = RawHttp.connect(server.port())) {
      CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
        try {
          client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + SIZE + "\r\n\r\n");
          GeneratedBytes g = new GeneratedBytes(17);
          ByteBuffer buf = ByteBuffer.allocate(GeneratedBody.CHUNK);
          for (long left = SIZE; left > 0; left -= buf.limit()) {
            buf.clear();
            g.fill(buf, (int) Math.min(buf.capacity(), left));
            buf.flip();
            client.send(Arrays.copyOf(buf.array(), buf.limit()));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });

      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Content-Length")).contains(String.valueOf(SIZE));
      MessageDigest md = GeneratedBody.newDigest();
      byte[] buf = new byte[64 * 1024];
      for (long left = SIZE; left > 0; ) {
        int n = client.read(buf);
        assertThat(n).as("bytes still expected: %d", left).isPositive();
        md.update(buf, 0, n);
        left -= n;
      }
      upload.get(1, TimeUnit.MINUTES);
      assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(GeneratedBody.sha256(SIZE, 17));
    }
  }
}
