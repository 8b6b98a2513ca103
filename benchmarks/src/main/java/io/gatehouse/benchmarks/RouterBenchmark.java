package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
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
 * Dispatch cost against the size of the route table: normalize, route and answer with a static
 * response, through the public {@code Gateway.handle}. With a trie, 1,000 routes should cost
 * within a small factor of 10 routes; a linear scan would cost about 100 times as much for the
 * last route.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar RouterBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouterBenchmark {

  @Param({"10", "1000"})
  int routes;

  private Gateway gateway;
  private Request firstRoute;
  private Request lastRoute;
  private Request templated;
  private Request miss;

  @Setup(Level.Trial)
  public void build() {
    Gateway.Builder builder = BenchGateways.withoutUpstreams();
    for (int i = 0; i < routes; i++) {
      int n = i;
      builder.route("service-" + n, r -> r.path("/service-" + n + "/items/{id}", "/service-" + n + "/static/**")
          .methods("GET").respond(200, "text/plain", "ok"));
    }
    gateway = builder.build();
    firstRoute = Request.builder("GET", "/service-0/items/42").header("Host", "bench").build();
    lastRoute = Request.builder("GET", "/service-" + (routes - 1) + "/items/42").header("Host", "bench").build();
    templated = Request.builder("GET", "/service-" + (routes / 2) + "/static/css/site.css").header("Host", "bench").build();
    miss = Request.builder("GET", "/nowhere/at/all").header("Host", "bench").build();
  }

  @TearDown(Level.Trial)
  public void close() {
    gateway.close();
  }

  @Benchmark
  public Response first_route() {
    return gateway.handle(firstRoute).toCompletableFuture().join();
  }

  @Benchmark
  public Response last_route() {
    return gateway.handle(lastRoute).toCompletableFuture().join();
  }

  @Benchmark
  public Response catch_all_route() {
    return gateway.handle(templated).toCompletableFuture().join();
  }

  @Benchmark
  public Response no_route() {
    return gateway.handle(miss).toCompletableFuture().join();
  }
}
