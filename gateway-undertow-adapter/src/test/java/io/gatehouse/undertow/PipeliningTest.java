package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pipelined requests (several in one packet) are answered in order: when a later one is
 * malformed, every earlier response is complete on the wire before the 400 and the close.
 */
class PipeliningTest {
  private static final String BIG = "b".repeat(1024 * 1024);
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static Map<Mount, Mount.Running> running;

  @BeforeAll
  static void start() throws IOException {
    upstream = RawUpstream.start();
    gateway = Gateway.builder().accessLog(false)
        .route("big", r -> r.path("/big").respond(200, "text/plain", BIG))
        .route("r", r -> r.path("/**").upstream(upstream.url()))
        .build();
    running = Mount.startAll(gateway);
  }

  @AfterAll
  static void stop() throws IOException {
    Mount.stopAll(running);
    gateway.close();
    upstream.close();
  }

  static Stream<Arguments> malformed() {
    String[][] bad = {
        {"GET /b HTTP/1.1\r\nHost: gw\r\nContent-Length: abc\r\n\r\n", "400"},
        {"GET /b HTTP/1.1\r\nHost: gw\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "400"},
        {"POST /b HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
        {"POST /b HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"},
        {"POST /b HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", "400"},
        {"POST /b HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: identity\r\n\r\nab", "400"},
        // refused by Undertow's own parser, with its plain 400
        {"GET /b HTTP/1.1\r\nHost: gw\r\nBad Header\r\n\r\n", "400"},
        {"GET /b HTTP/1.1\r\nHost: gw\r\nX-A: a\u0000b\r\n\r\n", "400"},
        {"GET /b HTTP/1.1\r\nHost: gw\r\nX-A: a\rb\r\n\r\n", "400"},
        {"GET /b HTTP/1.1\r\nHost: gw\r\nX-A : b\r\n\r\n", "400"},
        {"G@T /b HTTP/1.1\r\nHost: gw\r\n\r\n", "400"},
        {"GET /b\r\n\r\n", "400"},
    };
    List<Arguments> rows = new ArrayList<>();
    for (Mount mount : Mount.values()) {
      for (String[] b : bad) {
        rows.add(Arguments.of(mount, FramingTest.printable(b[0]), b[0].replace(" /b ", " " + mount.target("/b") + " "),
            Integer.parseInt(b[1])));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: then {1}")
  @MethodSource("malformed")
  void earlier_responses_are_complete_before_the_400_for_a_malformed_later_request(
      Mount mount, String label, String bad, int status) throws Exception {
    String first = "GET " + mount.target("/a") + " HTTP/1.1\r\nHost: gw\r\n\r\n";
    String second = "POST " + mount.target("/a2") + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 5\r\n\r\nhello";
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send(first + second + bad);

      RawHttp.Head one = client.readHead();
      assertThat(one.status()).isEqualTo(200);
      assertThat(new String(client.readBody(one), StandardCharsets.UTF_8)).isEqualTo("ok");
      RawHttp.Head two = client.readHead();
      assertThat(two.status()).isEqualTo(200);
      assertThat(new String(client.readBody(two), StandardCharsets.UTF_8)).isEqualTo("ok");
      RawHttp.Head three = client.readHead();
      assertThat(three.status()).isEqualTo(status);
      client.readBody(three);
      assertThat(client.closedWithin(3000)).as("connection closed").isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Mount.class)
  void a_large_earlier_response_to_a_slow_reader_is_whole_before_the_400(Mount mount) throws Exception {
    try (RawHttp client = RawHttp.connect(running.get(mount).port(), 4096)) {
      client.send("GET " + mount.target("/big") + " HTTP/1.1\r\nHost: gw\r\n\r\n"
          + "GET " + mount.target("/b") + " HTTP/1.1\r\nHost: gw\r\nBad Header\r\n\r\n");
      Thread.sleep(300); // the socket fills up: the server must wait for this reader
      RawHttp.Head one = client.readHead();
      assertThat(one.status()).isEqualTo(200);
      assertThat(new String(client.readBody(one), StandardCharsets.UTF_8)).isEqualTo(BIG);
      RawHttp.Head two = client.readHead();
      assertThat(two.status()).isEqualTo(400);
      client.readBody(two);
      assertThat(client.closedWithin(3000)).as("connection closed").isTrue();
    }
  }
}
