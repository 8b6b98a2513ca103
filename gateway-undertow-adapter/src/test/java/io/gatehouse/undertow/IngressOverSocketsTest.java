package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.impl.ingress.IngressChecks;
import io.gatehouse.impl.ingress.OriginHeaders;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingress checks over raw sockets on every mount: forged origin headers, hop-by-hop tokens,
 * underscore names, control bytes and each request limit's boundary. Per row: the status, and the
 * exact bytes the upstream received (nothing, or the exact request, the gateway's fresh span id
 * aside).
 *
 * <p>Whether the connection closed after a refusal ({@code Connection: close} on every one of
 * them) is the adapter's part of issue 10 and is asserted where that lands.
 */
class IngressOverSocketsTest {
  /**
   * Whether the Undertow adapter passes the mount's prefix as {@code Request.mountPath()}, so that
   * the upstream is told {@code X-Forwarded-Prefix: /gw} under a prefix. The adapter's part of
   * issue 10 sets it; flip this to true with it.
   */

  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static final Map<Mount, Mount.Running> running = new EnumMap<>(Mount.class);

  @BeforeAll
  static void start() throws Exception {
    upstream = RawUpstream.start();
    gateway = Gateway.builder().accessLog(false)
        .requestLimits(RequestLimits.defaults().maxTargetLength(128).maxQueryParameters(10).maxHeaderCount(20)
            .maxHeaderBytes(1024).maxBodyBytes(100))
        .route("a", r -> r.path("/**").upstream(upstream.url()))
        .build();
    for (Mount m : Mount.values()) {
      running.put(m, m.start(gateway));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    running.values().forEach(Mount.Running::close);
    gateway.close();
    upstream.close();
  }

  /** One row: extra head lines the client sends, the status, and the extra lines the upstream gets (null: no request). */
  record Row(String name, String target, List<String> sent, String body, int status, List<String> forwarded) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Row passes(String name, List<String> sent, List<String> forwarded) {
    return new Row(name, "/x", sent, "", 200, forwarded);
  }

  static Row refused(String name, String target, List<String> sent, String body, int status) {
    return new Row(name, target, sent, body, status, null);
  }

  static Stream<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (String name : OriginHeaders.NAMES.stream().sorted().toList()) {
      rows.add(passes("forged " + name, List.of(titleCase(name) + ": /admin"), List.of()));
    }
    rows.add(passes("forged X-Envoy-Internal", List.of("X-Envoy-Internal: true"), List.of()));
    rows.add(passes("forged repeated", List.of("X-Original-URL: /a", "x-original-url: /b", "X-ORIGINAL-URL: /c"), List.of()));
    for (String name : IngressChecks.END_TO_END.stream().sorted().toList()) {
      if (!name.startsWith("x-forwarded") && !name.equals("forwarded") && !name.equals("host")
          && !name.equals("content-length") && !name.equals("x-request-id") && !name.startsWith("trace")) {
        rows.add(passes("Connection: " + name, List.of("Connection: " + name, titleCase(name) + ": v"),
            List.of(titleCase(name) + ": v")));
      }
    }
    rows.add(passes("Connection: two tokens", List.of("Connection: X-A , X-B", "X-A: 1", "X-B: 2", "X-C: 3"), List.of("X-C: 3")));
    rows.add(passes("Connection: tabs and case", List.of("Connection:\tx-a,\tX-b\t", "X-A: 1", "X-B: 2"), List.of()));
    rows.add(passes("Connection: empty tokens", List.of("Connection: ,,X-A,,", "X-A: 1"), List.of()));
    rows.add(passes("hop-by-hop fixed set", List.of("Keep-Alive: timeout=5", "TE: trailers", "Proxy-Authorization: Basic Zm9v",
        "Proxy-Connection: keep-alive", "Upgrade: h2c", "Connection: Upgrade"), List.of()));
    for (String name : List.of("X_Consumer_Id", "Content_Length", "X_Forwarded_For", "_X", "X_", "x_real_ip")) {
      rows.add(passes("underscore " + name, List.of(name + ": 1", "X-After: 2"), List.of("X-After: 2")));
    }
    IntStream.concat(IntStream.rangeClosed(0x01, 0x1f), IntStream.of(0x7f))
        .filter(b -> b != '\r' && b != '\n' && b != '\t')
        .forEach(b -> rows.add(refused(String.format("control byte 0x%02X", b), "/x",
            List.of("X-V: a" + (char) b + "b"), "", 400)));
    // HTAB is allowed; it arrives upstream as SP (folded between Undertow and the upstream client).
    rows.add(passes("HTAB in a value", List.of("X-V: a\tb"), List.of("X-V: a\tb")));
    // Target limit 128: the client's target includes the mount's prefix.
    rows.add(new Row("target 127", null, List.of(), "", 200, List.of()));
    rows.add(new Row("target 128", null, List.of(), "", 200, List.of()));
    rows.add(refused("target 129", null, List.of(), "", 414));
    rows.add(new Row("query parameters 10", "/x?" + params(10), List.of(), "", 200, List.of()));
    rows.add(refused("query parameters 11", "/x?" + params(11), List.of(), "", 414));
    // Header count 20: Host, Accept, X-Request-Id, traceparent and the Fill lines.
    rows.add(passes("header fields 20", fill(16), fill(16)));
    rows.add(refused("header fields 21", "/x", fill(17), "", 431));
    rows.add(passes("header bytes 1024", bytesFill(1024), bytesFill(1024)));
    rows.add(refused("header bytes 1025", "/x", bytesFill(1025), "", 431));
    rows.add(new Row("body 100", "/x", List.of("Content-Length: 100"), "b".repeat(100), 200, List.of("Content-Length: 100")));
    rows.add(refused("body 101", "/x", List.of("Content-Length: 101"), "b".repeat(101), 413));
    return rows.stream();
  }

  private static String params(int n) {
    return String.join("&", IntStream.range(0, n).mapToObj(i -> "p" + i + "=1").toList());
  }

  private static List<String> fill(int n) {
    return IntStream.range(0, n).mapToObj(i -> "Fill" + i + ": x").toList();
  }

  /** Host, Accept, X-Request-Id and traceparent, then one field that makes the total {@code total}. */
  private static List<String> bytesFill(int total) {
    int base = ("Host".length() + 1 + 4) + ("Accept".length() + 3 + 4) + ("X-Request-Id".length() + 3 + 4)
        + ("traceparent".length() + TRACEPARENT.length() + 4);
    return List.of("X-Fill: " + "f".repeat(total - base - "X-Fill".length() - 4));
  }

  static Stream<Arguments> table() {
    return rows().flatMap(row -> Stream.of(Mount.values()).map(m -> Arguments.of(m, row)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("table")
  void each_row_gets_its_status_and_the_upstream_exactly_the_cleaned_request(Mount mount, Row row) throws Exception {
    String target = row.target() != null ? row.target() : targetOfLength(mount, Integer.parseInt(row.name().substring(7)));
    StringBuilder head = new StringBuilder(row.body().isEmpty() ? "GET " : "POST ")
        .append(mount.target(target)).append(" HTTP/1.1\r\nHost: t\r\nAccept: */*\r\nX-Request-Id: r-1\r\ntraceparent: ")
        .append(TRACEPARENT).append("\r\n");
    row.sent().forEach(line -> head.append(line).append("\r\n"));
    head.append("\r\n").append(row.body());
    int before = upstream.requests().size();
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send(head.toString());
      RawHttp.Head response = client.readHead();
      assertThat(response.status()).as(row.name()).isEqualTo(row.status());
      if (row.forwarded() == null) {
        // Refused at ingress, before any upstream call: nothing has been sent, nor will be, and the
        // connection is closed.
        client.readBody(response);
        assertThat(response.all("Connection")).containsExactly("close");
        assertThat(client.closedWithin(3000)).as("connection closed").isTrue();
        assertThat(upstream.requests()).hasSize(before);
        return;
      }
      assertThat(upstream.awaitRequests(before + 1, Duration.ofSeconds(5))).isTrue();
    }
    List<String> got = upstream.requests();
    assertThat(got).hasSize(before + 1);
    StringBuilder expected = new StringBuilder(row.body().isEmpty() ? "GET " : "POST ").append(target)
        .append(" HTTP/1.1\r\nHost: ").append(upstream.url().substring("http://".length())).append("\r\nAccept: */*\r\n");
    row.forwarded().stream().filter(l -> !l.startsWith("Content-Length")).forEach(l -> expected.append(l).append("\r\n"));
    expected.append("X-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: t\r\n");
    if (!mount.prefix().isEmpty()) {
      expected.append("X-Forwarded-Prefix: ").append(mount.prefix()).append("\r\n");
    }
    expected.append("Forwarded: for=127.0.0.1;proto=http;host=t\r\nX-Request-Id: r-1\r\ntraceparent: ")
        .append(TRACEPARENT, 0, 36).append("SPAN-01\r\n");
    row.forwarded().stream().filter(l -> l.startsWith("Content-Length")).forEach(l -> expected.append(l).append("\r\n"));
    expected.append("\r\n").append(row.body());
    // Undertow's header map does not keep the client's field order, so the lines are compared as a
    // multiset; the request line, the framing and the body are compared exactly.
    assertThat(lines(got.get(before).replaceAll("(traceparent: 00-[0-9a-f]{32}-)[0-9a-f]{16}", "$1SPAN")))
        .isEqualTo(lines(expected.toString()));
  }

  @ParameterizedTest(name = "{0}: chunked {1} bytes")
  @CsvSource({"STANDALONE, 100, 200", "STANDALONE, 150, 413", "STANDALONE, 5000, 413",
      "UNDER_PREFIX, 100, 200", "UNDER_PREFIX, 150, 413", "UNDER_PREFIX, 5000, 413"})
  void a_chunked_body_past_the_cap_gets_413_and_the_upstream_never_gets_a_complete_request(Mount mount, int length, int status)
      throws Exception {
    StringBuilder request = new StringBuilder("POST ").append(mount.target("/x"))
        .append(" HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int sent = 0; sent < length; sent += 50) {
      int n = Math.min(50, length - sent);
      request.append(Integer.toHexString(n)).append("\r\n").append("z".repeat(n)).append("\r\n");
    }
    request.append("0\r\n\r\n");
    int before = upstream.requests().size();
    int leftBefore = upstream.leftovers().size();
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send(request.toString());
      RawHttp.Head head = client.readHead();
      client.readBody(head);
      assertThat(head.status()).isEqualTo(status);
      assertThat(client.closedWithin(status == 200 ? 200 : 3000)).as("connection closed").isEqualTo(status != 200);
    }
    if (status == 200) {
      assertThat(upstream.awaitRequests(before + 1, Duration.ofSeconds(5))).isTrue();
      String got = upstream.requests().get(before);
      assertThat(got).startsWith("POST /x HTTP/1.1\r\n").contains("\r\nTransfer-Encoding: chunked\r\n");
      assertThat(got.substring(got.indexOf("\r\n\r\n") + 4).replaceAll("[0-9a-f]+\r\n|\r\n", ""))
          .isEqualTo("z".repeat(length));
    } else {
      // The call was aborted mid-body: whatever arrived is not a complete request. Give a wrongly
      // completed request the time to arrive.
      FramingTest.awaitTrue(() -> upstream.requests().size() > before || upstream.leftovers().size() > leftBefore,
          Duration.ofSeconds(1));
      assertThat(upstream.requests()).hasSize(before);
    }
  }

  /** The request line, the sorted field lines and the body. */
  private static List<String> lines(String request) {
    int end = request.indexOf("\r\n\r\n");
    List<String> head = new ArrayList<>(List.of(request.substring(0, end).split("\r\n")));
    List<String> fields = new ArrayList<>(head.subList(1, head.size()));
    fields.sort(null);
    List<String> all = new ArrayList<>();
    all.add(head.get(0));
    all.addAll(fields);
    all.add("BODY " + request.substring(end + 4));
    return all;
  }

  /** A gateway path whose target, as the client sends it on this mount, is {@code length} characters. */
  private static String targetOfLength(Mount mount, int length) {
    int prefix = mount.prefix().length();
    return "/x?q=" + "v".repeat(length - prefix - "/x?q=".length());
  }

  private static String titleCase(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean up = true;
    for (char c : name.toCharArray()) {
      sb.append(up ? Character.toUpperCase(c) : Character.toLowerCase(c));
      up = c == '-';
    }
    return sb.toString().toLowerCase(Locale.ROOT).equals(name) ? sb.toString() : name;
  }
}
