package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.edge.Cors;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CORS over real sockets, on every mount: per row, the status, whether the connection closed, the
 * {@code Access-Control-Allow-Origin} the client got, and the exact bytes the upstream received. A
 * preflight is answered by the gateway and the upstream receives nothing; an actual request reaches
 * the upstream as sent (its {@code Origin} included), and the upstream's own
 * {@code Access-Control-Allow-Origin: *} never reaches the client.
 */
class CorsOverSocketsTest {
  private static final String APP = "https://app.example.com";
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static final Map<Mount, Mount.Running> mounts = new EnumMap<>(Mount.class);

  @BeforeAll
  static void start() throws Exception {
    upstream = RawUpstream.start().answer("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n"
        + "Access-Control-Allow-Credentials: true\r\nVary: Accept-Encoding\r\nContent-Length: 2\r\n\r\nok");
    gateway = Gateway.builder()
        .cors(Cors.allowOrigins(APP, "https://*.example.com").allowHeaders("Content-Type").allowCredentials(true)
            .maxAge(Duration.ofMinutes(10)))
        .route("orders", r -> r.path("/orders/**").methods("GET", "POST").upstream(upstream.url()))
        .route("legacy", r -> r.path("/legacy/**").cors(Cors.none()).upstream(upstream.url()))
        .build();
    for (Mount m : Mount.values()) {
      mounts.put(m, m.start(gateway));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    mounts.values().forEach(Mount.Running::close);
    gateway.close();
    upstream.close();
  }

  /** The head lines a table cell names, {@code &}-separated, {@code {o}} for the allowed origin. */
  private static String headers(String cell) {
    if (cell == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (String line : cell.split("&")) {
      b.append(line.strip().replace("{o}", APP)).append("\r\n");
    }
    return b.toString();
  }

  @ParameterizedTest(name = "[{index}] {0} {1} [{2}] -> {3}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      // method | path | request headers | status | Allow-Origin | Vary | upstream request line & header lines (NONE: nothing)
      "OPTIONS  | /orders/1 | Origin: {o} & Access-Control-Request-Method: POST & Access-Control-Request-Headers: content-type | 204 | {o} | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: https://a.b.example.com & Access-Control-Request-Method: GET           | 204 | https://a.b.example.com | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: https://evil.example.net & Access-Control-Request-Method: POST          | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: https://app.example.com.evil.net & Access-Control-Request-Method: POST  | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: https://evilexample.com & Access-Control-Request-Method: POST           | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: null & Access-Control-Request-Method: POST                              | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: {o} & Access-Control-Request-Method: POST & Access-Control-Request-Headers: x-secret | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: {o} & Access-Control-Request-Method: POST & Access-Control-Request-Headers: a;b | 400 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: {o} & Access-Control-Request-Method: GET & Access-Control-Request-Headers: Content-Type ,CONTENT-TYPE | 204 | {o} | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: {o} & Access-Control-Request-Method: GET & Access-Control-Request-Headers: content-type & Access-Control-Request-Headers: x-secret | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: {o} & Origin: {o} & Access-Control-Request-Method: GET | 403 | NONE | Origin, Access-Control-Request-Method, Access-Control-Request-Headers | NONE",
      "OPTIONS  | /orders/1 | Origin: {o} & Access-Control-Request-Method: DELETE                             | 405 | NONE | NONE | NONE",
      "GET      | /orders/1 | Origin: {o}                                                                    | 200 | {o}  | Accept-Encoding, Origin | GET /orders/1 & Origin: {o}",
      "GET      | /orders/1 | Origin: https://evil.example.net                                               | 200 | NONE | Accept-Encoding, Origin | GET /orders/1 & Origin: https://evil.example.net",
      "GET      | /orders/1 | NONE                                                                           | 200 | NONE | Accept-Encoding, Origin | GET /orders/1",
      "POST     | /orders/1 | Origin: {o} & Content-Length: 0                                                 | 200 | {o}  | Accept-Encoding, Origin | POST /orders/1 & Origin: {o}",
      "OPTIONS  | /legacy/x | Origin: {o} & Access-Control-Request-Method: GET                                | 200 | *    | Accept-Encoding | OPTIONS /legacy/x & Access-Control-Request-Method: GET & Origin: {o}"})
  void preflights_stop_at_the_gateway_and_actual_requests_reach_the_upstream_as_sent(String method, String path,
      String requestHeaders, int status, String allowOrigin, String vary, String upstreamLine) throws Exception {
    for (Mount mount : Mount.values()) {
      int before = upstream.requests().size();
      String sent = headers(requestHeaders);
      try (RawHttp client = RawHttp.connect(mounts.get(mount).port())) {
        client.send(method + " " + mount.target(path) + " HTTP/1.1\r\nHost: gw\r\n" + sent + "\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).as("%s", mount).isEqualTo(status);
        assertThat(head.first("Access-Control-Allow-Origin").orElse(null)).as("%s ACAO", mount)
            .isEqualTo(allowOrigin == null ? null : allowOrigin.replace("{o}", APP));
        assertThat(head.all("Access-Control-Allow-Origin")).as("%s one ACAO", mount).hasSizeLessThanOrEqualTo(1);
        assertThat(head.first("Vary").orElse(null)).as("%s Vary", mount).isEqualTo(vary);
        // credentials go with an allowed origin (on the legacy route, the upstream's own pair)
        assertThat(head.first("Access-Control-Allow-Credentials").orElse(null)).as("%s ACAC", mount)
            .isEqualTo(allowOrigin == null ? null : "true");
        assertThat(head.first("Access-Control-Max-Age").orElse(null)).as("%s Max-Age", mount)
            .isEqualTo(status == 204 ? "600" : null);
        if (status != 204) {
          client.readBody(head);
        }
        assertThat(client.closedWithin(150)).as("%s closed", mount).isFalse();
      }
      List<String> arrived = List.copyOf(upstream.requests().subList(before, upstream.requests().size()));
      if (upstreamLine == null) {
        assertThat(arrived).as("%s upstream", mount).isEmpty();
      } else {
        // the request line, then the client's own header lines in the order Undertow passes them on
        String[] requestAndHeaders = upstreamLine.split("&", 2);
        String[] methodAndPath = requestAndHeaders[0].strip().split(" ");
        String expected = UpstreamBytes.forwarded(mount, upstream.url(), methodAndPath[0], methodAndPath[1],
            sent.contains("Content-Length: 0"));
        String clientLines = requestAndHeaders.length == 1 ? "" : headers(requestAndHeaders[1]);
        String withClientHeaders = expected.replaceFirst("\r\nX-Forwarded-For:",
            Matcher.quoteReplacement("\r\n" + clientLines + "X-Forwarded-For:"));
        assertThat(arrived).as("%s upstream", mount).extracting(UpstreamBytes::comparable)
            .containsExactly(withClientHeaders);
      }
    }
  }
}
