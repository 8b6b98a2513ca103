package io.gatehouse.impl;

import static io.gatehouse.impl.ConfigValidationTest.builder;
import static io.gatehouse.impl.ConfigValidationTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.route.WebSocket;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Upstream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;

/** A route's WebSocket settings at build(), and what its proxy terminal sends upstream, in memory. */
class WebSocketRouteTest {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  @Test
  void settings_reject_nonsense_at_once() {
    assertThatThrownBy(() -> WebSocket.of().idleTimeout(Duration.ZERO)).hasMessageContaining("idleTimeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> WebSocket.of().maxFrameSize(124)).hasMessageContaining("maxFrameSize: 124 (expected: >= 125)");
    assertThatThrownBy(() -> WebSocket.of().maxMessageSize(0)).hasMessageContaining("maxMessageSize: 0 (expected: >= 125)");
    assertThat(WebSocket.of().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(WebSocket.of().maxFrameSize()).isEqualTo(16L << 20);
    assertThat(WebSocket.of().maxMessageSize(1000)).isEqualTo(WebSocket.of().maxMessageSize(1000))
        .isNotEqualTo(WebSocket.of());
  }

  @Test
  void a_web_socket_route_needs_plain_http_upstreams_no_mirror_and_an_upstream() {
    GatewayConfigException e = failure(builder()
        .route("tls", r -> r.path("/a").webSocket().upstream(Upstream.of("https://chat:8443", "http://chat-2:80")))
        .route("copied", r -> r.path("/b").webSocket().mirror(Mirror.to(Upstream.of("http://shadow:1"))).upstream("http://c:1"))
        .route("static", r -> r.path("/c").webSocket().respond(200, "text/plain", "x")));
    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "route 'tls': webSocket: upstream 'https://chat:8443' is https (expected: http upstreams;"
            + " WebSocket over TLS to upstreams is not supported yet)",
        "route 'copied': webSocket: set together with a mirror (expected: one or the other; a session cannot be copied)",
        "route 'static': webSocket: set on a route that answers by itself (expected: only on routes with an upstream)");
  }

  /** A client tunnel that never emits (the in-memory side of an adapter's switched connection). */
  private static Flow.Publisher<ByteBuffer> tunnel() {
    return new SubmissionPublisher<>();
  }

  private static Request.Builder upgrade(String path) {
    return Request.builder("GET", path)
        .header("Upgrade", "websocket").header("Connection", "keep-alive, Upgrade")
        .header("Sec-WebSocket-Key", KEY).header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Protocol", "chat, superchat")
        .header("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")
        .tunnel(tunnel());
  }

  @Test
  void the_upstream_gets_the_upgrade_with_the_tunnel_and_without_extensions() {
    List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    try (Gateway gateway = Gateway.builder().accessLog(false)
        .transport(call -> {
          calls.add(call);
          return CompletableFuture.completedFuture(Response.builder(403).body(Body.of("no")).build());
        })
        .route("ws", r -> r.path("/ws").webSocket().upstream("http://chat:1"))
        .route("plain", r -> r.path("/plain").upstream("http://chat:1"))
        .build()) {
      Response denied = gateway.handle(upgrade("/ws").build()).toCompletableFuture().join();
      assertThat(denied.status()).as("the upstream's refusal passes back").isEqualTo(403);
      Request sent = calls.get(0).request();
      assertThat(sent.headers().all("Upgrade")).containsExactly("websocket");
      assertThat(sent.headers().all("Connection")).containsExactly("Upgrade");
      assertThat(sent.headers().first("Sec-WebSocket-Key")).contains(KEY);
      assertThat(sent.headers().first("Sec-WebSocket-Protocol")).contains("chat, superchat");
      assertThat(sent.headers().contains("Sec-WebSocket-Extensions")).isFalse();
      assertThat(sent.tunnel()).isPresent();

      gateway.handle(upgrade("/plain").build()).toCompletableFuture().join();
      Request plain = calls.get(1).request();
      assertThat(plain.headers().contains("Upgrade")).as("no opt-in: stripped as hop-by-hop").isFalse();
      assertThat(plain.headers().contains("Connection")).isFalse();
      assertThat(plain.tunnel()).as("no opt-in: the request is an ordinary one").isEmpty();
    }
  }

  @Test
  void an_upgrade_the_connection_cannot_carry_gets_400_and_never_reaches_the_upstream() {
    List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    try (Gateway gateway = Gateway.builder().accessLog(false)
        .transport(call -> {
          calls.add(call);
          return CompletableFuture.completedFuture(Response.of(200));
        })
        .route("ws", r -> r.path("/ws").webSocket().upstream("http://chat:1"))
        .build()) {
      // What an HTTP/2 request or an adapter that cannot switch connections hands over: no tunnel.
      Request noTunnel = upgrade("/ws").noTunnel().build();
      Response r = gateway.handle(noTunnel).toCompletableFuture().join();
      assertThat(r.status()).isEqualTo(400);
      assertThat(new String(r.body().bytes(10_000).toCompletableFuture().join()))
          .contains("this connection cannot switch protocols (expected: HTTP/1.1; WebSocket over HTTP/2 is not supported)");
      // A plain GET on the same route is proxied as usual.
      assertThat(gateway.handle(Request.builder("GET", "/ws").build()).toCompletableFuture().join().status()).isEqualTo(200);
      assertThat(calls).hasSize(1);
    }
  }

  @Test
  void an_upgrade_on_a_cached_route_goes_past_the_cache_to_the_upstream() {
    List<UpstreamCall> calls = new CopyOnWriteArrayList<>();
    try (Gateway gateway = Gateway.builder().accessLog(false)
        .transport(call -> {
          calls.add(call);
          return CompletableFuture.completedFuture(Response.builder(200).header("Cache-Control", "public, max-age=600")
              .header("Content-Type", "text/plain").body(Body.of("the page")).build());
        })
        .route("ws", r -> r.path("/ws").webSocket().cache(io.gatehouse.cache.ResponseCache.shared("pages")).upstream("http://chat:1"))
        .build()) {
      assertThat(gateway.handle(Request.builder("GET", "/ws").build()).toCompletableFuture().join().status()).isEqualTo(200);
      assertThat(gateway.handle(Request.builder("GET", "/ws").build()).toCompletableFuture().join().headers().first("Cache-Status"))
          .as("a plain GET is answered from the cache").hasValueSatisfying(v -> assertThat(v).contains("hit"));
      assertThat(calls).hasSize(1);

      gateway.handle(upgrade("/ws").build()).toCompletableFuture().join();

      assertThat(calls).as("the upgrade reached the upstream").hasSize(2);
      assertThat(calls.get(1).request().tunnel()).isPresent();
      assertThat(calls.get(1).request().headers().all("Upgrade")).containsExactly("websocket");
    }
  }

  @Test
  void an_upstream_101_that_does_not_answer_the_key_gets_502() {
    try (Gateway gateway = Gateway.builder().accessLog(false)
        .transport(call -> CompletableFuture.completedFuture(Response.builder(101)
            .header("Upgrade", "websocket").header("Connection", "Upgrade")
            .header("Sec-WebSocket-Accept", "bm90IHRoZSByaWdodCBvbmU=")
            .body(Body.ofPublisher(new SubmissionPublisher<>(), -1)).build()))
        .route("ws", r -> r.path("/ws").webSocket().upstream("http://chat:1"))
        .build()) {
      Response r = gateway.handle(upgrade("/ws").build()).toCompletableFuture().join();
      assertThat(r.status()).isEqualTo(502);
      assertThat(new String(r.body().bytes(10_000).toCompletableFuture().join()))
          .contains("Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU= (expected: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=)");
    }
  }

  @Test
  void an_upstream_101_with_an_unoffered_subprotocol_or_an_extension_gets_502() {
    for (String[] extra : new String[][] {{"Sec-WebSocket-Protocol", "other"}, {"Sec-WebSocket-Extensions", "permessage-deflate"}}) {
      try (Gateway gateway = Gateway.builder().accessLog(false)
          .transport(call -> CompletableFuture.completedFuture(Response.builder(101)
              .header("Upgrade", "websocket").header("Connection", "Upgrade")
              .header("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").header(extra[0], extra[1])
              .body(Body.ofPublisher(new SubmissionPublisher<>(), -1)).build()))
          .route("ws", r -> r.path("/ws").webSocket().upstream("http://chat:1"))
          .build()) {
        Response r = gateway.handle(upgrade("/ws").build()).toCompletableFuture().join();
        assertThat(r.status()).as(extra[0]).isEqualTo(502);
      }
    }
  }
}
