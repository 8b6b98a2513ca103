package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.testing.adapter.AdapterMount;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * On Jetty 12.1 (ee10) the servlet adapter does not switch connections (see
 * {@link ServletExchange#canSwitch}): a WebSocket route answers an upgrade with 400 at once,
 * never a 101 and never a hang, and the upstream is never asked. Tomcat runs the whole WebSocket
 * suite ({@link TomcatWebSocketOverSocketsTest}).
 */
class JettyWebSocketRefusalTest {
  private static final String UPGRADE = "GET /gw/ws/x HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  @Test
  void a_web_socket_upgrade_gets_400_and_never_reaches_the_upstream() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Gateway gateway = Gateway.builder().accessLog(false)
            .route("ws", r -> r.path("/ws/**").webSocket().upstream("http://127.0.0.1:" + upstream.getLocalPort()))
            .build()) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            upstream.accept().close();
            accepted.incrementAndGet();
          }
        } catch (java.io.IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      AdapterMount.Running jetty = new ServletMounts.Jetty().start(gateway);
      try {
        try (Socket s = new Socket("127.0.0.1", jetty.port())) {
          s.setSoTimeout(5_000);
          s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
          String head = readHead(s.getInputStream());
          assertThat(head).startsWith("HTTP/1.1 400 ").contains("application/problem+json")
              .doesNotContain("Sec-WebSocket-Accept");
        }
        HttpClient client = HttpClient.newHttpClient();
        assertThatThrownBy(() -> client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create("ws://127.0.0.1:" + jetty.port() + "/gw/ws/y"), new java.net.http.WebSocket.Listener() {})
            .join())
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(accepted.get()).as("the upstream is never asked").isZero();
      } finally {
        jetty.close();
      }
    }
  }

  private static String readHead(InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }
}
