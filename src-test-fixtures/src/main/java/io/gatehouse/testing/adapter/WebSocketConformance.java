package io.gatehouse.testing.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.Unstable;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.route.WebSocket;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket.Listener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WebSocket proxying, one suite for every mount that can switch a client connection, over real
 * sockets: an Undertow WebSocket echo upstream, the JDK's WebSocket client, and a raw socket client
 * for hostile handshakes and frames. Extend it once per mount:
 *
 * <pre>{@code
 * class UndertowWebSocketOverSocketsTest extends WebSocketConformance {
 *   @Override
 *   protected AdapterMount mount() {
 *     return new MyStandaloneMount();
 *   }
 * }
 * }</pre>
 *
 * <p>It covers text, binary, fragmented and ping/pong frames, close codes both ways, a 10 MiB
 * message and its request record (status 101, bytes each way), the frame and message limits
 * (1009), hostile frames (1002), the idle timeout and either side leaving (1001), the opening
 * handshake's rules, auth and rate limits before the switch, an upstream's refusal and a bad 101,
 * and back-pressure both ways (a slow upstream holds the client back, a slow client holds the
 * upstream back). The echo upstream needs {@code io.undertow:undertow-core} on the test class
 * path (an optional dependency of the fixtures). Only the mount's {@link AdapterMount#name()},
 * {@link AdapterMount#prefix()} and {@link AdapterMount#start(Gateway)} are used; the mount's
 * server must keep an idle connection open for some seconds.
 *
 * @since 0.1
 */
@Unstable
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class WebSocketConformance {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<String> upstreamClosed = new CopyOnWriteArrayList<>();
  private final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private Undertow echo;
  private AdapterMount mount;
  private String prefix;
  private Gateway gateway;
  private AdapterMount.Running running;

  /** For subclasses. */
  protected WebSocketConformance() {}

  /**
   * The mount under test; called once, before the first test.
   *
   * <p>{@code return new UndertowStandaloneMount();}
   *
   * @return the mount
   */
  protected abstract AdapterMount mount();

  @BeforeAll
  final void start() throws Exception {
    mount = Objects.requireNonNull(mount(), "mount()");
    prefix = Objects.requireNonNull(mount.prefix(), "prefix()");
    echo = Undertow.builder().addHttpListener(0, "127.0.0.1")
        .setHandler(Handlers.path()
            .addPrefixPath("/ws", Handlers.websocket((exchange, channel) -> {
              String path = exchange.getRequestURI();
              channel.addCloseTask(c -> upstreamClosed.add(path));
              channel.getReceiveSetter().set(new AbstractReceiveListener() {
                @Override
                protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                  String text = message.getData();
                  upstreamSaw.add(text);
                  if (text.equals("close me")) {
                    WebSockets.sendClose(4002, "as asked", ch, null);
                  } else if (text.equals("drop me")) {
                    try {
                      ch.close();
                    } catch (IOException ignored) {
                      // the test sees the result
                    }
                  } else {
                    WebSockets.sendText(text, ch, null);
                  }
                }

                @Override
                protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                  ByteBuffer[] data = message.getData().getResource();
                  WebSockets.sendBinary(data, ch, null);
                }
              });
              channel.resumeReceives();
            }))
            .addPrefixPath("/deny", exchange -> {
              exchange.setStatusCode(403);
              exchange.getResponseSender().send("{\"why\":\"no\"}");
            }))
        .build();
    echo.start();
    int echoPort = ((InetSocketAddress) echo.getListenerInfo().get(0).getAddress()).getPort();
    String up = "http://127.0.0.1:" + echoPort;
    gateway = Gateway.builder().accessLog(false)
        .observer(records::add)
        .consumer(ApiConsumer.builder("c").apiKey("k-0123456789abcdef").build())
        .route("ws", r -> r.path("/ws/**").webSocket().upstream(up))
        .route("deny", r -> r.path("/deny/**").webSocket().upstream(up))
        .route("small", r -> r.path("/small/**").stripPrefix(1)
            .webSocket(WebSocket.of().maxFrameSize(1000).maxMessageSize(2000)).upstream(up))
        .route("idle", r -> r.path("/idle/**").stripPrefix(1).webSocket(WebSocket.of().idleTimeout(Duration.ofMillis(300)))
            .upstream(up))
        .route("private", r -> r.path("/private/**").stripPrefix(1).auth(Auth.apiKey()).webSocket().upstream(up))
        .route("limited", r -> r.path("/limited/**").stripPrefix(1)
            .rateLimit(RateLimit.perRoute(1).per(Duration.ofMinutes(1))).webSocket().upstream(up))
        .build();
    running = mount.start(gateway);
  }

  @AfterAll
  final void stop() {
    try {
      if (running != null) {
        running.close();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
      if (echo != null) {
        echo.stop();
      }
    }
  }

  // ------------------------------------------------------------------ the JDK client

  /** Collects what a JDK WebSocket receives. */
  static final class Inbox implements Listener {
    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        messages.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
      messages.add("pong:" + StandardCharsets.UTF_8.decode(message));
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(java.net.http.WebSocket ws, Throwable error) {
      closed.completeExceptionally(error);
    }

    Object next() throws InterruptedException {
      Object m = messages.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("a message within 10 s").isNotNull();
      return m;
    }
  }

  private java.net.http.WebSocket connect(String path, Inbox inbox) {
    return HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + running.port() + prefix + path), inbox).join();
  }

  @Test
  void text_binary_and_ping_pass_both_ways() throws Exception {
    Inbox inbox = new Inbox();
    java.net.http.WebSocket ws = connect("/ws/echo", inbox);
    ws.sendText("hello", true).join();
    assertThat(inbox.next()).isEqualTo("hello");
    ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 0, -1}), true).join();
    assertThat((byte[]) inbox.next()).containsExactly(1, 2, 3, 0, -1);
    ws.sendText("frag", false).join();
    ws.sendText("mented", true).join();
    assertThat(inbox.next()).isEqualTo("fragmented");
    ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).join();
    assertThat(inbox.next()).isEqualTo("pong:are you there");
    ws.sendClose(1000, "done").join();
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void the_clients_close_code_reaches_the_upstream_and_its_answer_comes_back() throws Exception {
    Inbox inbox = new Inbox();
    java.net.http.WebSocket ws = connect("/ws/echo", inbox);
    ws.sendClose(4001, "bye").join();
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).as("the upstream echoes the code").isEqualTo(4001);
  }

  @Test
  void the_upstreams_close_code_reaches_the_client() throws Exception {
    Inbox inbox = new Inbox();
    java.net.http.WebSocket ws = connect("/ws/echo", inbox);
    ws.sendText("close me", true).join();
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4002);
  }

  @Test
  void a_ten_mib_message_passes_whole_and_the_session_is_recorded() throws Exception {
    byte[] big = new byte[10 * 1024 * 1024];
    ThreadLocalRandom.current().nextBytes(big);
    Inbox inbox = new Inbox();
    java.net.http.WebSocket ws = connect("/ws/big", inbox);
    ws.sendBinary(ByteBuffer.wrap(big), true).join();
    Object back = inbox.messages.poll(30, TimeUnit.SECONDS);
    assertThat(back).isInstanceOf(byte[].class);
    assertThat(Arrays.equals((byte[]) back, big)).as("the same 10 MiB").isTrue();
    ws.sendClose(1000, "").join();
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    RequestRecord record = awaitRecord("/ws/big");
    assertThat(record.status()).isEqualTo(101);
    assertThat(record.routeId()).contains("ws");
    assertThat(record.bytesIn()).as("client to upstream: the message and its frame headers, plus the close")
        .isGreaterThan(big.length).isLessThan(big.length + 64 * 1024);
    assertThat(record.bytesOut()).isGreaterThan(big.length).isLessThan(big.length + 64 * 1024);
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 400; i++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(25);
    }
    return condition.getAsBoolean();
  }

  private RequestRecord awaitRecord(String path) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      for (RequestRecord r : records) {
        if (r.path().equals(path)) {
          return r;
        }
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no record for " + path + " in " + records);
  }

  @Test
  void a_message_over_the_routes_limit_closes_the_sender_with_1009() throws Exception {
    Inbox inbox = new Inbox();
    java.net.http.WebSocket ws = connect("/small/ws/limit", inbox);
    ws.sendText("x".repeat(500), true).join();
    assertThat(inbox.next()).isEqualTo("x".repeat(500));
    ws.sendText("y".repeat(900), false).join();
    ws.sendText("y".repeat(900), false).join();
    ws.sendText("y".repeat(900), true).join();
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    assertThat(upstreamSaw).noneMatch(s -> s.startsWith("yyy"));
  }

  @Test
  void an_idle_session_is_closed_on_both_sides_with_1001() throws Exception {
    Inbox inbox = new Inbox();
    long start = System.nanoTime();
    connect("/idle/ws/idle", inbox);
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(eventually(() -> upstreamClosed.contains("/ws/idle")))
        .as("the upstream's side closed too: %s", upstreamClosed).isTrue();
  }

  @Test
  void an_upstream_that_drops_the_connection_closes_the_client_with_1001() throws Exception {
    Inbox inbox = new Inbox();
    java.net.http.WebSocket ws = connect("/ws/drop", inbox);
    ws.sendText("drop me", true).join();
    assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
  }

  // ------------------------------------------------------------------ raw sockets

  /** A raw client: writes bytes, reads an HTTP head, then frames. */
  static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    /** Sends a head; returns the answer's head and, for a problem, its body (what failures show). */
    String exchange(String head) throws IOException {
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String answer = readHead();
      if (answer.contains("application/problem+json")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(answer);
        if (m.find()) {
          answer += new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8);
        }
      }
      return answer;
    }

    String readHead() throws IOException {
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

    byte[] readAll() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        b.write(buf, 0, n);
      }
      return b.toByteArray();
    }

    void send(byte[] frame) throws IOException {
      out.write(frame);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static String upgrade(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n";
  }

  /** A client frame: masked with a zero key unless {@code masked} is false. */
  static byte[] frame(int b0, boolean masked, byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(b0);
    int m = masked ? 0x80 : 0;
    if (payload.length < 126) {
      f.write(m | payload.length);
    } else if (payload.length < 65536) {
      f.write(m | 126);
      f.write(payload.length >> 8);
      f.write(payload.length);
    } else {
      f.write(m | 127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >> (8 * i)));
      }
    }
    if (masked) {
      f.writeBytes(new byte[4]);
    }
    f.writeBytes(payload);
    return f.toByteArray();
  }

  private static int closeCode(byte[] bytes) {
    // The last frame before the end of the connection: a close frame with a code.
    for (int i = 0; i + 3 < bytes.length; i++) {
      if ((bytes[i] & 0xFF) == 0x88 && bytes[i + 1] == 2 && i + 4 == bytes.length) {
        return ((bytes[i + 2] & 0xFF) << 8) | (bytes[i + 3] & 0xFF);
      }
    }
    throw new AssertionError("no close frame at the end of " + Arrays.toString(bytes));
  }

  @Test
  void a_valid_handshake_gets_101_with_the_upstreams_accept() throws Exception {
    try (Raw raw = new Raw(running.port())) {
      String head = raw.exchange(upgrade(prefix + "/ws/raw") + "\r\n");
      assertThat(head).startsWith("HTTP/1.1 101 ").containsIgnoringCase("upgrade: websocket")
          .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
          .doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
    }
  }

  enum BadHandshake {
    NO_KEY(upgrade("/ws/x").replace("Sec-WebSocket-Key: " + KEY + "\r\n", ""), 400),
    SHORT_KEY(upgrade("/ws/x").replace(KEY, Base64.getEncoder().encodeToString(new byte[15])), 400),
    LONG_KEY(upgrade("/ws/x").replace(KEY, Base64.getEncoder().encodeToString(new byte[17])), 400),
    KEY_NOT_BASE64(upgrade("/ws/x").replace(KEY, "!GhlIHNhbXBsZSBub25jZQ=="), 400),
    TWO_KEYS(upgrade("/ws/x") + "Sec-WebSocket-Key: " + KEY + "\r\n", 400),
    NO_VERSION(upgrade("/ws/x").replace("Sec-WebSocket-Version: 13\r\n", ""), 400),
    VERSION_8(upgrade("/ws/x").replace("Version: 13", "Version: 8"), 426),
    CONNECTION_WITHOUT_UPGRADE(upgrade("/ws/x").replace("Connection: Upgrade", "Connection: keep-alive"), 400),
    POST(upgrade("/ws/x").replace("GET ", "POST ") + "Content-Length: 0\r\n", 400),
    HTTP_1_0(upgrade("/ws/x").replace("HTTP/1.1", "HTTP/1.0"), 400);

    final String head;
    final int status;

    BadHandshake(String head, int status) {
      this.head = head;
      this.status = status;
    }
  }

  @ParameterizedTest
  @EnumSource(BadHandshake.class)
  void a_bad_handshake_gets_a_problem_and_no_upgrade(BadHandshake bad) throws Exception {
    try (Raw raw = new Raw(running.port())) {
      String head = raw.exchange(bad.head.replace("GET /ws/x ", "GET " + prefix + "/ws/x ")
          .replace("POST /ws/x ", "POST " + prefix + "/ws/x ") + "\r\n");
      assertThat(head).matches("(?s)HTTP/1\\.[01] " + bad.status + " .*").contains("application/problem+json")
          .doesNotContain("Sec-WebSocket-Accept");
      if (bad.status == 426) {
        assertThat(head).contains("Sec-WebSocket-Version: 13");
      }
    }
  }

  @Test
  void auth_runs_before_the_upgrade_and_refuses_with_401() throws Exception {
    try (Raw raw = new Raw(running.port())) {
      assertThat(raw.exchange(upgrade(prefix + "/private/ws/x") + "\r\n")).startsWith("HTTP/1.1 401 ");
    }
    try (Raw raw = new Raw(running.port())) {
      assertThat(raw.exchange(upgrade(prefix + "/private/ws/x") + "X-API-Key: k-0123456789abcdef\r\n\r\n"))
          .startsWith("HTTP/1.1 101 ");
    }
  }

  @Test
  void rate_limits_apply_to_upgrades() throws Exception {
    try (Raw raw = new Raw(running.port())) {
      assertThat(raw.exchange(upgrade(prefix + "/limited/ws/x") + "\r\n")).startsWith("HTTP/1.1 101 ");
    }
    try (Raw raw = new Raw(running.port())) {
      assertThat(raw.exchange(upgrade(prefix + "/limited/ws/x") + "\r\n")).startsWith("HTTP/1.1 429 ");
    }
  }

  @Test
  void an_upstreams_refusal_passes_back_as_it_is() throws Exception {
    try (Raw raw = new Raw(running.port())) {
      String head = raw.exchange(upgrade(prefix + "/deny/x") + "\r\n");
      assertThat(head).startsWith("HTTP/1.1 403 ").doesNotContain("Sec-WebSocket-Accept");
      byte[] body = new byte[12];
      assertThat(raw.in.readNBytes(body, 0, 12)).isEqualTo(12);
      assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"why\":\"no\"}");
    }
  }

  @Test
  void a_client_that_leaves_closes_the_upstreams_side() throws Exception {
    // The idle route's watched path counts the close; the client leaves long before its timeout.
    try (Raw raw = new Raw(running.port())) {
      assertThat(raw.exchange(upgrade(prefix + "/ws/left") + "\r\n")).startsWith("HTTP/1.1 101 ");
    }
    assertThat(eventually(() -> upstreamClosed.contains("/ws/left"))).as("closed: %s", upstreamClosed).isTrue();
  }

  enum Hostile {
    UNMASKED(frame(0x81, false, "hi".getBytes(StandardCharsets.UTF_8)), 1002),
    RESERVED_BIT(frame(0x81 | 0x40, true, "hi".getBytes(StandardCharsets.UTF_8)), 1002),
    RESERVED_OPCODE(frame(0x83, true, "hi".getBytes(StandardCharsets.UTF_8)), 1002),
    RESERVED_CONTROL_OPCODE(frame(0x8B, true, new byte[0]), 1002),
    LONG_PING(frame(0x89, true, new byte[126]), 1002),
    FRAGMENTED_PING(frame(0x09, true, new byte[1]), 1002),
    CONTINUATION_FIRST(frame(0x80, true, "hi".getBytes(StandardCharsets.UTF_8)), 1002),
    CLOSE_WITH_ONE_BYTE(frame(0x88, true, new byte[1]), 1002),
    NON_MINIMAL_LENGTH(new byte[] {(byte) 0x81, (byte) (0x80 | 126), 0, 5, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'}, 1002),
    TOP_BIT_LENGTH(new byte[] {(byte) 0x82, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}, 1002),
    FRAME_OVER_LIMIT(frame(0x82, true, new byte[1001]), 1009),
    MESSAGE_OVER_LIMIT(concat(frame(0x02, true, new byte[1000]), frame(0x00, true, new byte[1000]),
        frame(0x80, true, new byte[1])), 1009);

    final byte[] bytes;
    final int code;

    Hostile(byte[] bytes, int code) {
      this.bytes = bytes;
      this.code = code;
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(Hostile.class)
  void a_frame_that_breaks_the_rules_closes_the_client_and_never_reaches_the_upstream(Hostile hostile) throws Exception {
    String marker = "before-" + hostile.name();
    try (Raw raw = new Raw(running.port())) {
      assertThat(raw.exchange(upgrade(prefix + "/small/ws/hostile") + "\r\n")).startsWith("HTTP/1.1 101 ");
      // A valid frame first, in the same write: it passes, the bad one after it does not.
      raw.send(concat(frame(0x81, true, marker.getBytes(StandardCharsets.UTF_8)), hostile.bytes));
      byte[] got = raw.readAll();
      assertThat(closeCode(got)).as("the close frame the client gets, then the end").isEqualTo(hostile.code);
    }
    assertThat(eventually(() -> upstreamSaw.contains(marker))).as("the valid frame before it passed").isTrue();
    assertThat(upstreamSaw).noneMatch(s -> s.equals("hi"));
  }

  @Test
  void a_route_without_web_socket_strips_the_upgrade_as_before() throws Exception {
    try (ServerSocket plain = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Gateway g = Gateway.builder().accessLog(false)
            .route("plain", r -> r.path("/**").upstream("http://127.0.0.1:" + plain.getLocalPort())).build()) {
      AdapterMount.Running s = mount.start(g);
      try {
        CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
          try (Socket c = plain.accept()) {
            c.setSoTimeout(10_000);
            StringBuilder b = new StringBuilder();
            InputStream in = c.getInputStream();
            while (!b.toString().endsWith("\r\n\r\n")) {
              b.append((char) in.read());
            }
            c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            return b.toString();
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
        try (Raw raw = new Raw(s.port())) {
          assertThat(raw.exchange(upgrade(prefix + "/x") + "\r\n")).startsWith("HTTP/1.1 200 ");
        }
        String head = seen.get(10, TimeUnit.SECONDS);
        assertThat(head.toLowerCase()).doesNotContain("upgrade:").doesNotContain("connection: upgrade");
      } finally {
        s.close();
      }
    }
  }

  @Test
  void an_upstream_101_with_the_wrong_accept_gets_502() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Gateway g = Gateway.builder().accessLog(false)
            .route("ws", r -> r.path("/**").webSocket().upstream("http://127.0.0.1:" + fake.getLocalPort())).build()) {
      AdapterMount.Running s = mount.start(g);
      try {
        CompletableFuture.runAsync(() -> {
          try (Socket c = fake.accept()) {
            c.setSoTimeout(10_000);
            InputStream in = c.getInputStream();
            StringBuilder b = new StringBuilder();
            while (!b.toString().endsWith("\r\n\r\n")) {
              b.append((char) in.read());
            }
            c.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            c.getInputStream().read();
          } catch (IOException ignored) {
            // closed by the gateway
          }
        });
        try (Raw raw = new Raw(s.port())) {
          assertThat(raw.exchange(upgrade(prefix + "/x") + "\r\n")).startsWith("HTTP/1.1 502 ");
        }
      } finally {
        s.close();
      }
    }
  }

  @Test
  void a_slow_upstream_holds_the_client_back_instead_of_the_gateway_buffering() throws Exception {
    CountDownLatch readNow = new CountDownLatch(1);
    AtomicLong upstreamGot = new AtomicLong();
    long total = 64L * 1024 * 1024;
    try (ServerSocket slow = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Gateway g = Gateway.builder().accessLog(false)
            .route("ws", r -> r.path("/**").webSocket(WebSocket.of().maxMessageSize(Long.MAX_VALUE))
                .upstream("http://127.0.0.1:" + slow.getLocalPort())).build()) {
      AdapterMount.Running s = mount.start(g);
      try {
        CompletableFuture<Void> upstream = CompletableFuture.runAsync(() -> {
          try (Socket c = slow.accept()) {
            c.setReceiveBufferSize(64 * 1024);
            InputStream in = c.getInputStream();
            StringBuilder b = new StringBuilder();
            String key = null;
            while (!b.toString().endsWith("\r\n\r\n")) {
              b.append((char) in.read());
            }
            for (String line : b.toString().split("\r\n")) {
              if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                key = line.substring(18).strip();
              }
            }
            String accept = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            c.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            readNow.await(30, TimeUnit.SECONDS);
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
              upstreamGot.addAndGet(n);
            }
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        });
        AtomicLong written = new AtomicLong();
        byte[] chunk = frame(0x02, true, new byte[64 * 1024 - 14]); // binary frames of one long message
        byte[] cont = frame(0x00, true, new byte[64 * 1024 - 14]);
        try (Raw raw = new Raw(s.port())) {
          raw.socket.setSendBufferSize(64 * 1024);
          assertThat(raw.exchange(upgrade(prefix + "/x") + "\r\n")).startsWith("HTTP/1.1 101 ");
          Thread writer = new Thread(() -> {
            try {
              raw.send(chunk);
              written.addAndGet(chunk.length);
              while (written.get() < total) {
                raw.send(cont);
                written.addAndGet(cont.length);
              }
            } catch (IOException ignored) {
              // the test ends the connection
            }
          });
          writer.start();
          long stalledAt = -1;
          for (int i = 0; i < 100; i++) {
            long before = written.get();
            Thread.sleep(100);
            if (written.get() == before && before > 0) {
              stalledAt = before;
              break;
            }
          }
          assertThat(stalledAt).as("the client's writes stall while the upstream does not read").isPositive()
              .isLessThan(24L * 1024 * 1024);
          readNow.countDown();
          for (int i = 0; i < 300 && upstreamGot.get() < total; i++) {
            Thread.sleep(50);
          }
          assertThat(upstreamGot.get()).as("every byte arrives once the upstream reads")
              .isGreaterThanOrEqualTo(written.get() - cont.length * 2L);
          raw.socket.close(); // ends the writer
          writer.join(10_000);
        }
        upstream.get(20, TimeUnit.SECONDS);
      } finally {
        s.close();
      }
    }
  }

  @Test
  void a_slow_client_holds_the_upstream_back_instead_of_the_gateway_buffering() throws Exception {
    CountDownLatch sent = new CountDownLatch(1);
    AtomicLong upstreamWrote = new AtomicLong();
    long total = 64L * 1024 * 1024;
    byte[] first = serverFrame(0x02, 64 * 1024 - 10); // one long binary message from the upstream
    byte[] next = serverFrame(0x00, 64 * 1024 - 10);
    try (ServerSocket fast = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Gateway g = Gateway.builder().accessLog(false)
            .route("ws", r -> r.path("/**").webSocket(WebSocket.of().maxMessageSize(Long.MAX_VALUE))
                .upstream("http://127.0.0.1:" + fast.getLocalPort())).build()) {
      AdapterMount.Running s = mount.start(g);
      try {
        CompletableFuture<Void> upstream = CompletableFuture.runAsync(() -> {
          try (Socket c = fast.accept()) {
            c.setSendBufferSize(64 * 1024);
            answer101(c);
            OutputStream out = c.getOutputStream();
            out.write(first);
            upstreamWrote.addAndGet(first.length);
            while (upstreamWrote.get() < total) {
              out.write(next);
              upstreamWrote.addAndGet(next.length);
            }
            out.flush();
            sent.countDown();
            c.getInputStream().read(); // until the gateway closes
          } catch (Exception e) {
            sent.countDown();
          }
        });
        try (Raw raw = new Raw(s.port())) {
          raw.socket.setReceiveBufferSize(64 * 1024);
          assertThat(raw.exchange(upgrade(prefix + "/x") + "\r\n")).startsWith("HTTP/1.1 101 ");
          long stalledAt = -1;
          for (int i = 0; i < 100; i++) {
            long before = upstreamWrote.get();
            Thread.sleep(100);
            if (upstreamWrote.get() == before && before > 0) {
              stalledAt = before;
              break;
            }
          }
          assertThat(stalledAt).as("the upstream's writes stall while the client does not read").isPositive()
              .isLessThan(24L * 1024 * 1024);
          long read = 0;
          byte[] buf = new byte[64 * 1024];
          long expected = first.length + (total - first.length + next.length - 1) / next.length * next.length;
          while (read < expected) {
            int n = raw.in.read(buf);
            if (n < 0) {
              break;
            }
            read += n;
          }
          assertThat(read).as("every byte arrives once the client reads").isEqualTo(upstreamWrote.get());
          assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
        }
        upstream.get(20, TimeUnit.SECONDS);
      } finally {
        s.close();
      }
    }
  }

  /** An unmasked frame of zeros from a server, with a 16-bit length. */
  private static byte[] serverFrame(int b0, int payload) {
    byte[] f = new byte[4 + payload];
    f[0] = (byte) b0;
    f[1] = 126;
    f[2] = (byte) (payload >> 8);
    f[3] = (byte) payload;
    return f;
  }

  /** Reads an upgrade's head from a hand-made upstream and answers 101 with the right accept. */
  private static void answer101(Socket c) throws Exception {
    InputStream in = c.getInputStream();
    StringBuilder b = new StringBuilder();
    String key = null;
    while (!b.toString().endsWith("\r\n\r\n")) {
      int ch = in.read();
      if (ch < 0) {
        throw new IOException("the gateway closed before the upgrade's head ended");
      }
      b.append((char) ch);
    }
    for (String line : b.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
        key = line.substring(18).strip();
      }
    }
    String accept = Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-1")
        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
    c.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }
}
