package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow clients are cut off by {@link GatewayServer}'s timeouts while well-behaved clients keep
 * being served. Timeouts are short (about a second) so each test is bounded to a few seconds.
 */
class SlowClientTest {
  private static final String BIG = "x".repeat(8 * 1024 * 1024);
  private RawUpstream upstream;
  private Gateway gateway;
  private GatewayServer server;

  @BeforeEach
  void start() throws IOException {
    upstream = RawUpstream.start();
    gateway = Gateway.builder().accessLog(false)
        .route("big", r -> r.path("/big").respond(200, "text/plain", BIG))
        .route("r", r -> r.path("/**").upstream(upstream.url()))
        .build();
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
    gateway.close();
    upstream.close();
  }

  private GatewayServer.Builder builder() {
    return UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2);
  }

  private void assertAWellBehavedClientIsServed() throws IOException {
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /ok HTTP/1.1\r\nHost: gw\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo("ok");
    }
  }

  @Test
  void clients_dripping_a_request_head_are_cut_at_the_header_timeout_while_others_are_served() throws Exception {
    server = builder().requestHeaderTimeout(Duration.ofMillis(800)).start();
    String head = "GET /x HTTP/1.1\r\nHost: gw\r\nX-Slow: " + "a".repeat(100);
    List<RawHttp> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        slow.add(RawHttp.connect(server.port()).send(head.substring(0, 1)));
      }
      long start = System.nanoTime();
      List<Boolean> open = new ArrayList<>();
      for (int i = 1; i < 12; i++) { // one byte every 200 ms each: 2.2 s for 11 bytes, past the timeout
        for (RawHttp c : slow) {
          try {
            c.send(head.substring(i, i + 1));
          } catch (IOException closed) {
            // cut already
          }
        }
        assertAWellBehavedClientIsServed();
        Thread.sleep(200);
      }
      for (RawHttp c : slow) {
        open.add(!c.closedWithin(2000));
      }
      assertThat(open).as("still open after %d ms", (System.nanoTime() - start) / 1_000_000).containsOnly(false);
    } finally {
      for (RawHttp c : slow) {
        c.close();
      }
    }
    assertThat(upstream.requests()).noneMatch(r -> r.startsWith("GET /x"));
  }

  @Test
  void an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() throws Exception {
    server = builder().idleTimeout(Duration.ofMillis(800)).start();
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("GET /ok HTTP/1.1\r\nHost: gw\r\n\r\n");
      RawHttp.Head head = client.readHead();
      client.readBody(head);
      assertThat(client.closedWithin(300)).as("closed early").isFalse();
      assertThat(client.closedWithin(3000)).as("closed after the idle timeout").isTrue();
    }
  }

  @Test
  void a_request_body_that_pauses_past_the_body_idle_timeout_gets_408_and_close() throws Exception {
    server = builder().requestBodyIdleTimeout(Duration.ofMillis(800)).minRequestBodyRate(0, Duration.ZERO).start();
    int leftBefore = upstream.leftovers().size();
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("POST /x HTTP/1.1\r\nHost: gw\r\nContent-Length: 100\r\n\r\nabc");
      assertAWellBehavedClientIsServed();
      RawHttp.Head head = client.readHead();
      String problem = new String(client.readBody(head), StandardCharsets.UTF_8);
      assertThat(head.status()).isEqualTo(408);
      // RFC 9110's phrase, as in every problem the gateway makes (Undertow's own is "Request Time-out").
      assertThat(problem).contains("\"title\":\"Request Timeout\"", "\"type\":\"urn:gatehouse:problem:request-timeout\"");
      assertThat(head.all("Connection")).containsExactly("close");
      assertThat(client.closedWithin(3000)).isTrue();
    }
    FramingTest.awaitTrue(() -> upstream.leftovers().size() > leftBefore, Duration.ofSeconds(5));
    assertThat(upstream.requests()).noneMatch(r -> r.startsWith("POST /x"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Content-Length: 1000", "Transfer-Encoding: chunked"})
  void a_request_body_that_trickles_under_the_minimum_rate_gets_408_though_it_never_pauses_long(String framing)
      throws Exception {
    server = builder().requestBodyIdleTimeout(Duration.ofSeconds(5)).minRequestBodyRate(1000, Duration.ofMillis(500))
        .start();
    boolean chunked = framing.startsWith("Transfer");
    try (RawHttp client = RawHttp.connect(server.port())) {
      client.send("POST /x HTTP/1.1\r\nHost: gw\r\n" + framing + "\r\n\r\n");
      int status = -1;
      for (int i = 0; i < 40 && status < 0; i++) { // one byte every 100 ms: 10 B/s, for at most 4 s
        try {
          client.send(chunked ? "1\r\nz\r\n" : "z");
        } catch (IOException closed) {
          break;
        }
        if (client.socket().getInputStream().available() > 0) {
          status = client.readHead().status();
        }
        Thread.sleep(100);
      }
      if (status < 0) {
        status = client.readHead().status();
      }
      assertThat(status).isEqualTo(408);
      assertThat(client.closedWithin(3000)).isTrue();
    }
    assertAWellBehavedClientIsServed();
    assertThat(upstream.requests()).noneMatch(r -> r.startsWith("POST /x"));
  }

  @Test
  void time_the_gateway_spends_not_reading_does_not_count_against_the_client() throws Exception {
    server = builder().requestBodyIdleTimeout(Duration.ofMillis(500)).minRequestBodyRate(0, Duration.ZERO).start();
    try (RawHttp client = RawHttp.connect(server.port())) {
      // A whole small body at once, then a response: no waiting on the client at all.
      client.send("POST /x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello");
      RawHttp.Head head = client.readHead();
      client.readBody(head);
      assertThat(head.status()).isEqualTo(200);
      Thread.sleep(800); // longer than the body idle timeout, between requests
      client.send("POST /x HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello");
      RawHttp.Head again = client.readHead();
      assertThat(again.status()).isEqualTo(200);
    }
  }

  @Test
  void a_client_that_stops_reading_a_response_is_cut_at_the_write_timeout_while_others_are_served() throws Exception {
    server = builder().responseWriteTimeout(Duration.ofMillis(800)).start();
    try (RawHttp stalled = RawHttp.connect(server.port(), 4096)) {
      stalled.send("GET /big HTTP/1.1\r\nHost: gw\r\n\r\n");
      Thread.sleep(200);
      assertAWellBehavedClientIsServed();
      // Drain what the kernel buffered: the body must stop short of 8 MiB, cut by the server.
      stalled.socket().setSoTimeout(5000);
      byte[] buf = new byte[65536];
      long total = 0;
      Thread.sleep(1500);
      try {
        for (int n = stalled.read(buf); n > 0; n = stalled.read(buf)) {
          total += n;
        }
      } catch (IOException reset) {
        // closed with unread data: a reset
      }
      assertThat(total).isLessThan(BIG.length());
    }
    assertAWellBehavedClientIsServed();
  }

  @Test
  void connections_past_the_cap_wait_until_one_closes() throws Exception {
    server = builder().maxConnections(3).start();
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp c = RawHttp.connect(server.port());
        c.send("GET /ok HTTP/1.1\r\nHost: gw\r\n\r\n");
        c.readBody(c.readHead());
        held.add(c);
      }
      try (RawHttp fourth = RawHttp.connect(server.port())) {
        fourth.send("GET /ok HTTP/1.1\r\nHost: gw\r\n\r\n");
        fourth.socket().setSoTimeout(500);
        assertThat(fourth.closedWithin(500)).isFalse(); // neither answered nor closed: not accepted yet
        held.remove(0).close();
        fourth.socket().setSoTimeout(5000);
        RawHttp.Head head = fourth.readHead();
        assertThat(head.status()).isEqualTo(200);
      }
    } finally {
      for (RawHttp c : held) {
        c.close();
      }
    }
  }
}
