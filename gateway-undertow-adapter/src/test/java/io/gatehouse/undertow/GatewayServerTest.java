package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.GatewayException;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.raw.RawHttp;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayServerTest {
  private GatewayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
  }

  private static CompletableFuture<Boolean> stopInBackground(GatewayServer s, Duration timeout) {
    return CompletableFuture.supplyAsync(() -> s.stop(timeout));
  }

  private static void awaitTrue(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Waits (bounded) until a background stop has begun turning new requests away. */
  private static void awaitDraining(GatewayServer s) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!s.isDraining()) {
      assertThat(System.nanoTime()).as("server draining within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void port_zero_binds_a_real_ephemeral_port() throws Exception {
    server = Servers.start(TestGateway.text(200, "hi"));

    assertThat(server.port()).isBetween(1, 65535);
    assertThat(Servers.CLIENT.send(Servers.request(server.port(), "/").build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hi");
  }

  @Test
  void fails_to_start_on_a_port_in_use_and_names_it() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> UndertowGateway.server(TestGateway.text(200, "x"))
          .host("127.0.0.1").port(taken.getLocalPort()).start())
          .isInstanceOf(GatewayException.class)
          .hasMessageContaining("server: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void graceful_stop_refuses_new_connections_at_once_and_waits_for_a_request_in_flight() throws Exception {
    CompletableFuture<Response> slow = new CompletableFuture<>();
    CountDownLatch called = new CountDownLatch(1);
    TestGateway gateway = TestGateway.async(r -> {
      if (r.path().equals("/slow")) {
        called.countDown();
        return slow;
      }
      return CompletableFuture.completedFuture(Response.builder(200).body(Body.of("quick")).build());
    });
    server = Servers.start(gateway);
    try (RawHttp idle = RawHttp.connect(server.port()); RawHttp inFlight = RawHttp.connect(server.port())) {
      idle.send("GET /quick HTTP/1.1\r\nHost: t\r\n\r\n");
      idle.readBody(idle.readHead()); // a keep-alive connection, idle when the stop begins
      inFlight.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
      awaitTrue(called);

      CompletableFuture<Boolean> stopped = stopInBackground(server, Duration.ofSeconds(20));
      awaitDraining(server);

      // New connections are refused at the TCP level, as nginx and Envoy do.
      assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
      // A new request on a connection already open is turned away with a problem, not a hang or a reset.
      idle.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Head late = idle.readHead();
      assertThat(late.status()).isEqualTo(503);
      assertThat(late.first("Content-Type")).contains("application/problem+json");
      assertThat(late.all("Connection")).containsExactly("close");
      // Come back when this server's 20 s drain is over: what is left of it, in whole seconds.
      assertThat(late.first("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(15, 20));
      assertThat(new String(idle.readBody(late), StandardCharsets.UTF_8)).contains("\"status\":503");
      assertThat(stopped).isNotDone();

      slow.complete(Response.builder(200).body(Body.of("finished")).build());

      // The request in flight finishes, and its connection is not kept.
      RawHttp.Head head = inFlight.readHead();
      assertThat(new String(inFlight.readBody(head), StandardCharsets.UTF_8)).isEqualTo("finished");
      assertThat(head.all("Connection")).containsExactly("close");
      assertThat(inFlight.closedWithin(3000)).isTrue();
      assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(gateway.closed).isFalse();
  }

  @Test
  void graceful_stop_waits_for_a_streaming_response_body() throws Exception {
    CountDownLatch headersSent = new CountDownLatch(1);
    AtomicReference<Flow.Subscriber<? super ByteBuffer>> subscriber = new AtomicReference<>();
    Flow.Publisher<ByteBuffer> manual = s -> {
      subscriber.set(s);
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          headersSent.countDown();
        }

        @Override
        public void cancel() {}
      });
    };
    server = Servers.start(TestGateway.respond(r -> Response.builder(200).body(Body.ofPublisher(manual, -1)).build()));
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
      awaitTrue(headersSent);
      subscriber.get().onNext(ByteBuffer.wrap("part one, ".getBytes(StandardCharsets.UTF_8)));
      RawHttp.Head head = client.readHead();

      CompletableFuture<Boolean> stopped = stopInBackground(server, Duration.ofSeconds(20));
      Thread.sleep(300);
      assertThat(stopped).isNotDone();

      subscriber.get().onNext(ByteBuffer.wrap("part two".getBytes(StandardCharsets.UTF_8)));
      subscriber.get().onComplete();

      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo("part one, part two");
      assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void graceful_stop_returns_false_when_a_request_outlives_the_timeout_and_cancels_it() throws Exception {
    CancellationTest.Upstream never = new CancellationTest.Upstream();
    CountDownLatch called = new CountDownLatch(1);
    server = Servers.start(TestGateway.async(r -> {
      called.countDown();
      return never;
    }));
    CompletableFuture<HttpResponse<String>> inFlight = Servers.CLIENT.sendAsync(
        Servers.request(server.port(), "/never").build(), HttpResponse.BodyHandlers.ofString());
    awaitTrue(called);

    assertThat(server.stop(Duration.ofMillis(300))).isFalse();

    awaitTrue(never.cancelled);
    assertThatThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    assertThat(server.stop(Duration.ofSeconds(1))).as("a second stop repeats the answer").isFalse();
  }

  @Test
  void close_stops_without_closing_the_gateway() throws Exception {
    TestGateway gateway = TestGateway.text(200, "x");
    GatewayServer s = Servers.start(gateway);
    int port = s.port();

    s.close();

    assertThat(gateway.closed).isFalse();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void rejects_bad_builder_values_naming_the_field() {
    GatewayServer.Builder b = UndertowGateway.server(TestGateway.text(200, "x"));

    assertThatThrownBy(() -> b.port(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: -1 (expected: 0 to 65535)");
    assertThatThrownBy(() -> b.port(65536)).hasMessage("port: 65536 (expected: 0 to 65535)");
    assertThatThrownBy(() -> b.ioThreads(0)).hasMessage("ioThreads: 0 (expected: >= 1)");
    assertThatThrownBy(() -> b.host(" ")).hasMessage("host: ' ' (expected: a host name or address)");
    assertThatThrownBy(() -> b.host(null)).isInstanceOf(NullPointerException.class).hasMessage("host");
    assertThatThrownBy(() -> UndertowGateway.server(null)).isInstanceOf(NullPointerException.class).hasMessage("gateway");
    assertThatThrownBy(() -> UndertowGateway.handler(null)).isInstanceOf(NullPointerException.class).hasMessage("gateway");
  }

  @Test
  void rejects_a_negative_stop_timeout() {
    server = Servers.start(TestGateway.text(200, "x"));

    assertThatThrownBy(() -> server.stop(Duration.ofSeconds(-1)))
        .hasMessage("timeout: PT-1S (expected: >= 0)");
  }

  @Test
  void the_server_its_handler_and_the_admin_handler_print_what_they_serve() {
    TestGateway gateway = TestGateway.text(200, "hi");
    server = Servers.start(gateway);
    GatewayHandler handler = UndertowGateway.handler(gateway);

    assertThat(server).hasToString("GatewayServer[port " + server.port() + "]");
    assertThat(handler.toString()).isEqualTo("GatewayHandler[" + gateway + "]");
    assertThat(UndertowGateway.admin(server).bearerToken("a-long-admin-token-0123456789").build())
        .hasToString("AdminHandler[no metrics]");
    assertThat(UndertowGateway.admin(handler).bearerToken("a-long-admin-token-0123456789").metrics(() -> "").build())
        .hasToString("AdminHandler[with metrics]");
  }
}
