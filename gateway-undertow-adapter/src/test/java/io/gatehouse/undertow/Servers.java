package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;

/** Test plumbing: a server on an ephemeral loopback port and a client for it. */
final class Servers {
  static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Servers() {}

  static GatewayServer start(Gateway gateway) {
    return UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).start();
  }

  static HttpRequest.Builder request(int port, String target) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target)).timeout(Duration.ofSeconds(30));
  }
}
