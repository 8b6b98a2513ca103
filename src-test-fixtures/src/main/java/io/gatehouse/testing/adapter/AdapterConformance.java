package io.gatehouse.testing.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.Gateway;
import io.gatehouse.Unstable;
import io.gatehouse.adapter.ProblemResponse;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.raw.GeneratedBytes;
import io.gatehouse.testing.raw.RawHttp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adapter conformance kit: one suite, written once, that every way of serving a gateway
 * ({@link AdapterMount}) must pass over real loopback sockets, with raw-socket clients where bytes
 * matter. Extend it once per mount and say how to start that mount:
 *
 * <pre>{@code
 * class UndertowStandaloneConformanceTest extends AdapterConformance {
 *   @Override
 *   protected AdapterMount mount() {
 *     return new MyStandaloneMount();
 *   }
 * }
 * }</pre>
 *
 * <p>Each test is one {@link ConformanceItem}: request mapping, hop-by-hop and forwarded fields,
 * the path bypass table, 256 MiB each way, a slow client, clients that leave mid-body, HEAD/204/304
 * framing, {@code Expect: 100-continue}, the adapter's own problems, swap and graceful stop with
 * requests in flight. The kit runs its own upstream and builds its own gateways; the mount only
 * serves them. An item the mount names in {@link AdapterMount#cannot()} is aborted with the
 * mount's reason.
 *
 * <p><b>Run it with {@code -Xmx128m}</b> (a surefire execution or fork of its own): the large
 * bodies must stream, and {@link #runs_with_a_heap_smaller_than_the_large_bodies} fails otherwise.
 * Every wait is bounded; the whole kit takes some seconds per mount.
 *
 * @since 0.1
 */
@Unstable
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class AdapterConformance {
  /** The size of the large bodies, each way. */
  static final long LARGE = 256L * 1024 * 1024;
  /** The largest heap the kit accepts: the large bodies are twice that. */
  static final long MAX_HEAP = 128L * 1024 * 1024;
  /**
   * How far an upstream may run ahead of a client that reads slowly: socket buffers on the way
   * (up to a few MiB each, as the system tunes them) plus the adapter's and gateway's own bounded
   * buffers; far below the {@value #SLOW_BODY}-byte body a buffering gateway would take at once.
   */
  static final long SLOW_CLIENT_BOUND = 20L * 1024 * 1024;
  static final long SLOW_BODY = 64L * 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicInteger ids = new AtomicInteger();
  private final ExecutorService kitThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "adapter-conformance");
    t.setDaemon(true);
    return t;
  });
  private AdapterMount mount;
  private KitUpstream upstream;
  private Gateway gateway;
  private AdapterMount.Running running;

  /** For subclasses. */
  protected AdapterConformance() {}

  /**
   * The mount under test; called once, before the first test.
   *
   * <p>{@code return new UndertowStandaloneMount();}
   *
   * @return the mount
   */
  protected abstract AdapterMount mount();

  @BeforeAll
  final void startKit() throws Exception {
    mount = Objects.requireNonNull(mount(), "mount()");
    String prefix = Objects.requireNonNull(mount.prefix(), "prefix()");
    if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
      throw new IllegalArgumentException("mount '" + mount.name() + "': prefix: '" + prefix
          + "' (expected: \"\" or a path that starts with / and does not end with it, such as /gw)");
    }
    mount.cannot().forEach((item, why) -> {
      if (why == null || why.isBlank()) {
        throw new IllegalArgumentException("mount '" + mount.name() + "': cannot: " + item
            + ": '" + why + "' (expected: the reason, a sentence)");
      }
    });
    List<Object> rows = Stream.concat(bypasses(), ownProblems()).map(a -> a.get()[0]).toList();
    mount.answeredByTheServer().forEach((row, answer) -> {
      if (!rows.contains(row)) {
        throw new IllegalArgumentException("mount '" + mount.name() + "': answeredByTheServer: '" + row
            + "' (expected: a path of the bypass table or the description of an own-answer row)");
      }
      if (answer == null || answer.reason() == null || answer.reason().isBlank() || answer.status() < 400
          || answer.status() > 599) {
        throw new IllegalArgumentException("mount '" + mount.name() + "': answeredByTheServer: " + row + ": " + answer
            + " (expected: a status from 400 to 599 and the reason, a sentence)");
      }
    });
    upstream = KitUpstream.start();
    gateway = kitGateway("A");
    running = mount.start(gateway);
  }

  @AfterAll
  final void stopKit() throws Exception {
    try {
      if (running != null) {
        running.close();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      if (upstream != null) {
        upstream.close();
      }
      kitThreads.shutdownNow();
    }
  }

  /** The kit's gateway: a protected {@code /admin/**}, the kit's upstream for the rest. */
  private Gateway kitGateway(String tag) {
    return Gateway.builder().accessLog(false)
        .responseTimeout(Duration.ofSeconds(60))
        .route("which", r -> r.path("/which").respond(200, "text/plain", tag))
        .route("fail-body", r -> r.path("/_kit/fail-body").filter((exchange, chain) -> CompletableFuture.completedFuture(
            Response.builder(200).body(Body.ofPublisher(failingBody(), -1)).build()))
            .respond(200, "text/plain", "never sent"))
        .route("interim", r -> r.path("/_kit/interim").filter((exchange, chain) -> CompletableFuture.completedFuture(
            Response.of(103))).respond(200, "text/plain", "never sent"))
        .route("admin", r -> r.path("/admin/**").respond(403, "text/plain", "admin"))
        .route("all", r -> r.path("/**").maxRequestBody(Long.MAX_VALUE).upstream(upstream.url()))
        .build();
  }

  /** A body that fails before its first byte, as an upstream that dies at once. */
  private static Flow.Publisher<ByteBuffer> failingBody() {
    return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public void request(long n) {
        if (!done) {
          done = true;
          subscriber.onError(new IOException("the kit's body fails before its first byte"));
        }
      }

      @Override
      public void cancel() {
        done = true;
      }
    });
  }

  private void require(ConformanceItem item) {
    String why = mount.cannot().get(item);
    if (why != null) {
      Assumptions.abort(mount.name() + " cannot do " + item + ": " + why);
    }
  }

  private String target(String gatewayPath) {
    return mount.prefix() + gatewayPath;
  }

  private String rowId() {
    return "kit-" + ids.incrementAndGet();
  }

  private KitUpstream.Received upstreamGot(int from, String rowId) throws InterruptedException {
    return upstream.await(from, r -> r.first("X-Kit-Row").filter(rowId::equals).isPresent(), WAIT)
        .orElseGet(() -> fail("the upstream did not get request %s within %s; it got %s", rowId, WAIT,
            upstream.received().subList(from, upstream.count())));
  }

  private boolean upstreamGotAny(int from, String rowId) {
    return upstream.received().subList(from, upstream.count()).stream()
        .anyMatch(r -> r.first("X-Kit-Row").filter(rowId::equals).isPresent());
  }

  // ---------------------------------------------------------------- REQUEST_PASSED_EXACTLY

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("GET", "/plain/path", ""),
        Arguments.of("GET", "/enc/a%20b/%C3%A9/x-y_z.~?x=1&y=%2F&z", ""),
        Arguments.of("GET", "/q?a=1&a=2&b=&c=%20+%2B&=odd&%26=%3D", ""),
        Arguments.of("HEAD", "/head/x?h=1", ""),
        Arguments.of("DELETE", "/d/1", ""),
        Arguments.of("OPTIONS", "/o", ""),
        Arguments.of("POST", "/p?x", "hello"),
        Arguments.of("PUT", "/p/1", "a whole new body\r\nwith a line break"),
        Arguments.of("PATCH", "/p/1", "{\"op\":\"replace\"}"),
        Arguments.of("POST", "/empty", ""));
  }

  /**
   * {@link ConformanceItem#REQUEST_PASSED_EXACTLY}: the method, the raw target and every header
   * field (the values of a name in order, names in any case) reach the upstream; the gateway adds
   * only its forwarded fields, the request id and the trace context.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("requests")
  void the_request_reaches_the_upstream_exactly(String method, String target, String body) throws Exception {
    require(ConformanceItem.REQUEST_PASSED_EXACTLY);
    String row = rowId();
    boolean hasBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    List<String> fields = List.of("Accept: text/plain, */*;q=0.1", "X-Multi: first", "X-Multi: second",
        "x-lower-case: MiXeD Value", "X-Empty:", "X-Tab: a\tb", "Cookie: a=1; b=2", "User-Agent: kit/1",
        "X-Kit-Row: " + row, "X-Request-Id: " + row);
    StringBuilder head = new StringBuilder(method).append(' ').append(target(target)).append(" HTTP/1.1\r\n")
        .append("Host: kit.test\r\n");
    fields.forEach(f -> head.append(f).append("\r\n"));
    if (hasBody) {
      head.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    head.append("\r\n").append(body);
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send(head.toString().getBytes(StandardCharsets.UTF_8));
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: status of %s", mount.name(), res).isEqualTo(200);
      if (!method.equals("HEAD")) {
        assertThat(new String(client.readBody(res), StandardCharsets.UTF_8)).isEqualTo("ok");
      }
    }
    KitUpstream.Received got = upstreamGot(from, row);
    assertThat(got.method + " " + got.target + " " + got.version).as("%s: request line", mount.name())
        .isEqualTo(method + " " + target + " HTTP/1.1");
    Map<String, List<String>> expected = fieldMap(fields);
    expected.put("host", List.of(upstream.authority()));
    expected.putAll(forwardedFields("kit.test"));
    if (hasBody && !body.isEmpty()) {
      expected.put("content-length", List.of(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length)));
    }
    Map<String, List<String>> actual = fieldMap(got.fieldLines);
    assertThat(actual.remove("traceparent")).as("%s: traceparent", mount.name())
        .singleElement().asString().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    if (hasBody && body.isEmpty() && actual.containsKey("content-length")) {
      assertThat(actual.remove("content-length")).containsExactly("0");
    }
    if (actual.containsKey("transfer-encoding")) {
      assertThat(actual.remove("transfer-encoding")).as("%s: upstream framing", mount.name()).containsExactly("chunked");
      expected.remove("content-length");
    }
    assertThat(actual).as("%s: the fields the upstream got", mount.name()).isEqualTo(expected);
    assertThat(got.bodyText()).as("%s: body", mount.name()).isEqualTo(new String(body.getBytes(StandardCharsets.UTF_8),
        StandardCharsets.ISO_8859_1));
  }

  /**
   * {@link ConformanceItem#FIELD_VALUE_WHITESPACE_KEPT}: runs of spaces and tabs inside a field
   * value are part of it (RFC 9110 section 5.5 lets only the leading and trailing ones go).
   */
  @Test
  void whitespace_runs_inside_a_field_value_reach_the_upstream_as_sent() throws Exception {
    require(ConformanceItem.FIELD_VALUE_WHITESPACE_KEPT);
    String row = rowId();
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET " + target("/spaces") + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + row
          + "\r\nX-Spaces: a  b \t c\r\n\r\n");
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
      client.readBody(res);
    }
    assertThat(upstreamGot(from, row).all("X-Spaces")).as("%s: X-Spaces the upstream got", mount.name())
        .containsExactly("a  b \t c");
  }

  /** The fields the gateway sets for the upstream, for a client on 127.0.0.1 that sent {@code Host: host}. */
  private Map<String, List<String>> forwardedFields(String host) {
    Map<String, List<String>> f = new TreeMap<>();
    f.put("x-forwarded-for", List.of("127.0.0.1"));
    f.put("x-forwarded-proto", List.of("http"));
    f.put("x-forwarded-host", List.of(host));
    f.put("forwarded", List.of("for=127.0.0.1;proto=http;host=" + host));
    if (!mount.prefix().isEmpty() && mount.forwardsPrefix()) {
      f.put("x-forwarded-prefix", List.of(mount.prefix()));
    }
    return f;
  }

  /** Field lines as lower-case names to values in order; a prefix mount that does not forward its prefix is not held to it. */
  private Map<String, List<String>> fieldMap(List<String> lines) {
    Map<String, List<String>> map = new TreeMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      map.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    if (!mount.prefix().isEmpty() && !mount.forwardsPrefix()) {
      map.remove("x-forwarded-prefix");
    }
    return map;
  }

  // ---------------------------------------------------------------- HOP_BY_HOP_AND_FORWARDED

  /**
   * {@link ConformanceItem#HOP_BY_HOP_AND_FORWARDED}, request side: hop-by-hop fields and those
   * the client's {@code Connection} names never reach the upstream; forged forwarded fields are
   * replaced by the gateway's own.
   */
  @Test
  void hop_by_hop_and_forged_forwarded_fields_do_not_reach_the_upstream() throws Exception {
    require(ConformanceItem.HOP_BY_HOP_AND_FORWARDED);
    String row = rowId();
    List<String> kept = List.of("X-Kit-Row: " + row, "X-Request-Id: " + row, "X-End-To-End: kept");
    List<String> dropped = List.of("Connection: X-Hop-A, x-hop-b, keep-alive", "X-Hop-A: a", "X-Hop-B: b",
        "Keep-Alive: timeout=5", "TE: trailers", "Proxy-Connection: keep-alive", "Proxy-Authorization: Basic Zm9vOmJhcg==",
        "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Host: evil.test", "X-Forwarded-Proto: https",
        "X-Forwarded-Port: 444", "X-Forwarded-Prefix: /evil", "Forwarded: for=203.0.113.9;host=evil.test",
        "X-Real-IP: 203.0.113.9");
    StringBuilder head = new StringBuilder("GET ").append(target("/hop/in")).append(" HTTP/1.1\r\nHost: kit.test\r\n");
    Stream.concat(kept.stream(), dropped.stream()).forEach(f -> head.append(f).append("\r\n"));
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send(head.append("\r\n").toString());
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
      client.readBody(res);
    }
    KitUpstream.Received got = upstreamGot(from, row);
    Map<String, List<String>> expected = fieldMap(kept);
    expected.put("host", List.of(upstream.authority()));
    expected.putAll(forwardedFields("kit.test"));
    Map<String, List<String>> actual = fieldMap(got.fieldLines);
    actual.remove("traceparent");
    assertThat(actual).as("%s: the fields the upstream got", mount.name()).isEqualTo(expected);
  }

  /**
   * {@link ConformanceItem#HOP_BY_HOP_AND_FORWARDED}, response side: the upstream's hop-by-hop
   * fields and those its {@code Connection} names never reach the client.
   */
  @Test
  void hop_by_hop_fields_of_the_upstreams_response_do_not_reach_the_client() throws Exception {
    require(ConformanceItem.HOP_BY_HOP_AND_FORWARDED);
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET " + target("/_kit/hop") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).isEqualTo(200);
      assertThat(new String(client.readBody(res), StandardCharsets.UTF_8)).isEqualTo("hop");
      assertThat(res.first("X-End-To-End")).as("%s: %s", mount.name(), res).contains("kept");
      for (String name : List.of("X-Hop-A", "Keep-Alive", "Proxy-Connection", "Upgrade")) {
        assertThat(res.has(name)).as("%s: %s in %s", mount.name(), name, res).isFalse();
      }
      assertThat(res.connectionTokens()).as("%s: Connection tokens", mount.name()).isSubsetOf("close", "keep-alive");
    }
  }

  // ---------------------------------------------------------------- PATH_BYPASS_TABLE

  /**
   * The path bypass table: a gateway path, the status every mount gives it, and the path the
   * upstream gets ({@code -}: none). {@code /admin/**} is a route of its own (403), every other
   * path goes to the upstream.
   */
  static Stream<Arguments> bypasses() {
    return Stream.of(
        // dot segments, plain and encoded, reach the protected route or are refused
        Arguments.of("/public/../admin/x", 403, "-"),
        Arguments.of("/public/%2e%2e/admin/x", 403, "-"),
        Arguments.of("/public/.%2E/admin/x", 403, "-"),
        Arguments.of("/./admin/x", 403, "-"),
        Arguments.of("/%2e/admin/x", 403, "-"),
        Arguments.of("/admin/../public/x", 200, "/public/x"),
        Arguments.of("/a/b/../c", 200, "/a/c"),
        Arguments.of("/a/./b", 200, "/a/b"),
        Arguments.of("/%2e%2e/x", 400, "-"),
        Arguments.of("/a/../../x", 400, "-"),
        // double slashes collapse
        Arguments.of("//admin/x", 403, "-"),
        Arguments.of("/a//b", 200, "/a/b"),
        Arguments.of("/a///b//", 200, "/a/b/"),
        // encoded letters are decoded before routing
        Arguments.of("/%61dmin/x", 403, "-"),
        Arguments.of("/%41dmin/x", 200, "/Admin/x"),
        Arguments.of("/%7Euser", 200, "/~user"),
        // encoded slash and backslash, raw backslash
        Arguments.of("/%2Fadmin/x", 400, "-"),
        Arguments.of("/%2fadmin/x", 400, "-"),
        Arguments.of("/public%2F..%2Fadmin/x", 400, "-"),
        Arguments.of("/%5Cadmin/x", 400, "-"),
        Arguments.of("/public%5C..%5Cadmin/x", 400, "-"),
        // NUL and broken escapes
        Arguments.of("/%00", 400, "-"),
        Arguments.of("/admin%00/x", 400, "-"),
        Arguments.of("/a%zz", 400, "-"),
        Arguments.of("/a%4", 400, "-"),
        // path parameters
        Arguments.of("/admin;x=y/x", 400, "-"),
        Arguments.of("/public;jsessionid=1/x", 400, "-"),
        Arguments.of("/public/..;/admin/x", 400, "-"),
        // an encoded ';' too: an upstream that decodes it before stripping path parameters would
        // read /public/..%3B/admin/x as /admin/x
        Arguments.of("/a%3Bb", 400, "-"),
        Arguments.of("/public/..%3B/admin/x", 400, "-"),
        Arguments.of("/public/%2e%2e%3b/admin/x", 400, "-"),
        Arguments.of("/admin%3Bx/x", 400, "-"),
        // what stays as sent
        Arguments.of("/a%20b", 200, "/a%20b"),
        Arguments.of("/caf%C3%A9", 200, "/caf%C3%A9"),
        Arguments.of("/caf%c3%a9", 200, "/caf%C3%A9"));
  }

  /**
   * {@link ConformanceItem#PATH_BYPASS_TABLE}: per row, the status, and the exact path the upstream
   * got (or that it got nothing), the same on every mount.
   */
  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("bypasses")
  void a_bypass_attempt_gets_the_same_status_and_upstream_path_on_every_mount(String path, int status,
      String upstreamPath) throws Exception {
    require(ConformanceItem.PATH_BYPASS_TABLE);
    AdapterMount.ServerAnswer server = mount.answeredByTheServer().get(path);
    String row = rowId();
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET " + target(path) + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + row + "\r\n\r\n");
      RawHttp.Head res = client.readHead();
      if (server != null) {
        assertThat(res.status()).as("%s: %s gave %s (the server answers it itself: %s)", mount.name(), target(path), res,
            server.reason()).isEqualTo(server.status());
      } else {
        assertThat(res.status()).as("%s: %s gave %s", mount.name(), target(path), res).isEqualTo(status);
      }
    }
    if (server != null || upstreamPath.equals("-")) {
      assertThat(upstreamGotAny(from, row)).as("%s: the upstream got %s", mount.name(), path).isFalse();
    } else {
      assertThat(upstreamGot(from, row).target).as("%s: upstream path", mount.name()).isEqualTo(upstreamPath);
    }
  }

  // ---------------------------------------------------------------- LARGE BODIES

  /** The large-body items hold only under a heap smaller than their bodies. */
  @Test
  void runs_with_a_heap_smaller_than_the_large_bodies() {
    assertThat(Runtime.getRuntime().maxMemory())
        .as("the kit's heap (run the kit with -Xmx128m: a surefire execution or fork of its own)")
        .isLessThanOrEqualTo(MAX_HEAP);
  }

  /** {@link ConformanceItem#LARGE_UPLOAD}: 256 MiB up, hashed as it is sent and as it arrives. */
  @Test
  void a_256_MiB_request_body_reaches_the_upstream_byte_exact() throws Exception {
    require(ConformanceItem.LARGE_UPLOAD);
    String row = rowId();
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST " + target("/_kit/upload") + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + row
          + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + LARGE + "\r\n\r\n");
      String sent = sendGenerated(client, LARGE, 11);
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
      assertThat(new String(client.readBody(res), StandardCharsets.US_ASCII)).as("%s: bytes and SHA-256 the upstream got",
          mount.name()).isEqualTo(LARGE + " " + sent);
    }
    assertThat(upstreamGot(from, row).bodyComplete).isTrue();
  }

  /** Sends {@code length} generated bytes and returns their SHA-256. */
  private static String sendGenerated(RawHttp client, long length, long seed) throws IOException {
    GeneratedBytes gen = new GeneratedBytes(seed);
    MessageDigest md = GeneratedBytes.sha256();
    byte[] chunk = new byte[GeneratedBytes.CHUNK];
    for (long left = length; left > 0; ) {
      int n = (int) Math.min(chunk.length, left);
      gen.fill(chunk, n);
      md.update(chunk, 0, n);
      client.send(chunk, n);
      left -= n;
    }
    client.send(new byte[0]);
    return GeneratedBytes.hex(md);
  }

  /** {@link ConformanceItem#LARGE_DOWNLOAD}: 256 MiB down, hashed as it is written and as it arrives. */
  @Test
  void a_256_MiB_response_body_reaches_the_client_byte_exact() throws Exception {
    require(ConformanceItem.LARGE_DOWNLOAD);
    String row = rowId();
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET " + target("/_kit/download?size=" + LARGE + "&seed=13") + " HTTP/1.1\r\nHost: kit.test\r\n"
          + "X-Kit-Row: " + row + "\r\n\r\n");
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
      assertThat(res.first("Content-Length")).as("%s: %s", mount.name(), res).contains(String.valueOf(LARGE));
      MessageDigest md = GeneratedBytes.sha256();
      byte[] buf = new byte[GeneratedBytes.CHUNK];
      for (long left = LARGE; left > 0; ) {
        int n = client.read(buf, 0, (int) Math.min(buf.length, left));
        assertThat(n).as("%s: the response ended with %d bytes to come", mount.name(), left).isPositive();
        md.update(buf, 0, n);
        left -= n;
      }
      KitUpstream.Received got = upstreamGot(from, row);
      assertThat(got.ended(WAIT)).isTrue();
      assertThat(GeneratedBytes.hex(md)).as("%s: SHA-256 of what arrived", mount.name()).isEqualTo(got.responseSha);
    }
  }

  // ---------------------------------------------------------------- SLOW_CLIENT_BOUNDED

  /**
   * {@link ConformanceItem#SLOW_CLIENT_BOUNDED}: while a client reads about 1 MB/s, what the upstream
   * has written stays within {@value #SLOW_CLIENT_BOUND} bytes of what the client has read: the
   * upstream is held back, nothing in between buffers the body. Then the client reads the rest,
   * byte-exact.
   */
  @Test
  void a_client_that_reads_slowly_holds_the_upstream_back() throws Exception {
    require(ConformanceItem.SLOW_CLIENT_BOUNDED);
    String row = rowId();
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port(), 64 * 1024)) {
      client.send("GET " + target("/_kit/download?size=" + SLOW_BODY + "&seed=17") + " HTTP/1.1\r\nHost: kit.test\r\n"
          + "X-Kit-Row: " + row + "\r\n\r\n");
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
      KitUpstream.Received got = upstreamGot(from, row);
      MessageDigest md = GeneratedBytes.sha256();
      byte[] buf = new byte[GeneratedBytes.CHUNK];
      long read = 0;
      long maxAhead = 0;
      // The slow reader: 16 KiB every 16 ms, for 2 s. Its pace is the point, so it sleeps.
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < end) {
        int n = client.read(buf, 0, 16 * 1024);
        assertThat(n).as("%s: the response ended early", mount.name()).isPositive();
        md.update(buf, 0, n);
        read += n;
        maxAhead = Math.max(maxAhead, got.responseBytes.get() - read);
        TimeUnit.MILLISECONDS.sleep(16);
      }
      assertThat(maxAhead).as("%s: most bytes the upstream was ahead of the client (read %d)", mount.name(), read)
          .isLessThan(SLOW_CLIENT_BOUND);
      for (long left = SLOW_BODY - read; left > 0; ) {
        int n = client.read(buf, 0, (int) Math.min(buf.length, left));
        assertThat(n).as("%s: the response ended with %d bytes to come", mount.name(), left).isPositive();
        md.update(buf, 0, n);
        left -= n;
      }
      assertThat(got.ended(WAIT)).isTrue();
      assertThat(GeneratedBytes.hex(md)).as("%s: SHA-256 of what arrived", mount.name()).isEqualTo(got.responseSha);
    }
  }

  // ---------------------------------------------------------------- DISCONNECTS

  /** {@link ConformanceItem#DISCONNECT_MID_UPLOAD}: the upstream's request is cut, never completed. */
  @Test
  void a_client_leaving_mid_upload_cancels_the_upstream_call() throws Exception {
    require(ConformanceItem.DISCONNECT_MID_UPLOAD);
    String row = rowId();
    int from = upstream.count();
    KitUpstream.Received got;
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST " + target("/_kit/upload") + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + row
          + "\r\nContent-Length: " + SLOW_BODY + "\r\n\r\n");
      sendGenerated(client, 1024 * 1024, 19);
      got = upstreamGot(from, row);
      KitUpstream.Received seen = got;
      assertThat(poll(() -> seen.bodyBytes > 0)).as("%s: the upstream got body bytes", mount.name()).isTrue();
    }
    assertThat(got.ended(WAIT)).as("%s: the upstream call ended within %s of the client leaving", mount.name(), WAIT)
        .isTrue();
    assertThat(got.state).isEqualTo(KitUpstream.State.CUT);
    assertThat(got.bodyComplete).isFalse();
  }

  /** {@link ConformanceItem#DISCONNECT_MID_DOWNLOAD}: the upstream's response is cut off. */
  @Test
  void a_client_leaving_mid_download_cancels_the_upstream_call() throws Exception {
    require(ConformanceItem.DISCONNECT_MID_DOWNLOAD);
    String row = rowId();
    int from = upstream.count();
    long size = 4L * 1024 * 1024 * 1024;
    KitUpstream.Received got;
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("GET " + target("/_kit/download?size=" + size + "&seed=23") + " HTTP/1.1\r\nHost: kit.test\r\n"
          + "X-Kit-Row: " + row + "\r\n\r\n");
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).isEqualTo(200);
      client.readExactly(1024 * 1024);
      got = upstreamGot(from, row);
    }
    assertThat(got.ended(WAIT)).as("%s: the upstream call ended within %s of the client leaving", mount.name(), WAIT)
        .isTrue();
    assertThat(got.state).isEqualTo(KitUpstream.State.CUT);
    assertThat(got.responseBytes.get()).isLessThan(size);
    // The exchange is over for the mount too: its gateway has nothing in flight, so once swapped
    // out it is reported drained (else a swap never lets the old gateway close). The kit swaps
    // forward, as users do, and goes on with the new gateway.
    Gateway previous = gateway;
    gateway = kitGateway("A");
    assertThat(running.swap(gateway)).isSameAs(previous);
    assertThat(poll(() -> running.drained(previous).toCompletableFuture().isDone()))
        .as("%s: the gateway is drained once the client that left has no request in flight", mount.name())
        .isTrue();
    previous.close();
  }

  // ---------------------------------------------------------------- BODILESS_FRAMING

  /**
   * {@link ConformanceItem#BODILESS_FRAMING}: on one connection, HEAD, 204 and 304 answers carry no
   * body (the next response parses), 204 has neither {@code Content-Length} nor
   * {@code Transfer-Encoding}, and an upstream's {@code 103 Early Hints} does not reach the client.
   */
  @Test
  void head_204_and_304_have_no_body_and_no_interim_response_reaches_the_client() throws Exception {
    require(ConformanceItem.BODILESS_FRAMING);
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("HEAD " + target("/_kit/status?code=200") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
      RawHttp.Head head = client.readHead();
      assertThat(head.status()).as("%s: HEAD %s", mount.name(), head).isEqualTo(200);
      assertThat(head.isChunked()).as("%s: HEAD %s", mount.name(), head).isFalse();
      assertThat(head.first("Content-Length").orElse("10")).as("%s: HEAD %s", mount.name(), head).isEqualTo("10");

      client.send("GET " + target("/_kit/status?code=204") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
      RawHttp.Head noContent = client.readHead();
      assertThat(noContent.status()).as("%s: %s", mount.name(), noContent).isEqualTo(204);
      assertThat(noContent.has("Content-Length") || noContent.has("Transfer-Encoding"))
          .as("%s: framing fields on %s", mount.name(), noContent).isFalse();
      assertThat(noContent.first("X-Kit")).contains("204");

      client.send("GET " + target("/_kit/status?code=304") + " HTTP/1.1\r\nHost: kit.test\r\nIf-None-Match: \"v1\"\r\n\r\n");
      RawHttp.Head notModified = client.readHead();
      assertThat(notModified.status()).as("%s: %s", mount.name(), notModified).isEqualTo(304);
      assertThat(notModified.isChunked()).as("%s: %s", mount.name(), notModified).isFalse();
      assertThat(notModified.first("ETag")).contains("\"v1\"");

      client.send("GET " + target("/_kit/early-hints") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
      RawHttp.Head hinted = client.readHead();
      assertThat(hinted.status()).as("%s: the first status line after an upstream's 103: %s", mount.name(), hinted)
          .isEqualTo(200);
      assertThat(new String(client.readBody(hinted), StandardCharsets.UTF_8)).isEqualTo("final");

      client.send("GET " + target("/after") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
      RawHttp.Head after = client.readHead();
      assertThat(after.status()).as("%s: the response after them: %s", mount.name(), after).isEqualTo(200);
      assertThat(new String(client.readBody(after), StandardCharsets.UTF_8)).isEqualTo("ok");
    }
  }

  // ---------------------------------------------------------------- EXPECT_CONTINUE

  /**
   * {@link ConformanceItem#EXPECT_CONTINUE}: a client that waits for {@code 100 Continue} gets it,
   * sends its body, and gets the final answer for the whole body.
   */
  @Test
  void expect_100_continue_gets_100_before_the_body_then_the_answer() throws Exception {
    require(ConformanceItem.EXPECT_CONTINUE);
    byte[] body = "hello world".getBytes(StandardCharsets.US_ASCII);
    MessageDigest md = GeneratedBytes.sha256();
    md.update(body);
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST " + target("/_kit/upload") + " HTTP/1.1\r\nHost: kit.test\r\nExpect: 100-continue\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n");
      RawHttp.Head interim = client.readHead();
      assertThat(interim.status()).as("%s: before the body: %s", mount.name(), interim).isEqualTo(100);
      client.send(body);
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
      assertThat(new String(client.readBody(res), StandardCharsets.US_ASCII)).isEqualTo(body.length + " " + GeneratedBytes.hex(md));
    }
  }

  /**
   * {@link ConformanceItem#EXPECT_CONTINUE}: a request answered without reading its body gets its
   * answer, not {@code 100 Continue}.
   */
  @Test
  void expect_100_continue_answered_without_the_body_gets_no_100() throws Exception {
    require(ConformanceItem.EXPECT_CONTINUE);
    int from = upstream.count();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send("POST " + target("/admin/x") + " HTTP/1.1\r\nHost: kit.test\r\nExpect: 100-continue\r\n"
          + "Content-Length: 11\r\n\r\n");
      RawHttp.Head res = client.readHead();
      assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(403);
    }
    assertThat(upstream.count()).isEqualTo(from);
  }

  // ---------------------------------------------------------------- OWN_PROBLEMS

  /**
   * The answers an adapter makes itself: what the client sends, the status, and whether the
   * connection is closed after it.
   */
  static Stream<Arguments> ownProblems() {
    return Stream.of(
        Arguments.of("a response body that fails before its first byte", "GET {t}/_kit/fail-body HTTP/1.1\r\n"
            + "Host: kit.test\r\nX-Request-Id: {id}\r\n\r\n", 502, false),
        Arguments.of("an interim status from the gateway", "GET {t}/_kit/interim HTTP/1.1\r\n"
            + "Host: kit.test\r\nX-Request-Id: {id}\r\n\r\n", 502, false),
        Arguments.of("Transfer-Encoding other than chunked", "POST {t}/x HTTP/1.1\r\nHost: kit.test\r\n"
            + "X-Request-Id: {id}\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400, true),
        Arguments.of("a malformed chunk size", "POST {t}/_kit/upload HTTP/1.1\r\nHost: kit.test\r\n"
            + "X-Request-Id: {id}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400, true));
  }

  /**
   * {@link ConformanceItem#OWN_PROBLEMS}: RFC 9457 problem+json, titled with the RFC 9110 reason
   * phrase, typed {@code urn:gatehouse:problem:<slug>}, with the client's request id in the body and
   * in {@code X-Request-Id}, {@code Cache-Control: no-store}; a refused framing closes the
   * connection.
   */
  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("ownProblems")
  void the_adapters_own_answers_are_problem_json(String what, String raw, int status, boolean closes) throws Exception {
    require(ConformanceItem.OWN_PROBLEMS);
    AdapterMount.ServerAnswer server = mount.answeredByTheServer().get(what);
    String id = rowId();
    try (RawHttp client = RawHttp.connect(running.port())) {
      client.send(raw.replace("{t}", mount.prefix()).replace("{id}", id));
      RawHttp.Head res;
      try {
        res = client.readHead();
      } catch (IOException closedWithoutAnAnswer) {
        if (server != null && closes) {
          return; // the server refused the framing and closed before its own answer went out
        }
        throw closedWithoutAnAnswer;
      }
      if (server != null) {
        assertThat(res.status()).as("%s: %s: %s (the server answers it itself: %s)", mount.name(), what, res,
            server.reason()).isEqualTo(server.status());
        if (closes) {
          assertThat(client.closedWithin(3000)).as("%s: connection closed after %s", mount.name(), what).isTrue();
        }
        return;
      }
      assertThat(res.status()).as("%s: %s: %s", mount.name(), what, res).isEqualTo(status);
      assertThat(res.first("Content-Type")).as("%s: %s", mount.name(), res).contains(ProblemResponse.CONTENT_TYPE);
      assertThat(res.first("Cache-Control")).as("%s: %s", mount.name(), res).contains("no-store");
      assertThat(res.first("X-Request-Id")).as("%s: %s", mount.name(), res).contains(id);
      JsonNode problem = JSON.readTree(client.readBody(res));
      String title = ProblemResponse.title(status);
      assertThat(problem.path("status").asInt()).as("%s: %s", mount.name(), problem).isEqualTo(status);
      assertThat(problem.path("title").asText()).as("%s: %s", mount.name(), problem).isEqualTo(title);
      assertThat(problem.path("type").asText()).as("%s: %s", mount.name(), problem)
          .isEqualTo(ProblemResponse.TYPE_PREFIX + title.toLowerCase(Locale.ROOT).replace(' ', '-'));
      assertThat(problem.path("requestId").asText()).as("%s: %s", mount.name(), problem).isEqualTo(id);
      assertThat(problem.path("detail").asText()).as("%s: %s", mount.name(), problem).isNotBlank();
      if (closes) {
        assertThat(res.connectionTokens()).as("%s: %s", mount.name(), res).contains("close");
        assertThat(client.closedWithin(3000)).as("%s: connection closed after %s", mount.name(), what).isTrue();
      }
    }
  }

  // ---------------------------------------------------------------- SWAP_IN_FLIGHT

  /**
   * {@link ConformanceItem#SWAP_IN_FLIGHT}: a request in flight on gateway A finishes on A after a
   * swap to B; new requests, also on A's keep-alive connection, go to B; A is reported drained
   * only once its request has ended.
   */
  @Test
  void a_swap_lets_requests_in_flight_finish_and_sends_new_ones_to_the_new_gateway() throws Exception {
    require(ConformanceItem.SWAP_IN_FLIGHT);
    Gateway a = kitGateway("A");
    Gateway b = kitGateway("B");
    String hold = rowId();
    try (AdapterMount.Running own = mount.start(a); RawHttp inFlight = RawHttp.connect(own.port())) {
      int from = upstream.count();
      inFlight.send("GET " + target("/_kit/hold?id=" + hold) + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + hold
          + "\r\n\r\n");
      KitUpstream.Received held = upstreamGot(from, hold);
      assertThat(poll(() -> held.state == KitUpstream.State.HELD)).isTrue();

      assertThat(own.swap(b)).as("%s: swap returns the previous gateway", mount.name()).isSameAs(a);
      CompletableFuture<Gateway> drained = own.drained(a).toCompletableFuture();
      try (RawHttp next = RawHttp.connect(own.port())) {
        assertThat(which(next)).as("%s: a new request after the swap", mount.name()).isEqualTo("B");
      }
      assertThat(drained).as("%s: A drained while its request is in flight", mount.name()).isNotDone();

      upstream.release(hold);
      RawHttp.Head res = inFlight.readHead();
      assertThat(res.status()).isEqualTo(200);
      assertThat(new String(inFlight.readBody(res), StandardCharsets.UTF_8)).isEqualTo("held " + hold);
      assertThat(drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isSameAs(a);
      assertThat(which(inFlight)).as("%s: the next request on A's connection", mount.name()).isEqualTo("B");
    } finally {
      upstream.release(hold);
      a.close();
      b.close();
    }
  }

  /**
   * {@link ConformanceItem#SWAP_IN_FLIGHT}, rolled back: A → B → A, then B is closed; A goes on
   * proxying (B took A's state and gave it back: nothing of B's that closing it stops stays in A).
   */
  @Test
  void a_swap_rolled_back_and_the_other_gateway_closed_leaves_the_first_serving() throws Exception {
    require(ConformanceItem.SWAP_IN_FLIGHT);
    Gateway a = kitGateway("A");
    Gateway b = kitGateway("B");
    try (AdapterMount.Running own = mount.start(a)) {
      try (RawHttp client = RawHttp.connect(own.port())) {
        assertThat(proxiedStatus(client, "GET")).as("%s: on A", mount.name()).isEqualTo(200);
        own.swap(b);
        assertThat(proxiedStatus(client, "GET")).as("%s: on B", mount.name()).isEqualTo(200);
        assertThat(own.swap(a)).as("%s: rolled back", mount.name()).isSameAs(b);
        assertThat(poll(() -> own.drained(b).toCompletableFuture().isDone())).isTrue();
        b.close();
        assertThat(which(client)).isEqualTo("A");
        for (String method : List.of("HEAD", "GET", "HEAD")) {
          assertThat(proxiedStatus(client, method)).as("%s: %s on A after B closed", mount.name(), method).isEqualTo(200);
        }
      }
    } finally {
      a.close();
      b.close();
    }
  }

  private int proxiedStatus(RawHttp client, String method) throws IOException {
    client.send(method + " " + target("/_kit/status?code=200") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
    RawHttp.Head res = client.readHead();
    if (!method.equals("HEAD")) {
      client.readBody(res);
    }
    return res.status();
  }

  private String which(RawHttp client) throws IOException {
    client.send("GET " + target("/which") + " HTTP/1.1\r\nHost: kit.test\r\n\r\n");
    RawHttp.Head res = client.readHead();
    assertThat(res.status()).as("%s: %s", mount.name(), res).isEqualTo(200);
    return new String(client.readBody(res), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- GRACEFUL_STOP

  /** What a graceful stop with a request in flight looked like to clients. */
  private record StopSeen(RawHttp.Head inFlight, String inFlightBody, boolean stopWaited, boolean clean,
      Optional<RawHttp.Head> refusal, Optional<String> refusalBody, boolean refusedReachedUpstream,
      Optional<RawHttp.Head> freshConnection) {}

  /**
   * {@link ConformanceItem#GRACEFUL_STOP}: a request in flight when the stop begins finishes
   * whole, and the stop waits for it; a request on a connection already open is refused (503, or
   * the connection closed) and never reaches the upstream, as is one on a new connection (refused
   * at connect, or 503).
   */
  @Test
  void a_graceful_stop_lets_requests_in_flight_finish_and_keeps_new_ones_from_the_gateway() throws Exception {
    require(ConformanceItem.GRACEFUL_STOP);
    StopSeen seen = stopWithARequestInFlight();
    assertThat(seen.inFlight().status()).as("%s: the request in flight", mount.name()).isEqualTo(200);
    assertThat(seen.inFlightBody()).startsWith("held ");
    assertThat(seen.stopWaited()).as("%s: stop waited for the request in flight", mount.name()).isTrue();
    assertThat(seen.clean()).as("%s: stop reports the requests in flight finished", mount.name()).isTrue();
    seen.refusal().ifPresent(h -> assertThat(h.status()).as("%s: a refusal", mount.name()).isEqualTo(503));
    assertThat(seen.refusedReachedUpstream()).as("%s: a refused request reached the upstream", mount.name()).isFalse();
    seen.freshConnection().ifPresent(h -> assertThat(h.status()).as("%s: a new connection", mount.name()).isEqualTo(503));
  }

  /**
   * {@link ConformanceItem#STOP_REFUSAL_IS_A_PROBLEM}: the refusal of a request on an open
   * connection during a graceful stop is 503 problem+json with {@code Connection: close}.
   */
  @Test
  void a_request_refused_during_a_graceful_stop_gets_a_503_problem_and_close() throws Exception {
    require(ConformanceItem.STOP_REFUSAL_IS_A_PROBLEM);
    StopSeen seen = stopWithARequestInFlight();
    RawHttp.Head refusal = seen.refusal().orElseGet(() -> fail("%s: the request on an open connection was not answered"
        + " (the connection was closed)", mount.name()));
    assertThat(refusal.status()).isEqualTo(503);
    assertThat(refusal.first("Content-Type")).as("%s: %s", mount.name(), refusal).contains(ProblemResponse.CONTENT_TYPE);
    assertThat(refusal.connectionTokens()).as("%s: %s", mount.name(), refusal).contains("close");
    JsonNode problem = JSON.readTree(seen.refusalBody().orElse("{}"));
    assertThat(problem.path("title").asText()).isEqualTo(ProblemResponse.title(503));
    assertThat(problem.path("status").asInt()).isEqualTo(503);
  }

  private StopSeen stopWithARequestInFlight() throws Exception {
    Gateway g = kitGateway("S");
    String hold = rowId();
    AdapterMount.Running own = mount.start(g);
    // Idle keep-alive connections to probe with: a probe answered just as the stop begins may end
    // its connection (Connection: close), and new connections may be refused by then.
    List<RawHttp> idle = new ArrayList<>();
    try (RawHttp inFlight = RawHttp.connect(own.port())) {
      for (int i = 0; i < 3; i++) {
        idle.add(RawHttp.connect(own.port()));
        assertThat(which(idle.get(i))).isEqualTo("S");
      }
      int from = upstream.count();
      inFlight.send("GET " + target("/_kit/hold?id=" + hold) + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + hold
          + "\r\n\r\n");
      KitUpstream.Received held = upstreamGot(from, hold);
      assertThat(poll(() -> held.state == KitUpstream.State.HELD)).isTrue();

      Future<Boolean> stop = kitThreads.submit(() -> own.stop(Duration.ofSeconds(20)));
      // Until the stop has begun, a request on an idle connection still reaches the gateway.
      Optional<RawHttp.Head> refusal = Optional.empty();
      Optional<String> refusalBody = Optional.empty();
      String probe = null;
      int probeFrom = upstream.count();
      long deadline = System.nanoTime() + WAIT.toNanos();
      boolean refused = false;
      int connection = 0;
      while (!refused && System.nanoTime() < deadline) {
        assertThat(connection).as("%s: every idle connection was closed by answers before the stop refused one",
            mount.name()).isLessThan(idle.size());
        RawHttp client = idle.get(connection);
        probe = rowId();
        probeFrom = upstream.count();
        try {
          client.send("GET " + target("/probe") + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + probe + "\r\n\r\n");
          RawHttp.Head res = client.readHead();
          String body = new String(client.readBody(res), StandardCharsets.UTF_8);
          if (res.status() != 200) {
            refusal = Optional.of(res);
            refusalBody = Optional.of(body);
            refused = true;
          } else if (res.connectionTokens().contains("close")) {
            connection++;
          } else {
            TimeUnit.MILLISECONDS.sleep(10);
          }
        } catch (IOException closed) {
          refused = true;
        }
      }
      assertThat(refused).as("%s: a request on an open connection was refused within %s of the stop", mount.name(), WAIT)
          .isTrue();
      boolean stopWaited = !stop.isDone();
      Optional<RawHttp.Head> fresh = Optional.empty();
      try (RawHttp late = RawHttp.connect(own.port())) {
        late.send("GET " + target("/late") + " HTTP/1.1\r\nHost: kit.test\r\nX-Kit-Row: " + probe + "-late\r\n\r\n");
        fresh = Optional.of(late.readHead());
      } catch (IOException refusedOrClosed) {
        // refused at connect, or closed without an answer: both keep it from the gateway
      }
      boolean reached = upstreamGotAny(probeFrom, probe) || upstreamGotAny(probeFrom, probe + "-late");

      upstream.release(hold);
      RawHttp.Head res = inFlight.readHead();
      String body = new String(inFlight.readBody(res), StandardCharsets.UTF_8);
      boolean clean = stop.get(30, TimeUnit.SECONDS);
      return new StopSeen(res, body, stopWaited, clean, refusal, refusalBody, reached, fresh);
    } finally {
      upstream.release(hold);
      for (RawHttp c : idle) {
        c.close();
      }
      own.close();
      g.close();
    }
  }

  /** Waits, bounded, until {@code condition} holds. */
  private static boolean poll(BooleanSupplier condition) {
    return Poll.within(WAIT).until(condition::getAsBoolean, Boolean::booleanValue);
  }

  @Override
  public String toString() {
    return "AdapterConformance[" + (mount == null ? "not started" : mount.name()) + "]";
  }
}
