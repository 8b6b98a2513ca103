package io.gatehouse.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.gatehouse.Gateway;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import io.gatehouse.micrometer.GatehouseMetrics;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.redis.RedisRateLimitStore;
import io.gatehouse.servlet.GatehouseServlet;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The proxy under load: Gatehouse with one plain route, or Undertow's own {@code ProxyHandler} as
 * the baseline, in front of one upstream. Both use the same I/O thread count.
 *
 * <pre>
 * java -jar proxy.jar --port 8080 --upstream http://127.0.0.1:9001                       # Gatehouse
 * java -jar proxy.jar --port 8081 --upstream http://127.0.0.1:9001 --mode undertow-proxy # baseline
 * java -jar proxy.jar --port 8082 --upstream http://127.0.0.1:9001 --mode gatehouse-local-limit
 * java -jar proxy.jar --port 8083 --upstream http://127.0.0.1:9001 --mode gatehouse-redis-limit --redis redis://127.0.0.1:6379
 * java -jar proxy.jar --port 8084 --upstream http://127.0.0.1:9001 --mode gatehouse-resilient
 * java -jar proxy.jar --port 8085 --upstream http://127.0.0.1:9001 --mode gatehouse-observed
 * java -jar proxy.jar --port 8088 --upstream http://127.0.0.1:9001 --mode gatehouse-full
 * java -jar proxy.jar --port 8089 --upstream http://127.0.0.1:9001 --mode gatehouse-static
 * java -jar proxy.jar --port 8090 --upstream http://127.0.0.1:9001 --mode gatehouse-cached
 * java -jar proxy.jar --port 8091 --upstream http://127.0.0.1:9001 --mode gatehouse-aggregate
 * java -jar proxy.jar --print-token     # the bearer token gatehouse-full accepts
 * java -jar proxy.jar --port 8086 --upstream http://127.0.0.1:9001 --mode gatehouse-servlet-jetty
 * java -jar proxy.jar --port 8087 --upstream http://127.0.0.1:9001 --mode jetty-proxy             # its baseline
 * </pre>
 *
 * <p>The limit modes add a per-client-IP rate limit far above the offered load, so every request
 * is admitted and pays the limiter's whole cost: in memory, or one Redis round trip. The resilient
 * mode sends to a group of the upstream's port on 127.0.0.1, .2 and .3 with every per-request
 * upstream feature on and never triggered. The Gatehouse modes log no access line (Undertow's proxy
 * logs none), except the observed mode: access log (through logback's AsyncAppender to a file,
 * see {@code logback.xml}) and Micrometer metrics on a Prometheus registry; the metrics mode has the
 * metrics alone.
 *
 * <p>{@code gatehouse-full} is the full policy of a typical API: every request carries a JWT
 * (HS256), verified once and then answered from the cache of verified tokens (on by default, as
 * here), a per-consumer rate limit far above the offered load, Micrometer metrics and the access
 * log, as in the observed mode. Its token, valid for a year, comes from
 * {@code --print-token}; requests without it get 401.
 *
 * <p>{@code gatehouse-static} answers every request itself with the upstream's 6-byte body (a
 * {@code respond(...)} route, no upstream call); {@code gatehouse-cached} proxies through a
 * response cache with a default TTL of an hour (the upstream sends no caching headers), so after
 * the first request every request is a hit. {@code gatehouse-aggregate} has four routes:
 * {@code /agg} aggregates three backends (the upstream's port on 127.0.0.1, .2 and .3, three
 * upstream groups, each {@code /json/<key>}) under their keys, and {@code /a/**}, {@code /b/**},
 * {@code /c/**} proxy to one of them each, for a client that makes the three calls itself.
 *
 * <p>The two Jetty modes run the same embedded Jetty 12 (ee10): Jetty's default thread pool size
 * (200 threads at most, 8 at least), one connector on 127.0.0.1 with one acceptor and as many
 * selectors as {@code --io-threads}, and one servlet, async-supported, at {@code /*} in the root
 * context. {@code gatehouse-servlet-jetty} mounts a {@link GatehouseServlet} with the plain route
 * of {@code gatehouse}; {@code jetty-proxy}, its baseline, mounts Jetty's own
 * {@code ProxyServlet.Transparent} with {@code proxyTo} the upstream and its defaults otherwise
 * (its {@code HttpClient} runs on the server's thread pool).
 */
public final class LoadTestProxy implements AutoCloseable {
  private final Runnable stop;
  private final int port;

  private LoadTestProxy(Runnable stop, int port) {
    this.stop = stop;
    this.port = port;
  }

  /**
   * Starts a proxy and runs until the process is stopped.
   *
   * @param args {@code --port N --upstream URL [--mode gatehouse|undertow-proxy|gatehouse-local-limit|gatehouse-redis-limit|gatehouse-resilient|gatehouse-metrics|gatehouse-observed|gatehouse-full|gatehouse-static|gatehouse-cached|gatehouse-aggregate|gatehouse-servlet-jetty|jetty-proxy]
   *     [--redis URI] [--io-threads N]}, or {@code --print-token} to print the token gatehouse-full accepts
   */
  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--print-token")) {
      System.out.println(token());
      return;
    }
    Flags flags = Flags.parse(args);
    String mode = flags.get("--mode", "gatehouse");
    int port = flags.port("--port");
    String upstream = flags.required("--upstream");
    int ioThreads = Integer.parseInt(flags.get("--io-threads", "2"));
    LoadTestProxy proxy = mode.equals("gatehouse-redis-limit")
        ? gatehouseRedisLimit(port, upstream, ioThreads, flags.required("--redis"))
        : start(mode, port, upstream, ioThreads);
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "proxy-shutdown"));
    System.out.println("listening on " + proxy.port());
  }

  static LoadTestProxy start(String mode, int port, String upstream, int ioThreads) {
    return switch (mode) {
      case "gatehouse" -> gatehouse(port, upstream, ioThreads);
      case "gatehouse-local-limit" -> serve(Gateway.builder().rateLimit(everyoneAdmitted()), port, upstream, ioThreads, () -> {});
      case "gatehouse-resilient" -> gatehouseResilient(port, upstream, ioThreads);
      case "gatehouse-metrics" -> gatehouseObserved(port, upstream, ioThreads, false);
      case "gatehouse-observed" -> gatehouseObserved(port, upstream, ioThreads, true);
      case "gatehouse-full" -> gatehouseFull(port, upstream, ioThreads);
      case "gatehouse-static" -> serve(BenchGateways.withoutUpstreams()
          .route("all", r -> r.path("/**").respond(200, "application/octet-stream", "hello\n")).build(),
          port, ioThreads, () -> {});
      case "gatehouse-cached" -> serve(Gateway.builder().accessLog(false)
          .route("all", r -> r.path("/**").upstream(upstream)
              .cache(ResponseCache.shared("bench").defaultTtl(Duration.ofHours(1))))
          .build(), port, ioThreads, () -> {});
      case "gatehouse-aggregate" -> gatehouseAggregate(port, upstream, ioThreads);
      case "undertow-proxy" -> undertowProxy(port, upstream, ioThreads);
      case "gatehouse-servlet-jetty" -> gatehouseServletJetty(port, upstream, ioThreads);
      case "jetty-proxy" -> jettyProxy(port, upstream, ioThreads);
      default -> throw new IllegalArgumentException("--mode: '" + mode
          + "' (expected: gatehouse, undertow-proxy, gatehouse-local-limit, gatehouse-redis-limit, gatehouse-resilient, "
          + "gatehouse-metrics, gatehouse-observed, gatehouse-full, gatehouse-static, gatehouse-cached, gatehouse-aggregate, "
          + "gatehouse-servlet-jetty or jetty-proxy)");
    };
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    stop.run();
  }

  private static LoadTestProxy gatehouse(int port, String upstream, int ioThreads) {
    return serve(Gateway.builder(), port, upstream, ioThreads, () -> {});
  }

  /** The plain gateway plus what observability costs: metrics, and the access log (to a file) if asked. */
  private static LoadTestProxy gatehouseObserved(int port, String upstream, int ioThreads, boolean accessLog) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics metrics = GatehouseMetrics.of(registry);
    Gateway gateway = Gateway.builder().accessLog(accessLog).observer(metrics)
        .route("all", r -> r.path("/**").upstream(upstream)).build();
    metrics.watch(gateway);
    return serve(gateway, port, ioThreads, registry::close);
  }

  /** The HS256 key of {@code gatehouse-full}: fixed, so that a token printed by one process works in another. */
  private static final byte[] JWT_SECRET = "gatehouse-load-test-hs256-secret".getBytes(StandardCharsets.US_ASCII);
  private static final String JWT_KEY_ID = "load";

  /** A token {@code gatehouse-full} accepts: its key, a subject (the consumer its limit counts), a year to run. */
  static String token() {
    Instant now = Instant.now();
    return JWT.create()
        .withKeyId(JWT_KEY_ID)
        .withSubject("load-client")
        .withClaim("scope", "orders:read")
        .withIssuedAt(now)
        .withExpiresAt(now.plus(Duration.ofDays(365)))
        .sign(Algorithm.HMAC256(JWT_SECRET));
  }

  /** JWT verified, a per-consumer limit every request pays in full, metrics and the access log. */
  private static LoadTestProxy gatehouseFull(int port, String upstream, int ioThreads) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics metrics = GatehouseMetrics.of(registry);
    Gateway gateway = Gateway.builder().accessLog(true).observer(metrics)
        .auth(Auth.jwt().keys(JwtKey.secret(JWT_KEY_ID, JWT_SECRET, JwtAlgorithm.HS256)))
        .rateLimit(RateLimit.perConsumer(1_000_000_000L).per(Duration.ofSeconds(1)).named("load"))
        .route("all", r -> r.path("/**").upstream(upstream)).build();
    metrics.watch(gateway);
    return serve(gateway, port, ioThreads, registry::close);
  }

  /** A per-client-IP limit no load test reaches: every request is admitted and pays the whole check. */
  private static RateLimit everyoneAdmitted() {
    return RateLimit.perClientIp(1_000_000_000L).per(Duration.ofSeconds(1)).named("load");
  }

  private static LoadTestProxy gatehouseRedisLimit(int port, String upstream, int ioThreads, String redis) {
    RedisRateLimitStore store = RedisRateLimitStore.builder(redis).build();
    return serve(Gateway.builder().rateLimit(everyoneAdmitted()).rateLimitStore(store, RateLimitStore.Fallback.REJECT),
        port, upstream, ioThreads, store::close);
  }

  private static LoadTestProxy gatehouseResilient(int port, String upstream, int ioThreads) {
    int upstreamPort = URI.create(upstream).getPort();
    Upstream group = Upstream.of("http://127.0.0.1:" + upstreamPort, "http://127.0.0.2:" + upstreamPort, "http://127.0.0.3:" + upstreamPort)
        .leastRequests()
        .outlierDetection(OutlierDetection.consecutiveFailures(5))
        .circuitBreaker(CircuitBreaker.of());
    Gateway gateway = Gateway.builder().accessLog(false)
        .route("all", r -> r.path("/**").upstream(group)
            .retry(Retry.times(2)).timeout(Duration.ofSeconds(5)).circuitBreaker(CircuitBreaker.of()))
        .build();
    return serve(gateway, port, ioThreads, () -> {});
  }

  /** Three backends, aggregated by {@code /agg} and proxied one each by {@code /a/**}, {@code /b/**}, {@code /c/**}. */
  private static LoadTestProxy gatehouseAggregate(int port, String upstream, int ioThreads) {
    int upstreamPort = URI.create(upstream).getPort();
    String a = "http://127.0.0.1:" + upstreamPort;
    String b = "http://127.0.0.2:" + upstreamPort;
    String c = "http://127.0.0.3:" + upstreamPort;
    Gateway gateway = Gateway.builder().accessLog(false)
        .route("agg", r -> r.path("/agg").methods("GET").aggregate(Aggregation.of(
            Backend.of("a", a, "/json/a"), Backend.of("b", b, "/json/b"), Backend.of("c", c, "/json/c"))))
        .route("a", r -> r.path("/a/**").upstream(a))
        .route("b", r -> r.path("/b/**").upstream(b))
        .route("c", r -> r.path("/c/**").upstream(c))
        .build();
    return serve(gateway, port, ioThreads, () -> {});
  }

  private static LoadTestProxy serve(Gateway.Builder builder, int port, String upstream, int ioThreads, Runnable closeMore) {
    // Undertow's proxy, the baseline, logs nothing either; gatehouse-observed measures the log's cost.
    return serve(builder.accessLog(false).route("all", r -> r.path("/**").upstream(upstream)).build(), port, ioThreads, closeMore);
  }

  private static LoadTestProxy serve(Gateway gateway, int port, int ioThreads, Runnable closeMore) {
    GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(port).ioThreads(ioThreads).start();
    return new LoadTestProxy(() -> {
      server.stop(Duration.ofSeconds(5));
      gateway.close();
      closeMore.run();
    }, server.port());
  }

  private static LoadTestProxy undertowProxy(int port, String upstream, int ioThreads) {
    LoadBalancingProxyClient client = new LoadBalancingProxyClient()
        .addHost(URI.create(upstream))
        .setConnectionsPerThread(64)
        .setMaxQueueSize(4096);  // the default, 0, answers 503 while a pooled connection is being opened
    ProxyHandler proxy = ProxyHandler.builder()
        .setProxyClient(client)
        .setMaxRequestTime(30_000)
        .setNext(ResponseCodeHandler.HANDLE_404)
        .build();
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(ioThreads)
        .setHandler(proxy)
        .build();
    server.start();
    int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    return new LoadTestProxy(server::stop, bound);
  }

  /** The plain route of {@code gatehouse}, through the servlet adapter on Jetty. */
  private static LoadTestProxy gatehouseServletJetty(int port, String upstream, int ioThreads) {
    Gateway gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream)).build();
    // Jetty's stop calls destroy(), which drains; the same 5 s as the Undertow modes' stop.
    GatehouseServlet servlet = GatehouseServlet.builder(gateway).drainTimeout(Duration.ofSeconds(5)).build();
    try {
      return jetty(new ServletHolder("gatehouse", servlet), port, ioThreads, gateway::close);
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /** The baseline for the servlet mount: Jetty's own transparent proxy servlet, its defaults otherwise. */
  private static LoadTestProxy jettyProxy(int port, String upstream, int ioThreads) {
    ServletHolder holder = new ServletHolder("jetty-proxy", ProxyServlet.Transparent.class);
    holder.setInitParameter("proxyTo", upstream);
    return jetty(holder, port, ioThreads, () -> {});
  }

  /** The Jetty both servlet modes share; {@code holder} is mounted async-supported at {@code /*}. */
  private static LoadTestProxy jetty(ServletHolder holder, int port, int ioThreads, Runnable closeMore) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8); // Jetty's default sizes, written out
    threads.setName("jetty-load");
    Server server = new Server(threads);
    server.setStopTimeout(5_000);
    ServerConnector connector = new ServerConnector(server, 1, ioThreads);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new IllegalStateException("Jetty did not start on port " + port, e);
    }
    return new LoadTestProxy(() -> {
      stopQuietly(server);
      closeMore.run();
    }, connector.getLocalPort());
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      System.err.println("Jetty did not stop cleanly: " + e);
    }
  }
}
