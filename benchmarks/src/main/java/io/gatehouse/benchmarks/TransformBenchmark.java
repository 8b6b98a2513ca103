package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.transform.Compression;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a JSON response transformation (parse, five steps, write) and of gzip, for a 1 KiB
 * and a 64 KiB body, through the public {@code Gateway.handle} with the body read to its end; the
 * plain route is the baseline to subtract. Run with {@code -prof gc} for bytes per request.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar TransformBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransformBenchmark {

  @Param({"1024", "65536"})
  int bodyBytes;

  private Gateway gateway;
  private Request plain;
  private Request transformed;
  private Request gzipped;

  @Setup(Level.Trial)
  public void build() {
    StringBuilder json = new StringBuilder("{\"id\":7,\"internal\":{\"cost\":3},\"total\":12.5,\"items\":[");
    for (int i = 0; json.length() < bodyBytes - 64; i++) {
      json.append("{\"sku\":\"sku-").append(i).append("\",\"qty\":").append(i % 5).append(",\"note\":\"abc\"},");
    }
    json.append("{}]}");
    String body = json.toString();
    gateway = BenchGateways.withoutUpstreams()
        .route("plain", r -> r.path("/plain").respond(200, "application/json", body))
        .route("transformed", r -> r.path("/transformed/{id}").respond(200, "application/json", body)
            .transformResponse(JsonTransform.of().remove("/internal").rename("/total", "amount")
                .set("/self", TransformValue.pathVariable("id")).set("/items/0/qty", TransformValue.of(1))
                .wrap("order").maxBodyBytes(1 << 20)))
        .route("gzipped", r -> r.path("/gzipped").respond(200, "application/json", body)
            .compression(Compression.gzip().minSize(0)))
        .build();
    plain = Request.builder("GET", "/plain").header("Host", "bench").build();
    transformed = Request.builder("GET", "/transformed/7").header("Host", "bench").build();
    gzipped = Request.builder("GET", "/gzipped").header("Host", "bench").header("Accept-Encoding", "gzip").build();
    BenchGateways.expect(200, gateway, plain);
    BenchGateways.expect(200, gateway, transformed);
    BenchGateways.expect(200, gateway, gzipped);
  }

  @TearDown(Level.Trial)
  public void close() {
    gateway.close();
  }

  private byte[] read(Request request) {
    Response response = gateway.handle(request).toCompletableFuture().join();
    return response.body().bytes(1 << 22).toCompletableFuture().join();
  }

  @Benchmark
  public byte[] plain_route() {
    return read(plain);
  }

  @Benchmark
  public byte[] json_transformation() {
    return read(transformed);
  }

  @Benchmark
  public byte[] gzip_compression() {
    return read(gzipped);
  }
}
