package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link GatehouseFilter} (PASS_THROUGH, in front of an application in context {@code /ctx}) on
 * Tomcat switches a WebSocket route's connection as the servlet does: the switch runs on the
 * filter's ASYNC dispatch. What no route matches still reaches the application.
 */
class FilterWebSocketTest {

  @Test
  void a_web_socket_route_behind_the_filter_switches_and_the_application_keeps_its_paths() throws Exception {
    Undertow echo = Undertow.builder().addHttpListener(0, "127.0.0.1")
        .setHandler(Handlers.websocket((exchange, channel) -> {
          channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
              WebSockets.sendText(exchange.getRequestURI() + " " + message.getData(), ch, null);
            }
          });
          channel.resumeReceives();
        }))
        .build();
    echo.start();
    int echoPort = ((InetSocketAddress) echo.getListenerInfo().get(0).getAddress()).getPort();
    try (Gateway gateway = Gateway.builder().accessLog(false)
        .route("ws", r -> r.path("/ws/**").webSocket().upstream("http://127.0.0.1:" + echoPort)).build()) {
      AppServlet app = new AppServlet();
      GatehouseFilter filter = GatehouseFilter.builder(gateway).onNoRoute(NoRoute.PASS_THROUGH).build();
      try (Container.Running tomcat = Container.TOMCAT.start(
          new Container.Deployment("/ctx", Map.of("/", app), Map.of("/*", filter)))) {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        HttpClient client = HttpClient.newHttpClient();
        WebSocket ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
            .buildAsync(URI.create("ws://127.0.0.1:" + tomcat.port() + "/ctx/ws/chat"), new WebSocket.Listener() {
              @Override
              public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                got.add(data.toString());
                w.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
                got.add("pong:" + StandardCharsets.UTF_8.decode(message));
                w.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
              }
            }).join();
        ws.sendText("hello", true).join();
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("/ws/chat hello");
        ws.sendPing(ByteBuffer.wrap("p".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("pong:p");
        ws.sendClose(4001, "bye").join();
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(4001);

        HttpResponse<String> page = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + tomcat.port() + "/ctx/page")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("from the app: /page");
      }
    } finally {
      echo.stop();
    }
  }
}
