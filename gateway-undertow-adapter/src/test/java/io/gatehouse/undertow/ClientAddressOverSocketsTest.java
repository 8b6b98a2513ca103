package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10 item 11 over real sockets, on every mount: the client address that a per-IP rate limit
 * counts is read from a trusted proxy's {@code X-Forwarded-For} by the strict literal parser. Two
 * requests through the trusted proxy (this test's 127.0.0.1) with a limit of one per hour: the
 * second gets 429 exactly when both hops name the same client. A lenient parser would make
 * {@code 010.0.0.1} and {@code 10.0.0.1} one client; here a hop that is not a canonical literal
 * ends the walk at the proxy itself.
 */
class ClientAddressOverSocketsTest {
  private static final String OK_EMPTY = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

  @ParameterizedTest(name = "X-Forwarded-For {0} then {1}: same client {2}")
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1             | 10.0.0.1                | true",
      "10.0.0.1             | 10.0.0.2                | false",
      "10.0.0.1             | 010.0.0.1               | false",
      "10.0.0.1             | 10.0.0.01               | false",
      "10.0.0.1             | 10.1                    | false",
      "10.0.0.1             | 10.0.1                  | false",
      "10.0.0.1             | 167772161               | false",
      "10.0.0.1             | 0x0a.0.0.1              | false",
      "10.0.0.1             | 0xa000001               | false",
      "10.0.0.1             | 012.0.0.1               | false",
      "010.0.0.1            | 0x0a.0.0.1              | true",
      "010.0.0.1            | 127.0.0.1               | true",
      "10.0.0.1             | 10.0.0.1:4711           | true",
      "10.0.0.1             | ::ffff:10.0.0.1         | true",
      "10.0.0.1             | [::ffff:a00:1]:443      | true",
      "2001:db8::1          | 2001:DB8:0:0:0:0:0:1    | true",
      "2001:db8::1          | [2001:db8::1]:443       | true",
      "2001:db8::1          | 2001:db8::01            | true",
      "2001:db8::1          | 2001:db8::1%eth0        | false",
      "2001:db8::1          | 2001:db8:::1            | false"})
  void a_per_ip_limit_counts_the_client_the_strict_parser_reads_from_a_trusted_hop(String first, String second,
      boolean sameClient) throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK_EMPTY)) {
      for (Mount mount : Mount.values()) {
        Gateway gateway = Gateway.builder().trustedProxies("127.0.0.1")
            .rateLimit(RateLimit.perClientIp(1).per(Duration.ofHours(1)))
            .route("all", r -> r.path("/**").upstream(upstream.url()))
            .build();
        try (gateway; Mount.Running running = mount.start(gateway)) {
          assertThat(send(running, mount, first)).as("%s first", mount).isEqualTo(200);
          assertThat(send(running, mount, second)).as("%s second", mount).isEqualTo(sameClient ? 429 : 200);
        }
      }
    }
  }

  private static int send(Mount.Running running, Mount mount, String hop) throws Exception {
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET " + mount.target("/x") + " HTTP/1.1\r\nHost: gw\r\nX-Forwarded-For: " + hop + "\r\n\r\n");
      RawHttp.Head head = client.readHead();
      client.readBody(head);
      return head.status();
    }
  }
}
