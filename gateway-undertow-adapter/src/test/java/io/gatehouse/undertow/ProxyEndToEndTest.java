package io.gatehouse.undertow;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RefusingPort;
import io.undertow.Undertow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole gateway over real sockets: client, Undertow adapter, compiled gateway, httpclient5, real upstreams. */
class ProxyEndToEndTest {
  private final WireMockServer wireMock = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort());
  private Gateway gateway;
  private GatewayServer server;

  @BeforeEach
  void startWireMock() {
    wireMock.start();
    wireMock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
        .withHeader("X-Upstream", "wiremock").withHeader("Connection", "X-Hop").withHeader("X-Hop", "secret").withBody("ok")));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
    if (gateway != null) {
      gateway.close();
    }
    wireMock.stop();
  }

  private void start(Consumer<Gateway.Builder> routes) {
    Gateway.Builder builder = Gateway.builder();
    routes.accept(builder);
    gateway = builder.build();
    server = Servers.start(gateway);
  }

  private HttpResponse<String> get(String target) throws Exception {
    return Servers.CLIENT.send(Servers.request(server.port(), target).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void method_path_query_headers_and_body_reach_the_upstream_cleaned_and_forwarded() throws Exception {
    start(b -> b.route("orders", r -> r.path("/api/orders/**").stripPrefix(1).upstream(wireMock.baseUrl() + "/v2")));
    HttpResponse<String> res = Servers.CLIENT.send(Servers.request(server.port(), "/api//orders/./7?b=2&a=%20x")
        .header("X-Request-Id", "e2e-1").header("X-Forwarded-For", "6.6.6.6").header("Accept", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("ok");
    assertThat(res.headers().firstValue("X-Upstream")).contains("wiremock");
    assertThat(res.headers().firstValue("X-Hop")).isEmpty();
    wireMock.verify(postRequestedFor(urlEqualTo("/v2/orders/7?b=2&a=%20x"))
        .withHeader("X-Request-Id", equalTo("e2e-1"))
        .withHeader("X-Forwarded-For", equalTo("127.0.0.1"))
        .withHeader("X-Forwarded-Proto", equalTo("http"))
        .withHeader("X-Forwarded-Host", equalTo("127.0.0.1:" + server.port()))
        .withHeader("Forwarded", equalTo("for=127.0.0.1;proto=http;host=\"127.0.0.1:" + server.port() + "\""))
        .withHeader("Host", equalTo(wireMock.baseUrl().substring("http://".length())))
        .withHeader("Accept", equalTo("text/plain"))
        .withHeader("User-Agent", matching("Java-http-client/.*"))
        .withoutHeader("Upgrade")
        .withRequestBody(equalTo("hello")));
  }

  @Test
  void hop_by_hop_request_headers_do_not_reach_the_upstream() throws Exception {
    start(b -> b.route("all", r -> r.path("/**").upstream(wireMock.baseUrl())));
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /hop HTTP/1.1\r\nHost: gw\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\n"
          + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic Zm9v\r\nProxy-Connection: keep-alive\r\n"
          + "X-Kept: yes\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readStatusLine(socket.getInputStream())).startsWith("HTTP/1.1 200");
    }
    wireMock.verify(anyRequestedFor(urlEqualTo("/hop"))
        .withHeader("X-Kept", equalTo("yes"))
        .withHeader("X-Secret", absent())
        .withHeader("Keep-Alive", absent())
        .withHeader("TE", absent())
        .withHeader("Proxy-Authorization", absent())
        .withHeader("Proxy-Connection", absent()));
  }

  @Test
  void a_refused_connection_is_502_and_the_gateway_keeps_serving() throws Exception {
    try (RefusingPort closed = RefusingPort.open()) {
      start(b -> b
          .route("dead", r -> r.path("/dead").upstream(closed.url().toString()))
          .route("alive", r -> r.path("/alive").upstream(wireMock.baseUrl())));
      HttpResponse<String> res = get("/dead");
      assertThat(res.statusCode()).isEqualTo(502);
      assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(res.body()).contains("\"status\":502", "\"requestId\":");
      assertThat(get("/alive").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void an_upstream_silent_past_the_route_timeout_is_504() throws Exception {
    try (RawUpstream silent = RawUpstream.silent()) {
      start(b -> b.route("slow", r -> r.path("/slow").responseTimeout(Duration.ofMillis(300)).upstream(silent.url())));
      HttpResponse<String> res = get("/slow");
      assertThat(res.statusCode()).isEqualTo(504);
      assertThat(res.body()).contains("\"status\":504");
    }
  }

  @Test
  void a_malformed_upstream_response_is_502() throws Exception {
    try (RawUpstream garbage = RawUpstream.answering("this is not HTTP\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
      start(b -> b.route("bad", r -> r.path("/bad").upstream(garbage.url())));
      assertThat(get("/bad").statusCode()).isEqualTo(502);
    }
  }

  @Test
  void an_upstream_that_closes_before_answering_is_502() throws Exception {
    try (RawUpstream closing = RawUpstream.answering(new byte[0])) {
      start(b -> b.route("reset", r -> r.path("/reset").upstream(closing.url())));
      assertThat(get("/reset").statusCode()).isEqualTo(502);
    }
  }

  @Test
  void a_client_that_goes_away_cancels_the_upstream_exchange() throws Exception {
    CountDownLatch requestArrived = new CountDownLatch(1);
    CountDownLatch upstreamSawEndOfStream = new CountDownLatch(1);
    try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread upstream = new Thread(() -> {
        try (Socket s = hanging.accept()) {
          s.setSoTimeout(20_000);
          InputStream in = s.getInputStream();
          byte[] buffer = new byte[4096];
          if (in.read(buffer) > 0) {
            requestArrived.countDown();
          }
          // Never answers; reads until the gateway closes its side.
          while (in.read(buffer) >= 0) {
            // keep reading
          }
          upstreamSawEndOfStream.countDown();
        } catch (IOException e) {
          upstreamSawEndOfStream.countDown();
        }
      }, "hanging-upstream");
      upstream.setDaemon(true);
      upstream.start();
      start(b -> b.route("hang", r -> r.path("/hang").responseTimeout(Duration.ofMinutes(5))
          .upstream("http://127.0.0.1:" + hanging.getLocalPort())));
      try (Socket client = new Socket("127.0.0.1", server.port())) {
        client.getOutputStream().write("GET /hang HTTP/1.1\r\nHost: gw\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        assertThat(requestArrived.await(10, TimeUnit.SECONDS)).as("the upstream saw the request").isTrue();
      }
      assertThat(upstreamSawEndOfStream.await(10, TimeUnit.SECONDS))
          .as("the gateway closed the upstream connection after the client left").isTrue();
      upstream.join(5000);
    }
  }

  @Test
  void the_upstream_connection_is_kept_alive_across_requests() throws Exception {
    Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    Undertow recording = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(exchange -> {
      clientPorts.add(exchange.getSourceAddress().getPort());
      exchange.getResponseSender().send("ok");
    }).build();
    recording.start();
    try {
      int port = ((InetSocketAddress) recording.getListenerInfo().get(0).getAddress()).getPort();
      start(b -> b.route("all", r -> r.path("/**").upstream("http://127.0.0.1:" + port)));
      for (int i = 0; i < 5; i++) {
        assertThat(get("/k" + i).body()).isEqualTo("ok");
        // The client may have the whole response before the upstream connection is back in the
        // pool (that happens on the upstream client's thread): wait, bounded, until it is.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (gateway.connectionPool().map(p -> p.leased() > 0 || p.available() == 0).orElse(false)
            && System.nanoTime() < until) {
          Thread.sleep(5);
        }
      }
      assertThat(clientPorts).as("the gateway's source ports toward the upstream").hasSize(1);
    } finally {
      recording.stop();
    }
  }

  private static String readStatusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
      line.append((char) c);
    }
    return line.toString().trim();
  }

  /** A loopback server that hands each accepted socket to a script, and closes them all at the end. */
  private static final class RawUpstream implements AutoCloseable {
    interface Script {
      void run(Socket socket) throws IOException;
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    RawUpstream(Script script) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        try {
          while (!socket.isClosed()) {
            Socket s = socket.accept();
            accepted.add(s);
            s.setSoTimeout(5000);
            try {
              script.run(s);
            } catch (IOException e) {
              s.close();
            }
          }
        } catch (IOException closed) {
          // the test is over
        }
      }, "raw-upstream");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    /** Accepts and never answers. */
    static RawUpstream silent() throws IOException {
      return new RawUpstream(s -> { });
    }

    /** Reads the request head, writes fixed bytes, closes. */
    static RawUpstream answering(byte[] answer) throws IOException {
      return new RawUpstream(s -> {
        InputStream in = s.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int c; matched < 4 && (c = in.read()) != -1; ) {
          matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        s.getOutputStream().write(answer);
        s.getOutputStream().flush();
        s.close();
      });
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
      acceptor.join(5000);
    }
  }
}
