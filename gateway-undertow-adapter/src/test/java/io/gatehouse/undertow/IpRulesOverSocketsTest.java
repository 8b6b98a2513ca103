package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.edge.IpRules;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15 item 1 over real sockets, on every mount: an allow list judges the client address the
 * trusted proxies let be known. This test's client is 127.0.0.1; one gateway does not trust it,
 * so every forwarding header it sends is ignored, the other trusts it as a proxy. Per row: the
 * status, that the connection stays open (the same request again on it gets the same answer),
 * and what the upstream received: nothing for a refusal, else the request with the
 * {@code X-Forwarded-For} the gateway made.
 */
class IpRulesOverSocketsTest {
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  private static final IpRules RULES = IpRules.allow("203.0.113.0/24", "2001:db8::/32").deny("203.0.113.66");

  private static RawUpstream upstream;
  private static Gateway untrusting;
  private static Gateway trusting;
  private static final Map<Mount, Mount.Running> untrustingMounts = new EnumMap<>(Mount.class);
  private static final Map<Mount, Mount.Running> trustingMounts = new EnumMap<>(Mount.class);

  @BeforeAll
  static void start() throws Exception {
    upstream = RawUpstream.start().answer(OK);
    untrusting = Gateway.builder().accessLog(false).trustedProxies("10.0.0.0/8").ipRules(RULES)
        .route("all", r -> r.path("/**").upstream(upstream.url())).build();
    trusting = Gateway.builder().accessLog(false).trustedProxies("127.0.0.1").ipRules(RULES)
        .route("all", r -> r.path("/**").upstream(upstream.url())).build();
    untrustingMounts.putAll(Mount.startAll(untrusting));
    trustingMounts.putAll(Mount.startAll(trusting));
  }

  @AfterAll
  static void stop() throws Exception {
    Mount.stopAll(untrustingMounts);
    Mount.stopAll(trustingMounts);
    untrusting.close();
    trusting.close();
    upstream.close();
  }

  @BeforeEach
  void clear() {
    upstream.clear();
  }

  @ParameterizedTest(name = "peer trusted {0}, sends [{1}] -> {2}, upstream sees X-Forwarded-For [{3}]")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      // An untrusted peer cannot name an allowed address for itself, in any header, case or repetition.
      "false | NONE                                                   | 403 | NONE",
      "false | X-Forwarded-For: 203.0.113.5                           | 403 | NONE",
      "false | x-forwarded-for: 203.0.113.5                           | 403 | NONE",
      "false | X-Forwarded-For: 203.0.113.5, 203.0.113.6              | 403 | NONE",
      "false | X-Forwarded-For: 203.0.113.5\\r\\nX-Forwarded-For: 203.0.113.6 | 403 | NONE",
      "false | X-Forwarded-For: [2001:db8::1]:443                     | 403 | NONE",
      "false | Forwarded: for=203.0.113.5                             | 403 | NONE",
      "false | X-Real-IP: 203.0.113.5                                 | 403 | NONE",
      "false | True-Client-IP: 203.0.113.5                            | 403 | NONE",
      // A trusted proxy's X-Forwarded-For names the client: its nearest untrusted hop.
      "true  | NONE                                                   | 403 | NONE",
      "true  | X-Forwarded-For: 203.0.113.5                           | 200 | 203.0.113.5, 127.0.0.1",
      "true  | X-Forwarded-For: 198.51.100.1, 203.0.113.5             | 200 | 198.51.100.1, 203.0.113.5, 127.0.0.1",
      "true  | X-Forwarded-For: [2001:db8::1]:443                     | 200 | [2001:db8::1]:443, 127.0.0.1",
      "true  | X-Forwarded-For: 203.0.113.5:4711                      | 200 | 203.0.113.5:4711, 127.0.0.1",
      "true  | X-Forwarded-For: 203.0.113.5, 198.51.100.1             | 403 | NONE",
      "true  | X-Forwarded-For: 203.0.113.5\\r\\nX-Forwarded-For: 198.51.100.1 | 403 | NONE",
      "true  | X-Forwarded-For: 203.0.113.66                          | 403 | NONE",
      "true  | X-Forwarded-For: ::ffff:203.0.113.66                   | 403 | NONE",
      "true  | X-Forwarded-For: [::ffff:cb00:7142]:80                 | 403 | NONE",
      "true  | X-Forwarded-For: 0203.0.113.5                          | 403 | NONE",
      "true  | X-Forwarded-For: 203.0.113.005                         | 403 | NONE",
      "true  | X-Forwarded-For: client.example                        | 403 | NONE",
      "true  | X-Forwarded-For: 2001:db8::1%eth0                      | 403 | NONE"})
  void an_allow_list_judges_the_address_the_trusted_proxies_let_be_known(boolean trusted, String sent, int status,
      String forwarded) throws Exception {
    String lines = sent == null ? "" : sent.replace("\\r\\n", "\r\n") + "\r\n";
    for (Mount mount : Mount.values()) {
      upstream.clear();
      Mount.Running running = (trusted ? trustingMounts : untrustingMounts).get(mount);
      String request = "GET " + mount.target("/x") + " HTTP/1.1\r\nHost: gw\r\n" + lines + "\r\n";
      try (RawHttp client = RawHttp.connect(running.port())) {
        for (int attempt = 1; attempt <= 2; attempt++) {
          client.send(request);
          RawHttp.Head head = client.readHead();
          String body = new String(client.readBody(head), StandardCharsets.UTF_8);
          assertThat(head.status()).as("%s attempt %d", mount, attempt).isEqualTo(status);
          assertThat(head.connectionTokens()).as("%s: the connection stays open", mount).doesNotContain("close");
          if (status == 403) {
            assertThat(head.first("Content-Type")).as(mount.toString()).contains("application/problem+json");
            assertThat(body).contains("\"status\":403", "requests from this client address are not allowed");
          } else {
            assertThat(body).isEqualTo("ok");
          }
        }
      }
      if (forwarded == null) {
        assertThat(upstream.requests()).as("%s: the upstream received nothing", mount).isEmpty();
      } else {
        assertThat(upstream.requests()).as(mount.toString()).hasSize(2)
            .allSatisfy(head -> assertThat(head).contains("\r\nX-Forwarded-For: " + forwarded + "\r\n"));
      }
    }
  }
}
