package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request body that stalls or trickles is ended by the mount's body pace, on both containers,
 * with what the Undertow adapter gives: 408 problem+json with {@code Connection: close}, the
 * connection closed, the upstream call cut; a body held back by a slow upstream is not blamed on
 * the client. Timeouts are short (half a second) so that each test is bounded to a few seconds.
 */
class SlowRequestBodyTest {
  private static final long WAIT_MS = 10_000;

  private static void assertTooSlow(RawHttp client) throws IOException {
    RawHttp.Head head = client.readHead();
    String problem = new String(client.readBody(head), StandardCharsets.UTF_8);
    assertThat(head.status()).isEqualTo(408);
    assertThat(head.first("Content-Type")).contains("application/problem+json");
    assertThat(problem).contains("\"title\":\"Request Timeout\"", "The request body arrived too slowly.");
    assertThat(head.all("Connection")).containsExactly("close");
    assertThat(client.closedWithin(3000)).as("the connection is closed").isTrue();
  }

  private static boolean awaitLeftover(RawUpstream upstream, String start) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (System.nanoTime() < deadline) {
      if (upstream.leftovers().stream().anyMatch(l -> l.startsWith(start))) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private static Container.Running deploy(Container container, Servlet servlet) {
    return container.start(Container.Deployment.of("", Map.of("/gw/*", servlet)));
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_body_that_stops_mid_way_gets_408_after_the_idle_timeout_and_the_upstream_call_is_cut(Container container)
      throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream.url())).build();
        Container.Running running = deploy(container, GatehouseServlet.builder(gateway)
            .requestBodyIdleTimeout(Duration.ofMillis(500)).minRequestBodyRate(0, Duration.ZERO).build());
        RawHttp client = RawHttp.connect(running.port())) {
      long start = System.nanoTime();
      client.send("POST /gw/stalled HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc");

      assertTooSlow(client);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
      assertThat(awaitLeftover(upstream, "POST /stalled")).as("the upstream connection closed mid-request: %s",
          upstream.leftovers()).isTrue();
      assertThat(upstream.requests()).noneMatch(r -> r.startsWith("POST /stalled"));
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void the_filter_mount_ends_a_stalled_body_the_same_way(Container container) throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream.url())).build();
        Container.Running running = container.start(new Container.Deployment("", Map.of("/", new ServletMounts.App()),
            Map.of("/*", GatehouseFilter.builder(gateway).requestBodyIdleTimeout(Duration.ofMillis(500)).build())));
        RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST /stalled HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");

      assertTooSlow(client);
      assertThat(awaitLeftover(upstream, "POST /stalled")).as("the upstream connection closed mid-request: %s",
          upstream.leftovers()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_body_trickled_under_the_minimum_rate_gets_408_after_the_grace_though_it_never_pauses_long(Container container)
      throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream.url())).build();
        Container.Running running = deploy(container, GatehouseServlet.builder(gateway)
            .requestBodyIdleTimeout(Duration.ofSeconds(5)).minRequestBodyRate(1000, Duration.ofMillis(500)).build());
        RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST /gw/trickle HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
      boolean answered = false;
      for (int i = 0; i < 40 && !answered; i++) { // one byte every 100 ms: 10 B/s, for at most 4 s
        try {
          client.send("z");
        } catch (IOException closed) {
          break;
        }
        answered = client.socket().getInputStream().available() > 0;
        Thread.sleep(100);
      }

      assertTooSlow(client);
      assertThat(awaitLeftover(upstream, "POST /trickle")).as("the upstream connection closed mid-request: %s",
          upstream.leftovers()).isTrue();
      assertThat(upstream.requests()).noneMatch(r -> r.startsWith("POST /trickle"));
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_body_held_back_by_a_slow_upstream_is_not_blamed_on_the_client(Container container) throws Exception {
    int size = 32 * 1024 * 1024; // more than the loopback socket buffers hold: the gateway must stop reading
    CompletableFuture<Long> upstreamRead = new CompletableFuture<>();
    try (RawUpstream upstream = RawUpstream.start(c -> {
          String head = c.readHead();
          c.readBytes(64 * 1024);
          Thread.sleep(1500); // three idle timeouts without reading: the gateway stops asking the client
          byte[] rest = c.readBytes(size - 64 * 1024);
          upstreamRead.complete(64 * 1024L + rest.length);
          c.out().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
          c.out().flush();
          assertThat(head).startsWith("POST /big");
        });
        Gateway gateway = Gateway.builder().accessLog(false)
            .route("all", r -> r.path("/**").maxRequestBody(size).upstream(upstream.url())).build();
        Container.Running running = deploy(container, GatehouseServlet.builder(gateway)
            .requestBodyIdleTimeout(Duration.ofMillis(500)).minRequestBodyRate(100_000, Duration.ofMillis(200)).build());
        RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST /gw/big HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n");
      OutputStream out = client.socket().getOutputStream();
      byte[] block = new byte[64 * 1024];
      Arrays.fill(block, (byte) 'b');
      try {
        for (int sent = 0; sent < size; sent += block.length) {
          out.write(block); // blocks while the gateway does not read: TCP flow control
        }
        out.flush();
      } catch (IOException e) {
        RawHttp.Head early = client.readHead();
        throw new AssertionError("cut while sending: " + early.status() + " "
            + new String(client.readBody(early), StandardCharsets.UTF_8), e);
      }

      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo("ok");
      assertThat(upstreamRead.get(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(size);
      assertThat(upstream.handlerFailures()).isEmpty();
    }
  }

  @Test
  void the_builders_refuse_pace_settings_out_of_range_naming_the_field() {
    Gateway gateway = TestGateway.text(200, "ok");
    GatehouseServlet.Builder servlet = GatehouseServlet.builder(gateway);
    GatehouseFilter.Builder filter = GatehouseFilter.builder(gateway);

    assertThatThrownBy(() -> servlet.requestBodyIdleTimeout(Duration.ZERO))
        .hasMessage("requestBodyIdleTimeout: PT0S (expected: > 0 and <= 2147483647 ms)");
    assertThatThrownBy(() -> filter.requestBodyIdleTimeout(Duration.ofMillis(-1)))
        .hasMessage("requestBodyIdleTimeout: PT-0.001S (expected: > 0 and <= 2147483647 ms)");
    assertThatThrownBy(() -> servlet.requestBodyIdleTimeout(Duration.ofDays(30)))
        .hasMessage("requestBodyIdleTimeout: PT720H (expected: > 0 and <= 2147483647 ms)");
    assertThatThrownBy(() -> filter.requestBodyIdleTimeout(null)).hasMessage("requestBodyIdleTimeout");
    assertThatThrownBy(() -> servlet.minRequestBodyRate(-1, Duration.ZERO))
        .hasMessage("minRequestBodyRate: -1 (expected: >= 0)");
    assertThatThrownBy(() -> filter.minRequestBodyRate(-1, Duration.ZERO))
        .hasMessage("minRequestBodyRate: -1 (expected: >= 0)");
    assertThatThrownBy(() -> servlet.minRequestBodyRate(10, Duration.ofSeconds(-1)))
        .hasMessage("minRequestBodyRate grace: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> filter.minRequestBodyRate(10, null)).hasMessage("grace");
    assertThat(servlet.requestBodyIdleTimeout(Duration.ofMillis(1)).minRequestBodyRate(0, Duration.ZERO).build())
        .isNotNull();
  }
}
