package io.gatehouse.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedInUndertowTest {
  private Gateway gateway;
  private Undertow app;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    gateway = Gateway.builder()
        .route("hello", r -> r.path("/hello/{name}").respond(200, "text/plain", "hello from the gateway"))
        .build();
    app = EmbeddedInUndertow.application(gateway, 0);
    app.start();
  }

  @AfterEach
  void stop() {
    app.stop();
    gateway.close();
  }

  @Test
  void the_gateway_answers_under_its_prefix_and_the_app_beside_it() throws Exception {
    assertThat(get("/gw/hello/you").body()).isEqualTo("hello from the gateway");
    assertThat(get("/").body()).isEqualTo("the application's own page");
    assertThat(get("/gw/nowhere").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(String path) throws Exception {
    int port = ((InetSocketAddress) app.getListenerInfo().get(0).getAddress()).getPort();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
