package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.raw.RefusingPort;
import io.gatehouse.upstream.CircuitBreaker;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SwapTest {
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void requests_in_flight_finish_on_the_old_gateway_and_new_ones_go_to_the_new() throws Exception {
    CompletableFuture<Void> releaseA = new CompletableFuture<>();
    CountDownLatch aStarted = new CountDownLatch(3);
    TestGateway a = TestGateway.async(r -> {
      aStarted.countDown();
      return releaseA.thenApply(v -> Response.builder(200).body(Body.of("A" + r.path())).build());
    });
    TestGateway b = TestGateway.text(200, "B");
    server = Servers.start(a);

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(Servers.CLIENT.sendAsync(Servers.request(server.port(), "/slow" + i).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    assertThat(aStarted.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(server.swap(b)).isSameAs(a);
    assertThat(server.current()).isSameAs(b);
    for (int i = 0; i < 2; i++) {
      assertThat(Servers.CLIENT.send(Servers.request(server.port(), "/new").build(),
          HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("B");
    }
    assertThat(inFlight).noneMatch(CompletableFuture::isDone);

    releaseA.complete(null);
    for (int i = 0; i < 3; i++) {
      assertThat(inFlight.get(i).get(10, TimeUnit.SECONDS).body()).isEqualTo("A/slow" + i);
    }
    assertThat(a.requests).hasSize(3);
    assertThat(a.closed).isFalse(); // swapping never closes: the caller owns the gateways
  }

  @Test
  void a_mounted_handler_swaps_too() throws Exception {
    TestGateway a = TestGateway.text(200, "A");
    TestGateway b = TestGateway.text(200, "B");
    GatewayHandler handler = UndertowGateway.handler(a);
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1)
        .setHandler(Handlers.path().addPrefixPath("/gw", handler)).build();
    undertow.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      assertThat(Servers.CLIENT.send(Servers.request(port, "/gw/x").build(), HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("A");

      assertThat(handler.swap(b)).isSameAs(a);

      assertThat(handler.current()).isSameAs(b);
      assertThat(Servers.CLIENT.send(Servers.request(port, "/gw/x").build(), HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("B");
    } finally {
      undertow.stop();
    }
  }

  @Test
  void a_swap_is_logged_with_both_versions() {
    Gateway a = Gateway.builder().version("release-1").route("r", r -> r.respond(200, "text/plain", "A")).build();
    Gateway b = Gateway.builder().version("release-2").route("r", r -> r.respond(200, "text/plain", "B")).build();
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (a; b) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      UndertowGateway.handler(a).swap(b);
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("INFO io.gatehouse.adapter.SwappableGateway - gateway configuration swapped: version release-1 -> release-2");
  }

  private static int status(int port, String target) throws Exception {
    return Servers.CLIENT.send(Servers.request(port, target).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void an_identical_configuration_swapped_in_keeps_the_spent_limits_and_the_open_circuits() throws Exception {
    try (RefusingPort dead = RefusingPort.open()) { // connections to it are refused as long as it is held
      Supplier<Gateway> configuration = () -> Gateway.builder()
          .route("limited", r -> r.path("/limited").rateLimit(RateLimit.perRoute(1).per(Duration.ofMinutes(1)))
              .respond(200, "text/plain", "ok"))
          .route("broken", r -> r.path("/broken").upstream(dead.url().toString())
              .circuitBreaker(CircuitBreaker.of().slidingWindow(2, 2).openFor(Duration.ofMinutes(1))))
          .build();
      Gateway first = configuration.get();
      server = Servers.start(first);
      assertThat(status(server.port(), "/limited")).isEqualTo(200);
      assertThat(status(server.port(), "/limited")).isEqualTo(429);
      assertThat(status(server.port(), "/broken")).isEqualTo(502);
      assertThat(status(server.port(), "/broken")).isEqualTo(502);
      assertThat(status(server.port(), "/broken")).isEqualTo(503);

      try (Gateway second = configuration.get()) {
        server.swap(second).close();
        assertThat(status(server.port(), "/limited")).as("the bucket is still spent").isEqualTo(429);
        assertThat(status(server.port(), "/broken")).as("the circuit is still open").isEqualTo(503);
        server.stop(Duration.ofSeconds(5));
        server = null;
      }
    }
  }
}
