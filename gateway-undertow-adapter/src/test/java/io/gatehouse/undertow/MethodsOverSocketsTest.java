package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10 item 9 over real sockets, on every mount: per row, the status, whether the connection
 * closed, and the exact bytes the upstream received. Undertow's parser refuses a request line whose
 * method is not a token (400 and close) before the gateway sees it; a well-formed method the gateway
 * does not know gets the gateway's 501; a CONNECT in authority form never reaches a mounted handler.
 */
class MethodsOverSocketsTest {
  private static final String OK_EMPTY = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static final Map<Mount, Mount.Running> mounts = new EnumMap<>(Mount.class);

  @BeforeAll
  static void start() throws Exception {
    upstream = RawUpstream.start().answer(OK_EMPTY);
    gateway = Gateway.builder().extensionMethods("PROPFIND")
        .route("orders", r -> r.path("/orders/**").methods("GET", "POST").upstream(upstream.url()))
        .route("dav", r -> r.path("/dav/**").methods("PROPFIND").upstream(upstream.url()))
        .route("trace", r -> r.path("/trace").methods("TRACE").respond(200, "text/plain", "traced"))
        .route("any", r -> r.path("/any/**").upstream(upstream.url()))
        .build();
    for (Mount m : Mount.values()) {
      mounts.put(m, m.start(gateway));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    mounts.values().forEach(Mount.Running::close);
    gateway.close();
    upstream.close();
  }

  /** {@code \t}, {@code \xNN} and {@code {t}} (the mounted target) in a table cell. */
  private static String cell(String text, Mount mount, String path) {
    StringBuilder b = new StringBuilder();
    String t = text.replace("{t}", mount.target(path)).replace("\\t", "\t");
    for (int i = 0; i < t.length(); i++) {
      if (t.startsWith("\\x", i)) {
        b.append((char) Integer.parseInt(t.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        b.append(t.charAt(i));
      }
    }
    return b.toString();
  }

  @ParameterizedTest(name = "[{0}] {1} -> {2}, closed {3}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      // request line                 | path      | status (standalone/prefix) | closed | upstream request line | Allow
      "GET {t} HTTP/1.1               | /orders/1 | 200     | false | GET /orders/1       | NONE",
      "HEAD {t} HTTP/1.1              | /orders/1 | 200     | false | HEAD /orders/1      | NONE",
      "DELETE {t} HTTP/1.1            | /orders/1 | 405     | false | NONE                | GET, HEAD, POST",
      "TRACE {t} HTTP/1.1             | /orders/1 | 405     | false | NONE                | GET, HEAD, POST",
      "get {t} HTTP/1.1               | /orders/1 | 501     | false | NONE                | NONE",
      "Get {t} HTTP/1.1               | /orders/1 | 501     | false | NONE                | NONE",
      "gET {t} HTTP/1.1               | /orders/1 | 501     | false | NONE                | NONE",
      // Undertow takes any case of HEAD and CONNECT as those methods (it compares ignoring case):
      // a 'head' answer goes out without a body, so it says Content-Length: 0 and closes
      "hEAD {t} HTTP/1.1              | /orders/1 | 501     | true  | NONE                | NONE",
      "head {t} HTTP/1.1              | /any/x    | 501     | true  | NONE                | NONE",
      "Head {t} HTTP/1.1              | /any/x    | 501     | true  | NONE                | NONE",
      "connect {t} HTTP/1.1           | /any/x    | 501     | true  | NONE                | NONE",
      "Delete {t} HTTP/1.1            | /any/x    | 501     | false | NONE                | NONE",
      "post {t} HTTP/1.1              | /any/x    | 501     | false | NONE                | NONE",
      "FOO {t} HTTP/1.1               | /any/x    | 501     | false | NONE                | NONE",
      "GETS {t} HTTP/1.1              | /any/x    | 501     | false | NONE                | NONE",
      "M-SEARCH {t} HTTP/1.1          | /any/x    | 501     | false | NONE                | NONE",
      "PROPFIND {t} HTTP/1.1          | /dav/x    | 200     | false | PROPFIND /dav/x     | NONE",
      "propfind {t} HTTP/1.1          | /dav/x    | 501     | false | NONE                | NONE",
      "PROPFIND {t} HTTP/1.1          | /any/x    | 200     | false | PROPFIND /any/x     | NONE",
      "GET {t} HTTP/1.1               | /any/x    | 200     | false | GET /any/x          | NONE",
      "HEAD {t} HTTP/1.1              | /any/x    | 200     | false | HEAD /any/x         | NONE",
      "DELETE {t} HTTP/1.1            | /any/x    | 200     | false | DELETE /any/x       | NONE",
      "OPTIONS {t} HTTP/1.1           | /any/x    | 200     | false | OPTIONS /any/x      | NONE",
      "PATCH {t} HTTP/1.1             | /any/x    | 200     | false | PATCH /any/x +empty | NONE",
      "PUT {t} HTTP/1.1               | /any/x    | 200     | false | PUT /any/x +empty   | NONE",
      "POST {t} HTTP/1.1              | /any/x    | 200     | false | POST /any/x +empty  | NONE",
      "TRACE {t} HTTP/1.1             | /any/x    | 405     | false | NONE                | DELETE, GET, HEAD, OPTIONS, PATCH, POST, PROPFIND, PUT",
      "CONNECT {t} HTTP/1.1           | /any/x    | 405     | true  | NONE                | DELETE, GET, HEAD, OPTIONS, PATCH, POST, PROPFIND, PUT",
      "TRACE {t} HTTP/1.1             | /trace    | 200     | false | NONE                | NONE",
      "TRACE {t} HTTP/1.1             | /nothing  | 404     | false | NONE                | NONE",
      // refused by Undertow's request-line parser before the gateway: 400 and close
      "G@T {t} HTTP/1.1               | /any/x    | 400     | true  | NONE                | NONE",
      "G\\x01T {t} HTTP/1.1           | /any/x    | 400     | true  | NONE                | NONE",
      "G\\x7fT {t} HTTP/1.1           | /any/x    | 400     | true  | NONE                | NONE",
      "GE(T {t} HTTP/1.1              | /any/x    | 400     | true  | NONE                | NONE",
      "GET\\t{t} HTTP/1.1             | /any/x    | 400     | true  | NONE                | NONE",
      // the authority form never reaches a mounted handler: Undertow refuses it, or the app's '/' answers
      "CONNECT gw:443 HTTP/1.1        | /any/x    | 400/418 | true  | NONE                | NONE"})
  void methods_get_the_same_answer_and_the_upstream_the_same_bytes_on_every_mount(
      String line, String path, String status, boolean closed, String upstreamLine, String allow) throws Exception {
    for (Mount mount : Mount.values()) {
      String requestLine = cell(line, mount, path);
      int before = upstream.requests().size();
      try (RawHttp client = RawHttp.connect(mounts.get(mount).port())) {
        client.send(requestLine + "\r\nHost: gw\r\n\r\n");
        RawHttp.Head head = client.readHead();
        String[] statuses = status.split("/");
        int expected = Integer.parseInt(statuses[mount == Mount.STANDALONE || statuses.length == 1 ? 0 : 1]);
        assertThat(head.status()).as("%s %s", mount, requestLine).isEqualTo(expected);
        assertThat(head.first("Allow").orElse(null)).as("%s Allow", mount).isEqualTo(allow);
        if (head.status() == 501) {
          // a 501 to a method Undertow takes for HEAD must not promise a body it does not send
          String length = head.first("Content-Length").orElse("0");
          assertThat(client.readExactly(Integer.parseInt(length))).hasSize(Integer.parseInt(length));
        }
        if (!requestLine.startsWith("HEAD ") && head.status() != 501) {
          client.readBody(head);
        }
        assertThat(client.closedWithin(closed ? 2000 : 150)).as("%s closed", mount).isEqualTo(closed);
      }
      List<String> arrived = new ArrayList<>(upstream.requests().subList(before, upstream.requests().size()));
      if (upstreamLine == null) {
        assertThat(arrived).as("%s upstream", mount).isEmpty();
      } else {
        String[] methodAndPath = upstreamLine.split(" ");
        assertThat(arrived).as("%s upstream", mount).extracting(UpstreamBytes::comparable).containsExactly(
            UpstreamBytes.forwarded(mount, upstream.url(), methodAndPath[0], methodAndPath[1], methodAndPath.length > 2));
      }
    }
  }

  @ParameterizedTest(name = "{0} [{1}: {2}] -> upstream {3}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "/any/x                          | X-HTTP-Method-Override | DELETE | /any/x",
      "/any/x                          | X-HTTP-Method          | DELETE | /any/x",
      "/any/x                          | X-Method-Override      | PUT    | /any/x",
      "/any/x                          | x-http-method-override | PATCH  | /any/x",
      "/any/x                          | X-HTTP-METHOD-OVERRIDE | DELETE | /any/x",
      "/any/x?_method=DELETE           | NONE                   | NONE   | /any/x",
      "/any/x?a=1&_method=DELETE&b=2   | NONE                   | NONE   | /any/x?a=1&b=2",
      "/any/x?_METHOD=DELETE           | NONE                   | NONE   | /any/x",
      "/any/x?%5Fmethod=DELETE&a=1     | NONE                   | NONE   | /any/x?a=1",
      "/any/x?a=1;_method=DELETE       | NONE                   | NONE   | /any/x",
      "/any/x?method=DELETE            | NONE                   | NONE   | /any/x?method=DELETE"})
  void method_overrides_are_removed_before_the_upstream_by_default(String target, String header, String value,
      String upstreamTarget) throws Exception {
    for (Mount mount : Mount.values()) {
      int before = upstream.requests().size();
      try (RawHttp client = RawHttp.connect(mounts.get(mount).port())) {
        client.send("POST " + mount.target(target) + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n"
            + (header == null ? "" : header + ": " + value + "\r\n") + "\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).as("%s", mount).isEqualTo(200);
        client.readBody(head);
        assertThat(client.closedWithin(150)).as("%s closed", mount).isFalse();
      }
      assertThat(upstream.requests().subList(before, upstream.requests().size())).as("%s upstream", mount)
          .extracting(UpstreamBytes::comparable)
          .containsExactly(UpstreamBytes.forwarded(mount, upstream.url(), "POST", upstreamTarget, true));
    }
  }

  @ParameterizedTest(name = "{0} then GET, pipelined")
  @ValueSource(strings = {"head", "hEAD", "Head", "HEAd"})
  void a_case_variant_of_head_never_desynchronises_a_pipelined_connection(String method) throws Exception {
    for (Mount mount : Mount.values()) {
      int before = upstream.requests().size();
      try (RawHttp client = RawHttp.connect(mounts.get(mount).port())) {
        client.send(method + " " + mount.target("/any/x") + " HTTP/1.1\r\nHost: gw\r\n\r\n"
            + "GET " + mount.target("/any/x") + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head head;
        try {
          head = client.readHead();
        } catch (EOFException closedFirst) {
          assertThat(upstream.requests().size()).as("%s upstream", mount).isEqualTo(before);
          continue; // closed with no answer: nothing to misread
        }
        assertThat(head.status()).as("%s", mount).isEqualTo(501);
        assertThat(head.first("Content-Length")).as("%s", mount).contains("0");
        assertThat(client.closedWithin(2000)).as("%s closed", mount).isTrue();
      }
      assertThat(upstream.requests().size()).as("%s upstream", mount).isEqualTo(before);
    }
  }
}
