package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamServerTest {
  private final UpstreamServer server = UpstreamServer.start();
  private final HttpClient client = newClient();

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void answers_200_ok_naming_itself_and_records_the_request() throws Exception {
    HttpResponse<String> res = get(client, "/orders/7?x=1");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("ok");
    assertThat(res.headers().firstValue("X-Upstream")).hasValue(String.valueOf(server.port()));
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());

    RecordedRequest seen = server.received().get(0);
    assertThat(seen.origin()).isEqualTo(server.url());
    assertThat(seen.method()).isEqualTo("GET");
    assertThat(seen.path()).isEqualTo("/orders/7");
    assertThat(seen.rawQuery()).hasValue("x=1");
    assertThat(server.requestCount()).isEqualTo(1);
  }

  @Test
  void keeps_a_connection_alive_across_requests() throws Exception {
    assertThat(get(client, "/a").statusCode()).isEqualTo(200);
    assertThat(get(client, "/b").statusCode()).isEqualTo(200);
    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(server.connectionCount()).isEqualTo(1);
  }

  @Test
  void closes_the_connection_when_the_client_asks() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(
          "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n").endsWith("\r\n\r\nok");
    }
  }

  @Test
  void records_a_body_sent_with_content_length_exactly() throws Exception {
    HttpRequest post = HttpRequest.newBuilder(uri("/orders"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":7}")).build();
    assertThat(client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    RecordedRequest seen = server.received().get(0);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.headers().first("Content-Length")).hasValue("8");
    assertThat(seen.bodyText()).isEqualTo("{\"id\":7}");
  }

  @Test
  void records_a_chunked_body_exactly() throws Exception {
    byte[] bytes = new byte[100_000];
    new Random(7).nextBytes(bytes);
    HttpRequest post = HttpRequest.newBuilder(uri("/upload"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
    assertThat(client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    RecordedRequest seen = server.received().get(0);
    assertThat(seen.headers().first("Transfer-Encoding")).hasValue("chunked");
    assertThat(seen.body()).isEqualTo(bytes);
  }

  @Test
  void fail_next_gives_the_status_that_many_times_then_the_standing_answer() throws Exception {
    server.respond(200, "fine").failNext(2, 503);
    assertThat(get(client, "/").statusCode()).isEqualTo(503);
    assertThat(get(client, "/").statusCode()).isEqualTo(503);
    HttpResponse<String> third = get(client, "/");
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.body()).isEqualTo("fine");
  }

  @Test
  void standing_answers_one_shot_answers_and_rules_each_answer_as_set() throws Exception {
    server.respond(204);
    assertThat(get(client, "/").statusCode()).isEqualTo(204);

    server.respond(202, "application/json", "{\"queued\":true}");
    HttpResponse<String> json = get(client, "/");
    assertThat(json.statusCode()).isEqualTo(202);
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.body()).isEqualTo("{\"queued\":true}");

    server.respond(Response.builder(200).header("X-Kind", "standing").body(Body.of("standing")).build())
        .thenRespond(Response.of(429));
    assertThat(get(client, "/").statusCode()).as("the one-shot answer first").isEqualTo(429);
    HttpResponse<String> standing = get(client, "/");
    assertThat(standing.statusCode()).isEqualTo(200);
    assertThat(standing.body()).isEqualTo("standing");
    assertThat(standing.headers().firstValue("X-Kind")).hasValue("standing");

    assertThat(server.when("DELETE", "/orders/*").respond(405)).isSameAs(server);
    assertThat(client.send(HttpRequest.newBuilder(uri("/orders/7")).DELETE().timeout(Duration.ofSeconds(3)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    assertThat(get(client, "/orders/7").statusCode()).as("other methods keep the standing answer").isEqualTo(200);
  }

  @Test
  void respond_with_answers_from_the_request() throws Exception {
    server.respondWith(request -> Response.builder(201).header("X-Upstream", "orders-a")
        .body(Body.of(request.method() + " " + request.path())).build());
    HttpResponse<String> res = get(client, "/orders/7");
    assertThat(res.statusCode()).isEqualTo(201);
    assertThat(res.body()).isEqualTo("GET /orders/7");
    assertThat(res.headers().firstValue("X-Upstream")).hasValue("orders-a");
  }

  @Test
  void a_delay_holds_the_response_back() throws Exception {
    server.delay(Duration.ofMillis(200));
    long start = System.nanoTime();
    assertThat(get(client, "/").statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
  }

  @Test
  void a_reset_gives_the_client_an_io_exception_until_the_server_is_healthy() throws Exception {
    server.reset();
    assertThatThrownBy(() -> get(client, "/")).isInstanceOf(IOException.class);
    assertThat(server.requestCount()).isGreaterThanOrEqualTo(1);
    server.healthy();
    assertThat(get(newClient(), "/").statusCode()).isEqualTo(200);
  }

  @Test
  void reset_next_resets_only_that_many_requests() throws Exception {
    server.resetNext(1);
    // A POST, because the JDK client retries a GET once when its connection dies before an answer.
    HttpRequest post = HttpRequest.newBuilder(uri("/")).POST(HttpRequest.BodyPublishers.ofString("x")).build();
    assertThatThrownBy(() -> client.send(post, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    assertThat(newClient().send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(server.requestCount()).isEqualTo(2);
  }

  @Test
  void refuse_refuses_connects_and_resume_serves_again_on_the_same_port() throws Exception {
    int port = server.port();
    assertThat(get(client, "/").statusCode()).isEqualTo(200);
    server.refuse();
    assertThatThrownBy(() -> get(newClient(), "/")).isInstanceOf(ConnectException.class);
    server.resume();
    assertThat(server.port()).isEqualTo(port);
    assertThat(get(newClient(), "/").statusCode()).isEqualTo(200);
  }

  @Test
  void refuse_closes_open_keep_alive_connections() throws Exception {
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      assertThat(readHeadAndBody(in)).startsWith("HTTP/1.1 200 OK").endsWith("ok");

      server.refuse();

      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void await_requests_waits_for_the_count_or_gives_up() throws Exception {
    assertThat(server.awaitRequests(1, Duration.ofMillis(50))).isFalse();
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(server.awaitRequests(1, Duration.ofSeconds(2))).isTrue();
    assertThat(pending.get(2, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void reset_counts_starts_the_counts_over() throws Exception {
    get(client, "/");
    server.resetCounts();
    assertThat(server.requestCount()).isZero();
    assertThat(server.connectionCount()).isZero();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void close_ends_every_thread_of_the_server_and_frees_the_port() throws Exception {
    server.delay(Duration.ofSeconds(10));
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(server.awaitRequests(1, Duration.ofSeconds(2))).isTrue();
    String prefix = UpstreamServer.THREAD_PREFIX + server.port() + "-";
    assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith(prefix));

    server.close();

    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
    assertThatThrownBy(() -> pending.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
    try (UpstreamServer again = UpstreamServer.start(server.port())) {
      assertThat(again.port()).isEqualTo(server.port());
      assertThat(get(newClient(), again.url(), "/").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void a_gateway_with_its_real_transport_sees_the_faults_as_502_and_504() throws Exception {
    try (Gateway gateway = Gateway.builder()
        .route("r", r -> r.path("/**").upstream(server.url()).responseTimeout(Duration.ofMillis(200)))
        .build()) {
      server.failNext(1, 503);
      assertThat(status(gateway)).isEqualTo(503);
      assertThat(status(gateway)).isEqualTo(200);

      server.delay(Duration.ofSeconds(2));
      long start = System.nanoTime();
      assertThat(status(gateway)).isEqualTo(504);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));

      server.healthy().reset();
      assertThat(status(gateway)).isEqualTo(502);

      server.healthy().refuse();
      assertThat(status(gateway)).isEqualTo(502);
      server.resume();
      assertThat(status(gateway)).isEqualTo(200);
    }
  }

  @Test
  void a_streamed_body_of_known_length_is_written_as_its_publisher_emits_it() throws Exception {
    SubmissionPublisher<ByteBuffer> body = new SubmissionPublisher<>();
    server.respondWith(request -> Response.builder(200).body(Body.ofPublisher(body, 6)).build());
    try (Socket socket = connect(); body) {
      socket.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 6\r\n");
      Poll.within(Duration.ofSeconds(2)).until(body::getNumberOfSubscribers, n -> n == 1);

      body.submit(ByteBuffer.wrap("abc".getBytes(StandardCharsets.ISO_8859_1)));
      assertThat(new String(in.readNBytes(3), StandardCharsets.ISO_8859_1)).as("the first chunk, before the next").isEqualTo("abc");
      body.submit(ByteBuffer.wrap("def".getBytes(StandardCharsets.ISO_8859_1)));
      assertThat(new String(in.readNBytes(3), StandardCharsets.ISO_8859_1)).isEqualTo("def");
    }
  }

  @Test
  void a_streamed_body_that_ends_short_of_its_length_cuts_the_connection() throws Exception {
    server.respondWith(request -> Response.builder(200)
        .body(Body.ofPublisher(Body.of("abc"), 10)).build());
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).contains("Content-Length: 10\r\n");
      assertThat(in.readAllBytes()).asString(StandardCharsets.ISO_8859_1).isEqualTo("abc");
    }
  }

  @Test
  void a_streamed_body_of_unknown_length_is_read_whole_and_sent_with_its_length() throws Exception {
    server.respondWith(request -> Response.builder(200).body(Body.ofPublisher(Body.of("abcdef"), -1)).build());
    HttpResponse<String> res = get(client, "/");
    assertThat(res.headers().firstValue("Content-Length")).hasValue("6");
    assertThat(res.body()).isEqualTo("abcdef");
  }

  @Test
  void when_rules_answer_by_method_and_path_and_healthy_forgets_them() throws Exception {
    server.respond(200, "standing")
        .when("GET", "/orders/*").respond(200, "application/json", "{\"id\":7}")
        .when("*", "/down/**").fail(UpstreamException.Kind.CONNECTION_RESET);
    HttpResponse<String> order = get(client, "/orders/7");
    assertThat(order.body()).isEqualTo("{\"id\":7}");
    assertThat(order.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(get(client, "/orders").body()).isEqualTo("standing");
    HttpRequest post = HttpRequest.newBuilder(uri("/down/x")).POST(HttpRequest.BodyPublishers.ofString("x")).build();
    assertThatThrownBy(() -> newClient().send(post, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);

    server.healthy();
    assertThat(get(newClient(), "/orders/7").body()).isEqualTo("ok");
  }

  @Test
  void a_protocol_error_answers_with_a_head_that_is_not_http_then_closes() throws Exception {
    server.thenFail(UpstreamException.Kind.PROTOCOL_ERROR);
    try (Socket socket = connect()) {
      socket.getOutputStream().write("GET /a HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(socket.getInputStream().readAllBytes()).isEqualTo(UpstreamServer.NOT_HTTP);
    }
    assertThat(get(newClient(), "/").statusCode()).isEqualTo(200);
  }

  @Test
  void a_response_timeout_keeps_silent_until_the_client_gives_up() throws Exception {
    server.fail(UpstreamException.Kind.RESPONSE_TIMEOUT);
    HttpRequest request = HttpRequest.newBuilder(uri("/")).timeout(Duration.ofMillis(300)).build();
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    Poll.within(Duration.ofSeconds(5)).until(server::openConnections, n -> n == 0);
  }

  @Test
  void rejects_invalid_arguments_naming_them() {
    assertThatThrownBy(() -> UpstreamServer.start(65536)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port: 65536 (expected: 0 to 65535)");
    assertThatThrownBy(() -> server.failNext(-1, 503)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n: -1 (expected: >= 0)");
    assertThatThrownBy(() -> server.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(() -> server.awaitRequests(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout: PT-1S (expected: >= 0)");
    server.close();
    assertThatThrownBy(server::resume).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed").hasMessageContaining("(expected: not closed)");
  }

  private static int status(Gateway gateway) throws Exception {
    Request request = Request.builder("GET", "/a").header("Host", "gateway.test").build();
    return gateway.handle(request).toCompletableFuture().get(3, TimeUnit.SECONDS).status();
  }

  private static HttpClient newClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  }

  private HttpResponse<String> get(HttpClient http, String target) throws IOException, InterruptedException {
    return get(http, server.url(), target);
  }

  private static HttpResponse<String> get(HttpClient http, String origin, String target)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(origin + target)).timeout(Duration.ofSeconds(3)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String target) {
    return URI.create(server.url() + target);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.port());
    socket.setSoTimeout(2_000);
    return socket;
  }

  /** The head, up to and with its empty line. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      assertThat(b).as("a byte of the response head").isNotNegative();
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** The head, then as many body bytes as its Content-Length says. */
  private static String readHeadAndBody(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      assertThat(b).as("a byte of the response head").isNotNegative();
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = Integer.parseInt(text.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
    return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  @Test
  void the_script_prints_its_queue_rules_and_standing_answer() {
    server.respond(204).thenRespond(Response.of(429)).delay(Duration.ofMillis(5));
    server.when("GET", "/health").respond(200);

    assertThat(server.script().toString()).startsWith("UpstreamScript[").contains("1 queued, 1 rules, standing ")
        .endsWith(", delay PT0.005S]");
  }
}
