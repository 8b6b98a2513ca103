package io.gatehouse.undertow;

import static io.gatehouse.undertow.RawH2Upstream.data;
import static io.gatehouse.undertow.RawH2Upstream.headers;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamTls;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an HTTP/2 upstream's response must be to pass the gateway, now that no HTTP/1.1 framing
 * guard stands in front of it: frames written by hand ({@link RawH2Upstream}) with the fields and
 * lengths a well-behaved server never sends. Each row checks what the client got, and that the
 * gateway still answers the next request.
 */
class Http2UpstreamResponsesTest {
  private static final TestPki PKI = TestPki.shared();

  static Stream<Arguments> responses() {
    return Stream.of(
        Arguments.of("a body of its Content-Length", List.of(headers(false, "content-length", "5"), data("hello", true)), "200 hello"),
        Arguments.of("a body without Content-Length", List.of(headers(false), data("hel", false), data("lo", true)), "200 hello"),
        Arguments.of("a bodiless 204", List.of(new RawH2Upstream.Frame((byte) 1, 0x5, new byte[] {(byte) 0x89})), "204 "),
        Arguments.of("two Content-Length fields", List.of(headers(false, "content-length", "5", "content-length", "5"),
            data("hello", true)), "502"),
        Arguments.of("a Content-Length that is not a number", List.of(headers(false, "content-length", "+5"), data("hello", true)), "502"),
        Arguments.of("a CR LF inside a field value", List.of(headers(false, "x-a", "1\r\nset-cookie: pwned=1"), data("hello", true)), "502"),
        Arguments.of("a NUL inside a field value", List.of(headers(false, "x-a", "1\0"), data("hello", true)), "502"),
        Arguments.of("an upper-case field name", List.of(headers(false, "X-Upper", "1"), data("hello", true)), "502"),
        Arguments.of("a Content-Length and no body", List.of(headers(true, "content-length", "5")), "502"),
        Arguments.of("a body longer than its Content-Length", List.of(headers(false, "content-length", "5"),
            data("hello world", true)), "cut"),
        Arguments.of("a body longer than its Content-Length, in two frames", List.of(headers(false, "content-length", "5"),
            data("hello", false), data(" world", true)), "cut after 5"),
        Arguments.of("a body shorter than its Content-Length", List.of(headers(false, "content-length", "5"), data("hi", true)), "cut"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("responses")
  void an_http2_response_passes_only_when_its_framing_is_exact(String name, List<RawH2Upstream.Frame> frames, String outcome)
      throws Exception {
    try (RawH2Upstream upstream = RawH2Upstream.start(TlsUpstream.context(TestPki.SERVER), frames);
        Gateway gateway = Gateway.builder()
            .route("h2", r -> r.path("/**").upstream(Upstream.of(upstream.url()).http2(true).tls(UpstreamTls.trustedCas(PKI.caPem("ca")))))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      for (int i = 0; i < 2; i++) { // the second time on a new or reused connection: the gateway keeps serving
        HttpResponse<String> response;
        try {
          response = Servers.CLIENT.send(Servers.request(server.port(), "/x").build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
          assertThat(outcome).as("the client's connection was cut: " + e).startsWith("cut");
          continue;
        }
        switch (outcome) {
          case "502" -> {
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("the upstream sent an invalid response");
          }
          // A cut body may also turn into a 502 when the failure comes before the head went out.
          case "cut" -> assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
          // The first frame fills the Content-Length and may reach the client, whole, before the
          // excess arrives; the excess never does.
          case "cut after 5" -> {
            if (response.statusCode() == 200) {
              assertThat(response.body()).isEqualTo("hello");
            } else {
              assertThat(response.statusCode()).isEqualTo(502);
            }
          }
          default -> {
            assertThat(response.statusCode() + " " + response.body()).isEqualTo(outcome);
            assertThat(response.headers().allValues("set-cookie")).isEmpty();
          }
        }
      }
      assertThat(upstream.requests()).isEqualTo(2);
    }
  }
}
