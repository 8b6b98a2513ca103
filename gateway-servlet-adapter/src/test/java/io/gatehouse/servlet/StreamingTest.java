package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.Response;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.raw.BackgroundUpload;
import io.gatehouse.testing.raw.GeneratedBody;
import io.gatehouse.testing.raw.HeldBodyReader;
import io.gatehouse.testing.raw.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bodies stream both ways on each container, never buffered whole: a request body that the
 * gateway (or the upstream behind it) reads slowly holds the client back, and a response body
 * that the client reads slowly holds the publisher back. Bounds: kernel socket buffers and the
 * containers' own buffers hold a few MiB at most, far below the 64 MiB sent.
 */
class StreamingTest {
  private static final long BOUND = 32L * 1024 * 1024;

  private static Container.Running start(Container container, Gateway gateway) {
    return container.start(Container.Deployment.of("", Map.of("/gw/*", GatehouseServlet.of(gateway))));
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

  @ParameterizedTest
  @EnumSource(Container.class)
  void echoes_a_body_of_known_length_byte_for_byte(Container container) throws Exception {
    byte[] sent = randomBytes(3 * 1024 * 1024 + 17);
    try (Container.Running running = start(container, TestGateway.echo());
        RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST /gw/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + sent.length + "\r\n\r\n");
      client.send(sent);
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Content-Length")).contains(String.valueOf(sent.length));
      assertThat(client.readBody(head)).isEqualTo(sent);
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void echoes_a_chunked_body_of_unknown_length_chunked(Container container) throws Exception {
    byte[] sent = randomBytes(2 * 1024 * 1024 + 5);
    try (Container.Running running = start(container, TestGateway.echo());
        RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST /gw/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int off = 0; off < sent.length; off += 100_000) {
        int n = Math.min(100_000, sent.length - off);
        client.send(Integer.toHexString(n) + "\r\n");
        client.send(java.util.Arrays.copyOfRange(sent, off, off + n));
        client.send("\r\n");
      }
      client.send("0\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.first("Transfer-Encoding")).contains("chunked");
      assertThat(client.readBody(head)).isEqualTo(sent);
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_slow_reading_client_slows_the_response_body_publisher(Container container) throws Exception {
    GeneratedBody endless = new GeneratedBody(-1, 7);
    Gateway gateway = TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(endless, -1)).build());
    // The server stops only after the body was cancelled: Jetty 12.1's stop() can deadlock when it
    // closes a connection whose response write is still pending (the selector thread waits in
    // HttpConnection.SendCallback.cancel for a callback that needs the selector).
    try (Container.Running running = start(container, gateway)) {
      try (RawHttp client = RawHttp.connect(running.port(), 64 * 1024)) {
        client.send("GET /gw/endless HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(client.readHead().status()).isEqualTo(200);
        client.readExactly(1024); // then stop reading

        long emitted = settled(endless::emittedBytes);

        assertThat(emitted).isLessThan(BOUND);
        // The writer's window (ResponseBodyWriter.WINDOW): at most 8 buffers asked for and not yet written.
        assertThat(endless.maxOutstanding()).isBetween(1L, 8L);
        assertThat(endless.requested() - endless.emittedChunks()).isLessThanOrEqualTo(8);

        // Reading resumes the flow.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (endless.emittedBytes() <= emitted + 1024 * 1024 && System.nanoTime() < deadline) {
          client.readExactly(64 * 1024);
        }
        assertThat(endless.emittedBytes()).isGreaterThan(emitted + 1024 * 1024);
      }
      // The client went away mid-body: the body's subscription is cancelled once a write fails.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!endless.cancelled() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(endless.cancelled()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_slow_consumer_of_the_request_body_slows_the_client(Container container) throws Exception {
    HeldBodyReader reader = HeldBodyReader.create();
    Gateway gateway = TestGateway.async(reader::read);
    long total = 64L * 1024 * 1024;
    try (Container.Running running = start(container, gateway);
        RawHttp client = RawHttp.connect(running.port())) {
      client.socket().setSendBufferSize(64 * 1024);
      client.send("POST /gw/upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
      BackgroundUpload upload = BackgroundUpload.start(client.socket(), total);

      long stuckAt = settled(upload::written);

      assertThat(reader.onNextCalls()).isEqualTo(1);
      assertThat(stuckAt).isLessThan(BOUND);

      reader.release();
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo(String.valueOf(total));
      upload.join(Duration.ofSeconds(10));
    }
  }

  /**
   * End to end, through a real gateway to an upstream that stops reading: the upload stalls at a
   * bound while the upstream does not read, and completes byte for byte once it does.
   */
  @ParameterizedTest
  @EnumSource(Container.class)
  void an_upload_larger_than_any_buffer_flows_only_as_fast_as_the_upstream_reads(Container container) throws Exception {
    long total = 64L * 1024 * 1024;
    try (SlowUpstream upstream = SlowUpstream.start();
        Gateway gateway = Gateway.builder().accessLog(false)
            .requestLimits(RequestLimits.defaults().maxBodyBytes(1L << 30))
            .route("upload", r -> r.path("/**").upstream(upstream.url()))
            .build();
        Container.Running running = start(container, gateway);
        RawHttp client = RawHttp.connect(running.port())) {
      client.socket().setSendBufferSize(64 * 1024);
      client.send("POST /gw/upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
      BackgroundUpload upload = BackgroundUpload.start(client.socket(), total);

      long stuckAt = settled(upload::written);
      assertThat(upstream.bodyBytes.get()).isLessThan(BOUND);
      assertThat(stuckAt).isLessThan(upstream.bodyBytes.get() + BOUND);

      upstream.read.countDown();
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo(String.valueOf(total));
      upload.join(Duration.ofSeconds(10));
    }
  }

  /**
   * An upstream that takes one request, reads its head and 64 KiB of its body, then reads nothing
   * more until {@link #read} is counted down; then reads the rest and answers with the body's
   * length.
   */
  static final class SlowUpstream implements AutoCloseable {
    final CountDownLatch read = new CountDownLatch(1);
    final AtomicLong bodyBytes = new AtomicLong();
    private final ServerSocket listener;
    private final Thread thread;

    private SlowUpstream(ServerSocket listener) {
      this.listener = listener;
      this.thread = new Thread(this::serve, "slow-upstream");
      thread.setDaemon(true);
    }

    static SlowUpstream start() throws IOException {
      ServerSocket s = new ServerSocket();
      s.setReceiveBufferSize(64 * 1024);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SlowUpstream upstream = new SlowUpstream(s);
      upstream.thread.start();
      return upstream;
    }

    String url() {
      return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void serve() {
      try (Socket socket = listener.accept()) {
        socket.setSoTimeout(30_000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          head.write(c);
        }
        boolean chunked = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT)
            .contains("transfer-encoding: chunked");
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int at = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        long length = chunked || at < 0 ? -1
            : Long.parseLong(text.substring(at + 15, text.indexOf("\r\n", at)).trim());
        byte[] buf = new byte[64 * 1024];
        bodyBytes.addAndGet(in.readNBytes(buf, 0, buf.length));
        if (!read.await(30, TimeUnit.SECONDS)) {
          return;
        }
        while (length < 0 || bodyBytes.get() < length) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, length < 0 ? buf.length : length - bodyBytes.get()));
          if (n < 0) {
            break;
          }
          bodyBytes.addAndGet(n);
        }
        byte[] answer = String.valueOf(bodyBytes.get()).getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(answer);
        out.flush();
      } catch (IOException | InterruptedException e) {
        // the test fails on what it does not receive
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
