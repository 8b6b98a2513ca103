package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's own cost for a proxied request on a plain route ({@code /**} to one upstream, no
 * access log), without the upstream's: the transport answers at once from memory with a 6-byte
 * body. Run with {@code -prof gc} for the bytes allocated per request.
 *
 * <ul>
 *   <li>{@code chain}: {@code Gateway.handle} to the completed response, its body read.
 *   <li>{@code undertow_mount}: the same gateway on the Undertow adapter, one keep-alive request
 *       over a loopback socket per operation (the benchmark's client reads into one reused buffer,
 *       so nearly all it allocates is the server's).
 * </ul>
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar ProxyPathBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ProxyPathBenchmark {
  private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.US_ASCII);

  private Gateway gateway;
  private Request request;
  private GatewayServer server;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private byte[] wireRequest;
  private final byte[] buffer = new byte[16 * 1024];

  /** The gateway with its in-memory upstream, mounted on Undertow, and one client connection to it. */
  @Setup(Level.Trial)
  public void start() throws IOException {
    gateway = Gateway.builder().accessLog(false)
        .transport(call -> CompletableFuture.completedFuture(Response.builder(200)
            .header("Content-Type", "text/plain").header("Content-Length", "6").body(Body.of(BODY)).build()))
        .route("all", r -> r.path("/**").upstream("http://upstream.bench:8080"))
        .build();
    request = Request.builder("GET", "/small").header("Host", "bench").header("User-Agent", "bench").build();
    BenchGateways.expect(200, gateway, request);
    server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(1).start();
    socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = socket.getInputStream();
    wireRequest = "GET /small HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    if (undertow_mount() != 200) {
      throw new IllegalStateException("the mount did not answer 200");
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    socket.close();
    server.stop(Duration.ofSeconds(5));
    gateway.close();
  }

  @Benchmark
  public int chain() {
    Response response = gateway.handle(request).toCompletableFuture().join();
    response.body().bytes(1024).toCompletableFuture().join();
    return response.status();
  }

  /** One request and its whole response, parsed just enough to find its end: status, then a 6-byte body. */
  @Benchmark
  public int undertow_mount() throws IOException {
    out.write(wireRequest);
    int filled = 0;
    int headEnd = -1;
    while (headEnd < 0) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        throw new IOException("the gateway closed the connection");
      }
      filled += n;
      headEnd = headEnd(filled);
    }
    while (filled < headEnd + BODY.length) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n < 0) {
        throw new IOException("the gateway closed the connection mid-body");
      }
      filled += n;
    }
    return (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
  }

  private int headEnd(int filled) {
    for (int i = 3; i < filled; i++) {
      if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }
}
