package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.Gateway;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A swap over real sockets while proxied requests are in flight on the old gateway: the old
 * gateway is reported drained only once their responses, bodies included, have been written, and
 * closing it then loses nothing.
 */
class DrainedSwapOverSocketsTest {
  private static final int IN_FLIGHT = 3;

  private final ExecutorService upstreamThreads = Executors.newCachedThreadPool();
  private final CountDownLatch upstreamStarted = new CountDownLatch(IN_FLIGHT);
  private final CountDownLatch releaseUpstream = new CountDownLatch(1);
  private final List<Gateway> gateways = new ArrayList<>();
  private HttpServer upstream;
  private GatewayServer server;

  @BeforeEach
  void startUpstream() throws Exception {
    // Sends its head and the first half of the body at once, the second half when released.
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    upstream.setExecutor(upstreamThreads);
    upstream.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(("first half of " + exchange.getRequestURI().getPath() + ";").getBytes(StandardCharsets.UTF_8));
        out.flush();
        upstreamStarted.countDown();
        if (!releaseUpstream.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
        out.write("second half".getBytes(StandardCharsets.UTF_8));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    upstream.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    releaseUpstream.countDown();
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
    gateways.forEach(Gateway::close);
    upstream.stop(0);
    upstreamThreads.shutdownNow();
    assertThat(upstreamThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private Gateway build(String version, Consumer<Gateway.Builder> routes) {
    Gateway.Builder builder = Gateway.builder().accessLog(false).version(version);
    routes.accept(builder);
    Gateway gateway = builder.build();
    gateways.add(gateway);
    return gateway;
  }

  @Test
  void drained_completes_when_the_old_gateways_streaming_responses_end_and_closing_it_then_loses_nothing()
      throws Exception {
    String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
    Gateway a = build("A", b -> b.route("slow", r -> r.path("/slow/**").upstream(upstreamUrl)));
    Gateway b = build("B", g -> g.route("any", r -> r.path("/**").respond(200, "text/plain", "B")));
    server = Servers.start(a);

    List<CompletableFuture<HttpResponse<InputStream>>> heads = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      heads.add(Servers.CLIENT.sendAsync(Servers.request(server.port(), "/slow/" + i).build(),
          HttpResponse.BodyHandlers.ofInputStream()));
    }
    assertThat(upstreamStarted.await(10, TimeUnit.SECONDS)).isTrue();
    List<HttpResponse<InputStream>> streaming = new ArrayList<>();
    for (CompletableFuture<HttpResponse<InputStream>> head : heads) {
      streaming.add(head.get(10, TimeUnit.SECONDS)); // the heads are out: A's handle() stages have completed
    }

    Gateway previous = server.swap(b);
    SwappableGateway swappable = server.swappable();
    CompletionStage<Gateway> drained = swappable.drained(previous);
    CompletableFuture<Void> closed = drained.thenRunAsync(previous::close).toCompletableFuture();

    assertThat(previous).isSameAs(a);
    assertThat(Servers.CLIENT.send(Servers.request(server.port(), "/slow/new").build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("B");
    assertThat(swappable.inFlight(a)).as("bodies still streaming on A").isEqualTo(IN_FLIGHT);
    Thread.sleep(100);
    assertThat(drained.toCompletableFuture()).as("A still has responses being written").isNotDone();

    releaseUpstream.countDown();
    for (int i = 0; i < IN_FLIGHT; i++) {
      HttpResponse<InputStream> res = streaming.get(i);
      assertThat(res.statusCode()).isEqualTo(200);
      try (InputStream body = res.body()) {
        assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("first half of /slow/" + i + ";second half");
      }
    }

    assertThat(drained.toCompletableFuture().get(10, TimeUnit.SECONDS)).isSameAs(a);
    closed.get(10, TimeUnit.SECONDS);
    assertThat(swappable.inFlight(a)).isZero();
    assertThat(Servers.CLIENT.send(Servers.request(server.port(), "/after").build(),
        HttpResponse.BodyHandlers.ofString()).body()).as("B serves on after A is closed").isEqualTo("B");
    assertThat(server.stop(Duration.ofSeconds(5))).as("nothing left in flight").isTrue();
    server = null;
  }

  @Test
  void a_swap_without_requests_in_flight_reports_the_old_gateway_drained_at_once() throws Exception {
    Gateway a = build("A", g -> g.route("any", r -> r.path("/**").respond(200, "text/plain", "A")));
    Gateway b = build("B", g -> g.route("any", r -> r.path("/**").respond(200, "text/plain", "B")));
    server = Servers.start(a);
    assertThat(Servers.CLIENT.send(Servers.request(server.port(), "/x").build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("A");

    Gateway previous = server.swap(b);

    assertThat(server.swappable().drained(previous).toCompletableFuture().get(10, TimeUnit.SECONDS)).isSameAs(a);
  }

  @Test
  void a_mounted_handler_counts_its_requests_too() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    TestGateway a = TestGateway.async(r -> {
      started.countDown();
      return release.thenApply(v -> Response.builder(200).body(Body.of("A")).build());
    });
    GatewayHandler handler = UndertowGateway.handler(a);
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1)
        .setHandler(Handlers.path().addPrefixPath("/gw", handler)).build();
    undertow.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      CompletableFuture<HttpResponse<String>> slow = Servers.CLIENT.sendAsync(Servers.request(port, "/gw/x").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

      Gateway previous = handler.swap(TestGateway.text(200, "B"));
      CompletableFuture<Gateway> drained = handler.swappable().drained(previous).toCompletableFuture();
      assertThat(drained).isNotDone();

      release.complete(null);
      assertThat(slow.get(10, TimeUnit.SECONDS).body()).isEqualTo("A");
      assertThat(drained.get(10, TimeUnit.SECONDS)).isSameAs(a);
    } finally {
      undertow.stop();
    }
  }
}
