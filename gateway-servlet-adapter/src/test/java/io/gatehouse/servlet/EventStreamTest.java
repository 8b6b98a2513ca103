package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Server-sent events through the servlet mount over real sockets, on each container: each event
 * reaches the client as the upstream sends it, a stream whose pauses outlast the route's response
 * timeout is not cut (the response timeout ends with the head), and the route's body idle timeout
 * cuts a stream quiet for longer (the upstream calls go through httpclient5 here). Bounded to
 * about 4 s per container.
 */
class EventStreamTest {
  private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n";

  private static Container.Running start(Container container, Gateway gateway) {
    return container.start(Container.Deployment.of("", Map.of("/gw/*", GatehouseServlet.of(gateway))));
  }

  private static String chunk(String text) {
    return Integer.toHexString(text.length()) + "\r\n" + text + "\r\n";
  }

  /** Reads raw bytes until {@code marker} has arrived (or the stream ends); the text read so far. */
  private static String readUntil(RawHttp client, ByteArrayOutputStream seen, String marker) throws IOException {
    byte[] buf = new byte[4096];
    while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
      int n = client.read(buf);
      if (n < 0) {
        break;
      }
      seen.write(buf, 0, n);
    }
    return seen.toString(StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void events_arrive_one_by_one_though_the_pauses_outlast_the_response_timeout(Container container) throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    try (RawUpstream upstream = RawUpstream.start(c -> {
      c.readHead();
      c.write(HEAD + chunk("data: 1\n\n"));
      if (!firstSeen.await(10, TimeUnit.SECONDS)) {
        return; // the first event was held back: the test fails on its own
      }
      Thread.sleep(1_200);
      c.write(chunk("data: 2\n\n"));
      Thread.sleep(1_200);
      c.write(chunk("data: 3\n\n") + "0\r\n\r\n");
    });
        Gateway gateway = Gateway.builder().route("events", r -> r.path("/**").upstream(upstream.url())
            .responseTimeout(Duration.ofMillis(400))).build();
        Container.Running running = start(container, gateway)) {
      try (RawHttp client = RawHttp.connect(running.port())) {
        client.socket().setSoTimeout(10_000);
        client.send("GET " + "/gw/events" + " HTTP/1.1\r\nHost: gw\r\nAccept: text/event-stream\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.first("Content-Type")).hasValue("text/event-stream");

        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        assertThat(readUntil(client, seen, "data: 1\n\n")).contains("data: 1\n\n").doesNotContain("data: 2");
        firstSeen.countDown();
        String all = readUntil(client, seen, "0\r\n\r\n");

        assertThat(all).containsSubsequence("data: 1\n\n", "data: 2\n\n", "data: 3\n\n").endsWith("0\r\n\r\n");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void a_stream_quiet_past_the_routes_body_idle_timeout_is_cut(Container container) throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (RawUpstream upstream = RawUpstream.start(c -> {
      c.readHead();
      c.write(HEAD + chunk("data: 1\n\n"));
      done.await(10, TimeUnit.SECONDS);
    });
        Gateway gateway = Gateway.builder().route("events", r -> r.path("/**").upstream(upstream.url())
            .responseTimeout(Duration.ofSeconds(5)).responseBodyIdleTimeout(Duration.ofMillis(500))).build();
        Container.Running running = start(container, gateway)) {
      try (RawHttp client = RawHttp.connect(running.port())) {
        client.socket().setSoTimeout(10_000);
        client.send("GET " + "/gw/events" + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).isEqualTo(200);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        readUntil(client, seen, "data: 1\n\n");
        long firstAt = System.nanoTime();

        assertThat(client.closedWithin(4_000)).as("the client's connection is closed, the stream unfinished").isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstAt)).isBetween(400L, 3_500L);
        assertThat(seen.toString(StandardCharsets.ISO_8859_1)).doesNotContain("0\r\n\r\n");
      } finally {
        done.countDown();
      }
    }
  }
}
