package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.edge.SecurityHeaders;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15 item 3 over real sockets, on every mount: the defaults on an upstream's answer and on
 * the gateway's own 404, with the upstream's banners gone from the bytes the client reads, and
 * HSTS only when a trusted proxy says the client came over TLS (this test's client, 127.0.0.1, is
 * the trusted proxy).
 */
class SecurityHeadersOverSocketsTest {
  private static final String ANSWER = "HTTP/1.1 200 OK\r\nServer: Apache/2.4.1 (Unix)\r\nX-Powered-By: PHP/5.4.0\r\n"
      + "Referrer-Policy: origin\r\nContent-Length: 2\r\n\r\nok";

  @ParameterizedTest(name = "{0} with X-Forwarded-Proto [{1}] -> {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "/x       | NONE  | 200 | origin      | false",
      "/x       | https | 200 | origin      | true",
      "/x       | http  | 200 | origin      | false",
      "/nowhere | NONE  | 404 | no-referrer | false",
      "/nowhere | https | 404 | no-referrer | true"})
  void the_defaults_reach_the_client_and_the_banners_do_not(String path, String proto, int status, String referrer,
      boolean hsts) throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(ANSWER)) {
      for (Mount mount : Mount.values()) {
        Gateway gateway = Gateway.builder().accessLog(false).trustedProxies("127.0.0.1")
            .securityHeaders(SecurityHeaders.defaults())
            .route("x", r -> r.path("/x").upstream(upstream.url()))
            .build();
        try (gateway; Mount.Running running = mount.start(gateway); RawHttp client = RawHttp.connect(running.port())) {
          client.send("GET " + mount.target(path) + " HTTP/1.1\r\nHost: gw\r\n"
              + (proto == null ? "" : "X-Forwarded-Proto: " + proto + "\r\n") + "\r\n");
          RawHttp.Head head = client.readHead();
          client.readBody(head);

          assertThat(head.status()).as(mount.toString()).isEqualTo(status);
          assertThat(head.all("X-Content-Type-Options")).as(mount.toString()).containsExactly("nosniff");
          assertThat(head.all("Referrer-Policy")).as(mount.toString()).containsExactly(referrer);
          assertThat(head.all("X-Frame-Options")).as(mount.toString()).containsExactly("DENY");
          assertThat(head.all("Content-Security-Policy")).as(mount.toString()).containsExactly("frame-ancestors 'none'");
          assertThat(head.has("Server")).as("%s: %s", mount, head).isFalse();
          assertThat(head.has("X-Powered-By")).as(mount.toString()).isFalse();
          assertThat(head.all("Strict-Transport-Security")).as(mount.toString())
              .isEqualTo(hsts ? List.of("max-age=31536000; includeSubDomains") : List.of());
        }
      }
    }
  }
}
