package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Request;
import io.gatehouse.testing.raw.RawHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestMappingTest {
  private final TestGateway gateway = TestGateway.text(200, "ok");
  private GatewayServer server;

  @BeforeEach
  void start() {
    server = Servers.start(gateway);
  }

  @AfterEach
  void stop() {
    server.stop(Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "<none>", value = {
      "/a%20b/c?x=1&y=%2F | /a%20b/c    | x=1&y=%2F",
      "/a%2Fb            | /a%2Fb      | <none>",
      "/caf%C3%A9        | /caf%C3%A9  | <none>",
      "/a/../b/./c       | /a/../b/./c | <none>",
      "/a;v=1/b?q        | /a;v=1/b    | q",
      "/plus+sign?a+b=c+d | /plus+sign | a+b=c+d",
      "/                 | /           | <none>",
      "/x?               | /x          | <none>",
  })
  void passes_the_raw_path_and_query_as_received(String target, String path, String query) throws Exception {
    try (RawHttp c = RawHttp.connect(server.port())) {
      c.send("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
      assertThat(c.readHead().status()).isEqualTo(200);
    }
    Request seen = gateway.lastRequest();
    assertThat(seen.path()).isEqualTo(path);
    assertThat(seen.rawQuery()).isEqualTo(Optional.ofNullable(query));
  }

  @Test
  void takes_the_path_of_an_absolute_form_target() throws Exception {
    try (RawHttp c = RawHttp.connect(server.port())) {
      c.send("GET http://example.com:8080/p%41th/x?q=%20 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n");
      assertThat(c.readHead().status()).isEqualTo(200);
    }
    Request seen = gateway.lastRequest();
    assertThat(seen.path()).isEqualTo("/p%41th/x");
    assertThat(seen.rawQuery()).contains("q=%20");
  }

  @Test
  void passes_method_headers_peer_and_scheme() throws Exception {
    try (RawHttp c = RawHttp.connect(server.port())) {
      c.send("PURGE /h HTTP/1.1\r\nHost: t\r\nX-Multi: one\r\nAccept: text/plain\r\nx-multi: two\r\n"
          + "X-Empty:\r\nX-Multi: three, four\r\n\r\n");
      assertThat(c.readHead().status()).isEqualTo(200);
      Request seen = gateway.lastRequest();
      assertThat(seen.method()).isEqualTo("PURGE");
      assertThat(seen.headers().all("X-Multi")).containsExactly("one", "two", "three, four");
      assertThat(seen.headers().first("accept")).contains("text/plain");
      assertThat(seen.headers().first("Host")).contains("t");
      assertThat(seen.headers().first("X-Empty")).contains("");
      assertThat(seen.remoteAddress().getPort()).isEqualTo(c.socket().getLocalPort());
      assertThat(seen.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
      assertThat(seen.scheme()).isEqualTo("http");
      assertThat(seen.body().isEmpty()).isTrue();
    }
  }

  @Test
  void gives_a_body_its_declared_length_and_streams_chunked_bodies_with_unknown_length() throws Exception {
    Servers.CLIENT.send(Servers.request(server.port(), "/len")
        .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(gateway.lastRequest().body().contentLength()).hasValue(5);

    try (RawHttp c = RawHttp.connect(server.port())) {
      c.send("POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
      assertThat(c.readHead().status()).isEqualTo(200);
    }
    assertThat(gateway.lastRequest().body().contentLength()).isEmpty();

    try (RawHttp c = RawHttp.connect(server.port())) {
      c.send("POST /zero HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
      assertThat(c.readHead().status()).isEqualTo(200);
    }
    Request zero = gateway.lastRequest();
    assertThat(zero.body().contentLength()).hasValue(0);
    assertThat(zero.body().inMemory()).isPresent(); // Body.empty()
  }
}
