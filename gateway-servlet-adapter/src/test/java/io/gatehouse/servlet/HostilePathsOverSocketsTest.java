package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.undertow.UndertowGateway;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The path-bypass family over raw sockets: dot segments and their encodings, {@code ..;},
 * encoded slashes and backslashes, {@code %00}, empty segments, path parameters, spelt in the
 * mount prefix and below it, sent to the gateway mounted at {@code /gw} beside an application
 * servlet at {@code /}: on Jetty 12, on Tomcat 11, and on the Undertow adapter for reference.
 *
 * <p>Per row and server: the status, whether the connection closed, and what the upstream
 * received: nothing, or a request with exactly that target; where both a container and Undertow
 * forwarded a row, the upstream received the same bytes from both. A container answers some rows
 * before the adapter runs: Jetty refuses every ambiguous spelling with 400 (encoded dots, empty
 * segments, {@code %25}), Tomcat decodes and normalizes, and maps what climbs out of {@code /gw}
 * to the application ({@code app}: the application servlet answered). None of those reach the
 * upstream, and nothing reaches the upstream with another target than on Undertow.
 *
 * <p>Cells: {@code 200 /target} (forwarded with that target), {@code 400} (refused, nothing
 * forwarded, connection open), {@code 400 close} (refused and closed: Tomcat closes after every
 * 400, Undertow after a request line it cannot parse), {@code app} (the application's servlet
 * answered, nothing forwarded), {@code 299} (Undertow's application handler answered).
 */
class HostilePathsOverSocketsTest {
  private static final String UNDERTOW = "UNDERTOW";
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static Undertow undertow;
  private static int undertowPort;
  private static final Map<Container, Container.Running> running = new EnumMap<>(Container.class);
  private static final Map<Container, AppServlet> apps = new EnumMap<>(Container.class);
  private static final ExecutorService probes = Executors.newFixedThreadPool(3);

  @BeforeAll
  static void start() throws Exception {
    upstream = RawUpstream.start();
    gateway = Gateway.builder().accessLog(false).route("all", r -> r.path("/**").upstream(upstream.url())).build();
    undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2)
        .setHandler(Handlers.path().addPrefixPath("/gw", UndertowGateway.handler(gateway))
            .addPrefixPath("/", exchange -> exchange.setStatusCode(299)))
        .build();
    undertow.start();
    undertowPort = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    for (Container c : Container.values()) {
      AppServlet app = new AppServlet();
      apps.put(c, app);
      running.put(c, c.start(Container.Deployment.of("", Map.of("/gw/*", GatehouseServlet.of(gateway), "/", app))));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    running.values().forEach(Container.Running::close);
    undertow.stop();
    gateway.close();
    upstream.close();
    probes.shutdownNow();
  }

  /** What one server did with one target. */
  record Outcome(int status, boolean closed, String forwarded, String upstreamBytes, boolean app) {
    String cell() {
      if (app) {
        return "app";
      }
      if (forwarded != null) {
        return status + " " + forwarded;
      }
      return status + (closed ? " close" : "");
    }
  }

  private static Outcome send(String server, int port, String target, AppServlet app) throws Exception {
    int appBefore = app == null ? 0 : app.calls.get();
    int status;
    boolean closed;
    try (RawHttp client = RawHttp.connect(port)) {
      client.send("GET " + target + " HTTP/1.1\r\nHost: gw\r\nX-Probe: " + server + "\r\n\r\n");
      RawHttp.Head head = client.readHead();
      status = head.status();
      client.readBody(head);
      closed = client.closedWithin(200);
    }
    // A forwarded request arrives before its response; a wrongly forwarded one has had the 200 ms
    // above to arrive.
    String bytes = upstream.requests().stream().filter(r -> r.contains("\r\nX-Probe: " + server + "\r\n"))
        .reduce((first, second) -> second).orElse(null);
    String forwarded = bytes == null ? null : bytes.substring(bytes.indexOf(' ') + 1, bytes.indexOf(" HTTP/1.1\r\n"));
    boolean appAnswered = app != null && app.calls.get() > appBefore;
    return new Outcome(status, closed, forwarded, bytes == null ? null : comparable(bytes.replace(server, "{server}")), appAnswered);
  }

  /** The three servers are probed at once, each request marked with its server's name. */
  private static CompletableFuture<Outcome> probe(String server, int port, String target, AppServlet app) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return send(server, port, target, app);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, probes);
  }

  /** The request with its random id and trace context replaced, so that two servers' forwards compare. */
  private static String comparable(String received) {
    return received.replaceAll("\r\nX-Request-Id: [0-9a-f]{32}\r\n", "\r\nX-Request-Id: {id}\r\n")
        .replaceAll("\r\ntraceparent: 00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\r\n", "\r\ntraceparent: {trace}\r\n");
  }

  @ParameterizedTest(name = "{0}: Undertow {1}, Jetty {2}, Tomcat {3}")
  @CsvSource(delimiter = '|', value = {
      // target                  | Undertow         | Jetty          | Tomcat
      "/gw/a/b                   | 200 /a/b         | 200 /a/b       | 200 /a/b",
      "/gw                       | 200 /            | 200 /          | 200 /",
      "/gw/%61dmin               | 200 /admin       | 200 /admin     | 200 /admin",
      // dot segments, plain and encoded
      "/gw/a/../b                | 200 /b           | 200 /b         | 200 /b",
      "/gw/a/./b                 | 200 /a/b         | 200 /a/b       | 200 /a/b",
      "/gw/..                    | 400              | app            | app",
      "/gw/../admin              | 400              | app            | app",
      "/gw/a/%2e%2e/b            | 200 /b           | 400            | 200 /b",
      "/gw/a/%2E%2E/b            | 200 /b           | 400            | 200 /b",
      "/gw/a/.%2e/b              | 200 /b           | 400            | 200 /b",
      "/gw/.%2E/admin            | 400              | 400            | app",
      "/gw/%2e%2e/admin          | 400              | 400            | app",
      "/gw/%2e/a                 | 200 /a           | 400            | 200 /a",
      "/gw/a/%2e                 | 200 /a/          | 400            | 200 /a/",
      "/gw/a%252e%252e/b         | 200 /a%252e%252e/b | 400          | 200 /a%252e%252e/b",
      // dot segments with path parameters, and path parameters
      "/gw/a/..;/b               | 400              | 400            | 400 close",
      "/gw/..;/admin             | 400              | 400            | app",
      "/gw/a;x=1/b               | 400              | 400            | 400 close",
      "/gw/a%3bx/b               | 400              | 400            | 400 close",
      "/gw/a/..%3b/b             | 400              | 400            | 400 close",
      "/gw/a/..%3B/b             | 400              | 400            | 400 close",
      "/gw/a/%2e%2e%3b/b         | 400              | 400            | 400 close",
      "/gw;x=1/a                 | 200 /a           | 200 /a         | 200 /a",
      // encoded slash and backslash, raw backslash, NUL
      "/gw/a%2fb                 | 400              | 400            | 400 close",
      "/gw/a%2Fb                 | 400              | 400            | 400 close",
      "/gw/%2e%2e%2fadmin        | 400              | 400            | 400 close",
      "/gw/a%2f..%2f..%2fadmin   | 400              | 400            | 400 close",
      "/gw/a%5cb                 | 400              | 400            | 400 close",
      "/gw/a%5Cb                 | 400              | 400            | 400 close",
      "/gw/a/..%5c..%5cadmin     | 400              | 400            | 400 close",
      "/gw/a\\b                  | 400 close        | 400            | 400 close",
      "/gw\\..\\admin            | 400 close        | 400            | 400 close",
      "/gw/a%00b                 | 400              | 400 close      | 400 close",
      // empty segments
      "/gw/a//b                  | 200 /a/b         | 400            | 200 /a/b",
      "/gw//a                    | 200 /a           | 400            | 200 /a",
      // the mount prefix spelt otherwise
      "/g%77/a                   | 200 /a           | 200 /a         | 200 /a",
      "/gw%2fa                   | 299              | 400            | 400 close",
      "/x/../gw/a                | 299              | 400            | 400 close",
      "//gw/a                    | 299              | 400            | 400 close",
      // the query is not the path
      "/gw/a?q=%2e%2e            | 200 /a?q=%2e%2e  | 200 /a?q=%2e%2e | 200 /a?q=%2e%2e",
  })
  void each_spelling_gets_its_status_and_reaches_the_upstream_only_as_it_does_through_undertow(
      String target, String onUndertow, String onJetty, String onTomcat) throws Exception {
    upstream.clear();
    CompletableFuture<Outcome> reference = probe(UNDERTOW, undertowPort, target, null);
    Map<Container, CompletableFuture<Outcome>> outcomes = new EnumMap<>(Container.class);
    for (Container c : Container.values()) {
      outcomes.put(c, probe(c.name(), running.get(c).port(), target, apps.get(c)));
    }
    assertThat(reference.get().cell()).as("%s on Undertow", target).isEqualTo(onUndertow);
    Map<Container, String> expected = Map.of(Container.JETTY, onJetty, Container.TOMCAT, onTomcat);
    for (Container c : Container.values()) {
      Outcome got = outcomes.get(c).get();
      assertThat(got.cell()).as("%s on %s", target, c).isEqualTo(expected.get(c));
      if (got.upstreamBytes() != null) {
        // The same request reached the upstream through the container as through Undertow.
        assertThat(got.upstreamBytes()).as("%s on %s, upstream bytes", target, c).isEqualTo(reference.get().upstreamBytes());
      }
    }
  }
}
