package io.gatehouse.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedInTomcatTest {
  @TempDir
  Path baseDir;
  private Gateway gateway;
  private Tomcat app;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    gateway = Gateway.builder()
        .route("hello", r -> r.path("/hello/{name}").respond(200, "text/plain", "hello from the gateway"))
        .build();
    app = EmbeddedInTomcat.application(gateway, 0, baseDir);
    app.start();
  }

  @AfterEach
  void stop() throws Exception {
    app.stop();
    app.destroy();
    gateway.close();
  }

  @Test
  void the_gateway_answers_under_its_prefix_and_the_app_beside_it() throws Exception {
    assertThat(get("/gw/hello/you").body()).isEqualTo("hello from the gateway");
    assertThat(get("/").body()).isEqualTo("the application's own page");
    HttpResponse<String> nowhere = get("/gw/nowhere");
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(nowhere.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(nowhere.body()).contains("no route matches GET /gw/nowhere");
  }

  private HttpResponse<String> get(String path) throws Exception {
    int port = app.getConnector().getLocalPort();
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
