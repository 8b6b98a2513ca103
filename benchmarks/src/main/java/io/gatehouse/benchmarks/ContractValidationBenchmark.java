package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.contract.JsonSchema;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.validation.RequestValidation;
import java.nio.charset.StandardCharsets;
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
 * The cost of request-body validation per request: {@code Gateway.handle} for a route that
 * validates its JSON body against a JSON Schema, with a small body (about 100 bytes) and a 64 KiB
 * one, each beside the same route without validation. The upstream is an in-memory transport that
 * answers 200 at once, so the difference is the validation stage: reading the body, parsing it,
 * the schema, and the replay. Run with {@code -prof gc} for bytes per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContractValidationBenchmark {
  static final String SCHEMA = """
      {"type": "object", "required": ["id", "name", "items"],
       "properties": {
         "id": {"type": "integer", "minimum": 1},
         "name": {"type": "string", "maxLength": 100},
         "status": {"enum": ["open", "paid", "shipped"]},
         "items": {"type": "array", "items": {"type": "object", "required": ["sku", "qty"],
           "properties": {"sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
                          "qty": {"type": "integer", "minimum": 1}}}}}}
      """;

  private Gateway plain;
  private Gateway validated;
  private byte[] small;
  private byte[] large;

  @Setup(Level.Trial)
  public void build() {
    small = "{\"id\":7,\"name\":\"order\",\"status\":\"open\",\"items\":[{\"sku\":\"ABC-1234\",\"qty\":2}]}"
        .getBytes(StandardCharsets.UTF_8);
    StringBuilder items = new StringBuilder("{\"id\":7,\"name\":\"order\",\"status\":\"open\",\"items\":[");
    for (int i = 0; items.length() < 64 * 1024 - 40; i++) {
      items.append(i == 0 ? "" : ",").append("{\"sku\":\"ABC-").append(String.format("%04d", i % 10_000)).append("\",\"qty\":2}");
    }
    large = items.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    JsonSchema schema = JsonSchema.from(SCHEMA);
    plain = gateway(null);
    validated = gateway(RequestValidation.of(schema).maxBodyBytes(128 * 1024));
    BenchGateways.expect(200, plain, request(small));
    BenchGateways.expect(200, validated, request(small));
    BenchGateways.expect(200, validated, request(large));
    BenchGateways.expect(400, validated, request("{\"id\":0}".getBytes(StandardCharsets.UTF_8)));
  }

  private static Gateway gateway(RequestValidation validation) {
    return Gateway.builder().accessLog(false)
        .transport(call -> CompletableFuture.completedFuture(Response.of(200)))
        .route("orders", r -> {
          r.path("/orders").methods("POST").upstream("http://orders.bench:8080");
          if (validation != null) {
            r.validate(validation);
          }
        })
        .build();
  }

  private static Request request(byte[] body) {
    return Request.builder("POST", "/orders").header("Content-Type", "application/json")
        .body(Body.of(body)).build();
  }

  @TearDown(Level.Trial)
  public void close() {
    BenchGateways.closeAll(plain, validated);
  }

  @Benchmark
  public Response small_unvalidated() {
    return plain.handle(request(small)).toCompletableFuture().join();
  }

  @Benchmark
  public Response small_validated() {
    return validated.handle(request(small)).toCompletableFuture().join();
  }

  @Benchmark
  public Response large_64k_unvalidated() {
    return plain.handle(request(large)).toCompletableFuture().join();
  }

  @Benchmark
  public Response large_64k_validated() {
    return validated.handle(request(large)).toCompletableFuture().join();
  }
}
