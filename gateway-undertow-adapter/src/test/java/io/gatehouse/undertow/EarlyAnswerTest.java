package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When the gateway answers before reading the request body (401, 404, 405, an upstream that is
 * down), it never reads an unbounded body to keep the connection: at most
 * {@code ExchangeBridge.DRAIN_LIMIT} bytes of a body of known length are drained; otherwise the
 * answer says {@code Connection: close} and the connection closes.
 */
class EarlyAnswerTest {
  private static final int LIMIT = 64 * 1024;
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static Map<Mount, Mount.Running> running;

  @BeforeAll
  static void start() throws IOException {
    upstream = RawUpstream.start();
    gateway = Gateway.builder().accessLog(false)
        .requestLimits(RequestLimits.defaults().maxBodyBytes(Long.MAX_VALUE)) // the answers come from later stages
        .consumer(ApiConsumer.builder("c").apiKey("k-0123456789abcdef").build())
        .route("private", r -> r.path("/private/**").auth(Auth.apiKey()).upstream(upstream.url()))
        .route("reads", r -> r.path("/reads/**").methods("GET").upstream(upstream.url()))
        .route("down", r -> r.path("/down/**").upstream("http://127.0.0.1:1").connectTimeout(Duration.ofSeconds(2)))
        .build();
    running = Mount.startAll(gateway);
  }

  @AfterAll
  static void stop() throws IOException {
    Mount.stopAll(running);
    gateway.close();
    upstream.close();
  }

  enum Early {
    UNAUTHORIZED("/private/x", 401),
    NO_ROUTE("/nowhere", 404),
    WRONG_METHOD("/reads/x", 405),
    UPSTREAM_DOWN("/down/x", 502);

    final String path;
    final int status;

    Early(String path, int status) {
      this.path = path;
      this.status = status;
    }
  }

  static Stream<Arguments> unbounded() {
    List<Arguments> rows = new ArrayList<>();
    for (Mount mount : Mount.values()) {
      for (Early early : Early.values()) {
        rows.add(Arguments.of(mount, early, "Content-Length: 104857600\r\n", "x".repeat(1000)));
        rows.add(Arguments.of(mount, early, "Content-Length: " + (LIMIT + 1) + "\r\n", "x".repeat(LIMIT + 1)));
        rows.add(Arguments.of(mount, early, "Transfer-Encoding: chunked\r\n", "3e8\r\n" + "x".repeat(1000) + "\r\n"));
        rows.add(Arguments.of(mount, early, "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("unbounded")
  void an_early_answer_to_an_unbounded_or_large_body_closes_the_connection(
      Mount mount, Early early, String framing, String bodySent) throws Exception {
    int before = upstream.requests().size();
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send("POST " + mount.target(early.path) + " HTTP/1.1\r\nHost: gw\r\n" + framing + "\r\n" + bodySent);
      RawHttp.Head head = client.readHead();
      client.readBody(head);

      // Under a prefix, the app's Undertow keeps its default MAX_ENTITY_SIZE (2 MiB): 413 comes first.
      boolean overMountLimit = mount == Mount.UNDER_PREFIX && framing.contains("104857600");
      assertThat(head.status()).isEqualTo(overMountLimit ? 413 : early.status);
      assertThat(head.all("Connection")).containsExactly("close");
      assertThat(client.closedWithin(5000)).as("connection closed").isTrue();
    }
    assertThat(upstream.requests().subList(before, upstream.requests().size())).isEmpty();
  }

  static Stream<Arguments> bounded() {
    List<Arguments> rows = new ArrayList<>();
    for (Mount mount : Mount.values()) {
      for (Early early : Early.values()) {
        rows.add(Arguments.of(mount, early, 0));
        rows.add(Arguments.of(mount, early, 1));
        rows.add(Arguments.of(mount, early, LIMIT));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} {1}: {2} bytes")
  @MethodSource("bounded")
  void an_early_answer_to_a_small_whole_body_keeps_the_connection_for_the_next_request(
      Mount mount, Early early, int length) throws Exception {
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send("POST " + mount.target(early.path) + " HTTP/1.1\r\nHost: gw\r\nContent-Length: " + length
          + "\r\n\r\n" + "x".repeat(length));
      RawHttp.Head head = client.readHead();
      client.readBody(head);
      assertThat(head.status()).isEqualTo(early.status);
      assertThat(head.all("Connection")).doesNotContain("close");

      client.send("GET " + mount.target("/nowhere") + " HTTP/1.1\r\nHost: gw\r\n\r\n");
      RawHttp.Head next = client.readHead();
      client.readBody(next);
      assertThat(next.status()).isEqualTo(404);
    }
  }
}
