package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.RateLimit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
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
 * The per-request cost of local rate limits: {@code Gateway.handle} of a static route without a
 * limit, with one, with two, with 262,144 client addresses in turn (a fresh key each request,
 * past the 100,000-key cap, so every request evicts one), and with the limit used up (429).
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar RateLimitBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitBenchmark {
  private Gateway unlimited;
  private Gateway oneLimit;
  private Gateway twoLimits;
  private Gateway usedUp;
  private Request request;
  private Request[] manyClients;
  private int next;

  @Setup(Level.Trial)
  public void build() {
    // Limits far above what one thread can send, so every request is admitted and takes a permit.
    RateLimit perIp = RateLimit.perClientIp(1_000_000_000).per(Duration.ofSeconds(1)).named("ip");
    RateLimit perRoute = RateLimit.perRoute(1_000_000_000).per(Duration.ofSeconds(1)).named("route");
    unlimited = gateway();
    oneLimit = gateway(perIp);
    twoLimits = gateway(perIp, perRoute);
    usedUp = gateway(RateLimit.perRoute(1).per(Duration.ofDays(1)));
    request = Request.builder("GET", "/orders/42").header("Host", "bench").build();
    manyClients = new Request[1 << 18];
    for (int i = 0; i < manyClients.length; i++) {
      byte[] address = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
      manyClients[i] = request.toBuilder().remoteAddress(new InetSocketAddress(ip(address), 40000)).build();
    }
    usedUp.handle(request).toCompletableFuture().join();
    BenchGateways.expect(200, oneLimit, request);
    BenchGateways.expect(429, usedUp, request);
  }

  private static InetAddress ip(byte[] address) {
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Gateway gateway(RateLimit... limits) {
    return BenchGateways.withoutUpstreams()
        .route("orders", r -> r.path("/orders/**").rateLimit(limits).respond(200, "text/plain", "ok"))
        .build();
  }


  @TearDown(Level.Trial)
  public void close() {
    BenchGateways.closeAll(unlimited, oneLimit, twoLimits, usedUp);
  }

  @Benchmark
  public Response no_limit() {
    return unlimited.handle(request).toCompletableFuture().join();
  }

  @Benchmark
  public Response one_limit() {
    return oneLimit.handle(request).toCompletableFuture().join();
  }

  @Benchmark
  public Response two_limits() {
    return twoLimits.handle(request).toCompletableFuture().join();
  }

  @Benchmark
  public Response one_limit_new_client_each_request() {
    Request r = manyClients[next++ & (manyClients.length - 1)];
    return oneLimit.handle(r).toCompletableFuture().join();
  }

  @Benchmark
  public Response used_up_429() {
    return usedUp.handle(request).toCompletableFuture().join();
  }
}
