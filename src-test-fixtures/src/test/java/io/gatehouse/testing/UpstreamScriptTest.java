package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One script, two upstreams: what a {@code Consumer<UpstreamScript>} makes a {@link StubUpstream}
 * answer in memory, it makes an {@link UpstreamServer} answer over a real socket, as the gateway's
 * client sees it (status, content type, body) and as the upstream recorded it.
 */
class UpstreamScriptTest {
  private static final String ORIGIN = "http://orders:8080";
  private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(300);

  /** An answer as the client of the gateway got it. */
  record Seen(int status, String contentType, String body) {
    static Seen of(int status, String contentType, String body) {
      return new Seen(status, contentType, body);
    }
  }

  /** Where the script runs: a gateway in front of the scripted upstream. */
  enum Medium {
    IN_MEMORY {
      @Override
      Upstream start(Consumer<UpstreamScript> script) {
        GatewayTester tester = GatewayTester.of(Gateway.builder()
            .route("orders", r -> r.path("/**").upstream(ORIGIN).responseTimeout(RESPONSE_TIMEOUT)));
        StubUpstream stub = tester.upstream(ORIGIN).script(script);
        return new Upstream() {
          @Override
          public Seen send(String method, String path) {
            TestResponse res = tester.request(method, path).send();
            return Seen.of(res.status(), res.header("Content-Type").orElse(""), res.body());
          }

          @Override
          public List<RecordedRequest> received() {
            return stub.received();
          }

          @Override
          public void close() {
            tester.close();
          }
        };
      }
    },
    OVER_A_SOCKET {
      @Override
      Upstream start(Consumer<UpstreamScript> script) {
        UpstreamServer server = UpstreamServer.start().script(script);
        Gateway gateway = Gateway.builder()
            .route("orders", r -> r.path("/**").upstream(server.url()).responseTimeout(RESPONSE_TIMEOUT))
            .build();
        return new Upstream() {
          @Override
          public Seen send(String method, String path) throws Exception {
            Response res = gateway.handle(Request.builder(method, path).header("Host", "gateway.test").build())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
            byte[] body = res.body().bytes(1 << 20).toCompletableFuture().get(5, TimeUnit.SECONDS);
            return Seen.of(res.status(), res.headers().first("Content-Type").orElse(""),
                new String(body, StandardCharsets.UTF_8));
          }

          @Override
          public List<RecordedRequest> received() {
            return server.received();
          }

          @Override
          public void close() {
            try {
              gateway.close();
            } finally {
              server.close();
            }
          }
        };
      }
    };

    abstract Upstream start(Consumer<UpstreamScript> script);
  }

  interface Upstream extends AutoCloseable {
    Seen send(String method, String path) throws Exception;

    List<RecordedRequest> received();

    @Override
    void close();
  }

  private final List<Upstream> started = new ArrayList<>();

  @AfterEach
  void close() {
    started.forEach(Upstream::close);
  }

  private Upstream start(Medium medium, Consumer<UpstreamScript> script) {
    Upstream upstream = medium.start(script);
    started.add(upstream);
    return upstream;
  }

  /** Standing answer, rules by method and path, one-shots first: written once for both. */
  private static final Consumer<UpstreamScript> ORDERS = script -> script
      .respond(200, "text/plain", "standing")
      .when("GET", "/orders/*").respond(200, "application/json", "{\"id\":7}")
      .when("POST", "/orders").respond(201, "created")
      .when("*", "/static/**").respondWith(req -> Response.builder(200).body(Body.of("static " + req.path())).build())
      .failNext(2, 503)
      .thenRespond(Response.builder(429).header("Content-Type", "text/plain").body(Body.of("slow down")).build());

  @ParameterizedTest
  @EnumSource(Medium.class)
  void the_same_script_gives_the_same_answers_in_order(Medium medium) throws Exception {
    Upstream upstream = start(medium, ORDERS);

    List<Seen> seen = new ArrayList<>();
    for (String request : List.of("GET /orders/7", "GET /orders/7", "GET /orders/7", "GET /orders/7",
        "POST /orders", "GET /static/a/b", "PUT /orders/7", "GET /orders/7/lines")) {
      String[] parts = request.split(" ");
      seen.add(upstream.send(parts[0], parts[1]));
    }

    assertThat(seen).containsExactly(
        Seen.of(503, "", ""),
        Seen.of(503, "", ""),
        Seen.of(429, "text/plain", "slow down"),
        Seen.of(200, "application/json", "{\"id\":7}"),
        Seen.of(201, "", "created"),
        Seen.of(200, "", "static /static/a/b"),
        Seen.of(200, "text/plain", "standing"),
        Seen.of(200, "text/plain", "standing"));
    assertThat(upstream.received()).extracting(r -> r.method() + " " + r.path()).containsExactly(
        "GET /orders/7", "GET /orders/7", "GET /orders/7", "GET /orders/7",
        "POST /orders", "GET /static/a/b", "PUT /orders/7", "GET /orders/7/lines");
  }

  /**
   * Every fault here reaches the server on a new connection (the one before it was reset, closed
   * or abandoned), so the gateway's client does not take a reset for a stale keep-alive
   * connection, which it would send once more.
   */
  @ParameterizedTest
  @EnumSource(Medium.class)
  void the_same_failures_give_the_same_statuses(Medium medium) throws Exception {
    Upstream upstream = start(medium, script -> script
        .respond(200, "fine")
        .thenFail(UpstreamException.Kind.CONNECTION_RESET)
        .thenFail(UpstreamException.Kind.PROTOCOL_ERROR)
        .thenFail(UpstreamException.Kind.RESPONSE_TIMEOUT)
        .resetNext(1)
        .when("DELETE", "/orders/*").fail(UpstreamException.Kind.CONNECTION_RESET));

    assertThat(upstream.send("GET", "/a").status()).as("a reset").isEqualTo(502);
    assertThat(upstream.send("GET", "/b").status()).as("not HTTP").isEqualTo(502);
    assertThat(upstream.send("GET", "/c").status()).as("silence").isEqualTo(504);
    assertThat(upstream.send("GET", "/d").status()).as("resetNext(1)").isEqualTo(502);
    assertThat(upstream.send("GET", "/e")).isEqualTo(Seen.of(200, "", "fine"));
    assertThat(upstream.received()).extracting(RecordedRequest::path).containsExactly("/a", "/b", "/c", "/d", "/e");
    // On a socket this DELETE comes on the kept-alive connection of /e: the gateway's client sends
    // it once more on a new connection, which the rule resets too.
    assertThat(upstream.send("DELETE", "/orders/7").status()).as("a rule's reset").isEqualTo(502);
  }

  @ParameterizedTest
  @EnumSource(Medium.class)
  void a_standing_failure_and_a_delay_fail_every_request_until_the_script_changes(Medium medium) throws Exception {
    List<UpstreamScript> scripts = new ArrayList<>();
    Upstream upstream = start(medium, scripts::add);
    UpstreamScript script = scripts.get(0);

    script.reset();
    assertThat(upstream.send("GET", "/reset").status()).isEqualTo(502);
    script.fail(UpstreamException.Kind.RESPONSE_TIMEOUT);
    assertThat(upstream.send("GET", "/silent").status()).isEqualTo(504);
    script.respond(200, "back").delay(RESPONSE_TIMEOUT.multipliedBy(5));
    assertThat(upstream.send("GET", "/late").status()).isEqualTo(504);
    script.delay(Duration.ZERO);
    assertThat(upstream.send("GET", "/now")).isEqualTo(Seen.of(200, "", "back"));
  }

  @Test
  void a_stub_and_a_server_hand_out_their_own_live_script() {
    try (GatewayTester tester = GatewayTester.of(Gateway.builder().route("r", r -> r.path("/**").upstream(ORIGIN)));
        UpstreamServer server = UpstreamServer.start()) {
      StubUpstream stub = tester.upstream(ORIGIN);
      assertThat(stub.script(s -> { }).script()).isSameAs(stub.script());
      assertThat(server.script(s -> { }).script()).isSameAs(server.script()).isNotSameAs(stub.script());

      stub.script().failNext(1, 503);
      assertThat(tester.get("/x").send().status()).isEqualTo(503);
      assertThat(tester.get("/x").send().status()).isEqualTo(200);
    }
  }

  @Test
  void a_server_refuses_a_failure_it_cannot_give_once_it_has_read_the_request_and_a_stub_gives_it() {
    Consumer<UpstreamScript> refused = script -> script.fail(UpstreamException.Kind.CONNECT_REFUSED);
    try (UpstreamServer server = UpstreamServer.start();
        GatewayTester tester = GatewayTester.of(Gateway.builder().route("r", r -> r.path("/**").upstream(ORIGIN)))) {
      for (UpstreamException.Kind kind : List.of(UpstreamException.Kind.CONNECT_REFUSED,
          UpstreamException.Kind.CONNECT_TIMEOUT, UpstreamException.Kind.POOL_EXHAUSTED,
          UpstreamException.Kind.REQUEST_BODY_FAILED)) {
        assertThatThrownBy(() -> server.fail(kind)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("kind: " + kind
                + " (expected: one of [RESPONSE_TIMEOUT, CONNECTION_RESET, PROTOCOL_ERROR];")
            .hasMessageContaining("use refuse()");
        assertThatThrownBy(() -> server.thenFail(kind)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.when("GET", "/x").fail(kind)).isInstanceOf(IllegalArgumentException.class);
      }
      assertThatThrownBy(() -> server.script(refused)).isInstanceOf(IllegalArgumentException.class);

      tester.upstream(ORIGIN).script(refused);
      assertThat(tester.get("/x").send().status()).isEqualTo(502);
    }
  }

  @Test
  void rejects_invalid_arguments_naming_them() {
    try (UpstreamServer server = UpstreamServer.start()) {
      UpstreamScript script = server.script();
      assertThatThrownBy(() -> script.failNext(-1, 503)).hasMessage("n: -1 (expected: >= 0)");
      assertThatThrownBy(() -> script.resetNext(-2)).hasMessage("n: -2 (expected: >= 0)");
      assertThatThrownBy(() -> script.failNext(1, 600)).hasMessageContaining("status: 600 (expected: 100 to 599)");
      assertThatThrownBy(() -> script.delay(Duration.ofSeconds(-1))).hasMessage("delay: PT-1S (expected: >= 0)");
      assertThatThrownBy(() -> script.when("GET", "orders")).hasMessageStartingWith("pathPattern: 'orders'");
      assertThatThrownBy(() -> server.when("GET", "/a/**/b")).hasMessageStartingWith("pathPattern: '/a/**/b'");
      assertThatThrownBy(() -> script.respondWith(null)).isInstanceOf(NullPointerException.class).hasMessage("answer");
    }
  }
}
