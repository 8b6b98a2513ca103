package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.raw.BackgroundUpload;
import io.gatehouse.testing.raw.GeneratedBody;
import io.gatehouse.testing.raw.HeldBodyReader;
import io.gatehouse.testing.raw.RawHttp;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamingTest {
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  /** Waits until the value has not changed for a while, and returns it; bounded. */
  static long settled(LongSupplier value) {
    return Poll.within(Duration.ofSeconds(20)).settled(value, Duration.ofMillis(750));
  }

  @Test
  void echoes_a_body_of_known_length_byte_for_byte() throws Exception {
    server = Servers.start(TestGateway.echo());
    byte[] sent = randomBytes(3 * 1024 * 1024 + 17);

    HttpResponse<byte[]> res = Servers.CLIENT.send(Servers.request(server.port(), "/echo")
        .POST(HttpRequest.BodyPublishers.ofByteArray(sent)).build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Length")).contains(String.valueOf(sent.length));
    assertThat(res.body()).isEqualTo(sent);
  }

  @Test
  void echoes_a_chunked_body_of_unknown_length_chunked() throws Exception {
    server = Servers.start(TestGateway.echo());
    byte[] sent = randomBytes(2 * 1024 * 1024 + 5);

    HttpResponse<byte[]> res = Servers.CLIENT.send(Servers.request(server.port(), "/echo")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(sent))).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Transfer-Encoding")).contains("chunked");
    assertThat(res.body()).isEqualTo(sent);
  }

  @Test
  void a_slow_reading_client_slows_the_response_body_publisher() throws Exception {
    GeneratedBody endless = new GeneratedBody(-1, 7);
    server = Servers.start(TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(endless, -1)).build()));

    try (RawHttp client = RawHttp.connect(server.port(), 64 * 1024)) {
      client.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n");
      assertThat(client.readHead().status()).isEqualTo(200);
      client.readExactly(1024); // then stop reading

      long emitted = settled(endless::emittedBytes);

      // Kernel socket buffers on both ends hold a few MiB at most; an eager writer would not stop.
      assertThat(emitted).isLessThan(32L * 1024 * 1024);
      // The writer's window (ResponseBodyWriter.WINDOW): at most 8 buffers asked for and not yet written.
      assertThat(endless.maxOutstanding()).isBetween(1L, 8L);
      assertThat(endless.requested() - endless.emittedChunks()).isLessThanOrEqualTo(8);

      // Reading resumes the flow.
      client.readExactly((int) Math.min(emitted, 8 * 1024 * 1024));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (endless.emittedBytes() <= emitted && System.nanoTime() < deadline) {
        client.readExactly(64 * 1024);
      }
      assertThat(endless.emittedBytes()).isGreaterThan(emitted);
    }
  }

  @Test
  void a_slow_consumer_of_the_request_body_slows_the_client() throws Exception {
    HeldBodyReader reader = HeldBodyReader.create();
    server = Servers.start(TestGateway.async(reader::read));
    long total = 64L * 1024 * 1024;
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.socket().setSendBufferSize(64 * 1024);
      client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
      BackgroundUpload upload = BackgroundUpload.start(client.socket(), total);

      long stuckAt = settled(upload::written);

      assertThat(reader.onNextCalls()).isEqualTo(1);
      assertThat(stuckAt).isLessThan(32L * 1024 * 1024);

      reader.release();
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(new String(client.readBody(head))).isEqualTo(String.valueOf(total));
      upload.join(Duration.ofSeconds(10));
    }
  }

  @Test
  void sends_100_continue_when_the_gateway_starts_reading_the_body() throws Exception {
    server = Servers.start(TestGateway.echo());
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      RawHttp.Head interim = client.readHead();
      assertThat(interim.status()).isEqualTo(100);

      client.send("hello");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
  }
}
