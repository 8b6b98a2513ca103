package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 256 MiB up and 256 MiB down through the transport, in a JVM whose heap is 128 MiB: if either
 * body were held whole, this would run out of memory. It runs only in the {@code large-bodies}
 * surefire execution of gateway-impl's pom, which sets the heap and {@code gatehouse.largeBodies}.
 */
class HttpClientTransportLargeBodyTest {
  private static final long SIZE = 256L * 1024 * 1024;
  private static final int CHUNK = 64 * 1024;

  private HttpServer upstream;
  private ExecutorService requester;
  private HttpClientTransport transport;
  private final AtomicReference<String> upstreamReceived = new AtomicReference<>();
  private final AtomicReference<String> upstreamSent = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    if (Boolean.getBoolean("gatehouse.largeBodies")) {
      assertThat(Runtime.getRuntime().maxMemory())
          .as("the large-bodies execution must run with -Xmx128m")
          .isLessThanOrEqualTo(160L * 1024 * 1024);
    } else {
      assumeTrue(false, "runs in gateway-impl's large-bodies surefire execution (-Xmx128m)");
    }
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    upstream.createContext("/", exchange -> {
      // Digest the request body as it streams in, then stream a generated body back.
      MessageDigest in = TestPublisher.sha256();
      long received = 0;
      byte[] buffer = new byte[CHUNK];
      try (InputStream body = exchange.getRequestBody()) {
        for (int n; (n = body.read(buffer)) >= 0; ) {
          in.update(buffer, 0, n);
          received += n;
        }
      }
      upstreamReceived.set(received + ":" + HexFormat.of().formatHex(in.digest()));
      boolean chunked = exchange.getRequestURI().getPath().endsWith("/chunked");
      exchange.sendResponseHeaders(200, chunked ? 0 : SIZE);
      MessageDigest out = TestPublisher.sha256();
      SplittableRandom random = new SplittableRandom(99);
      ByteBuffer block = ByteBuffer.allocate(CHUNK);
      try (OutputStream body = exchange.getResponseBody()) {
        for (long sent = 0; sent < SIZE; sent += CHUNK) {
          block.clear();
          while (block.hasRemaining()) {
            block.putLong(random.nextLong());
          }
          body.write(block.array());
          out.update(block.array());
        }
      }
      upstreamSent.set(SIZE + ":" + HexFormat.of().formatHex(out.digest()));
    });
    upstream.start();
    requester = Executors.newSingleThreadExecutor();
    transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
  }

  @AfterEach
  void stop() throws Exception {
    if (transport != null) {
      transport.close();
      upstream.stop(0);
      requester.shutdownNow();
      assertThat(requester.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @ParameterizedTest(name = "request {0}, response {1}")
  @CsvSource({"known length, chunked", "chunked, known length"})
  void streams_256_MiB_up_and_256_MiB_down_in_a_128_MiB_heap(String requestFraming, String responseFraming)
      throws Exception {
    TestPublisher upload = TestPublisher.random(SIZE, CHUNK, 42);
    long declared = requestFraming.equals("chunked") ? -1 : SIZE;
    String path = responseFraming.equals("chunked") ? "/down/chunked" : "/down/fixed";
    UpstreamCall call = new UpstreamCall(
        URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()),
        Request.builder("POST", path).body(Body.ofPublisher(upload, declared)).build(),
        Duration.ofSeconds(5), Duration.ofSeconds(30));

    Response response = transport.send(call).toCompletableFuture().get(60, TimeUnit.SECONDS);
    // Requests come from another thread, as a gateway's client connection would make them.
    TestSubscriber download = TestSubscriber.auto(requester);
    response.body().subscribe(download);
    download.done.get(60, TimeUnit.SECONDS);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body().contentLength())
        .isEqualTo(responseFraming.equals("chunked") ? OptionalLong.empty() : OptionalLong.of(SIZE));
    assertThat(upstreamReceived.get()).isEqualTo(SIZE + ":" + HexFormat.of().formatHex(upload.digest()));
    // The server notes what it sent after closing its stream, which can be after the client has read it all.
    for (int i = 0; i < 500 && upstreamSent.get() == null; i++) {
      Thread.sleep(10);
    }
    assertThat(SIZE + ":" + HexFormat.of().formatHex(download.digest())).isEqualTo(upstreamSent.get());
    assertThat(download.received()).isEqualTo(SIZE);
  }
}
