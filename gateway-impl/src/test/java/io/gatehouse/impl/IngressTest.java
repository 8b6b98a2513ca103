package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Body;
import io.gatehouse.http.BodyTooLargeException;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.Response;
import io.gatehouse.http.UnderscoreHeaders;
import io.gatehouse.impl.ingress.IngressChecks;
import io.gatehouse.impl.ingress.OriginHeaders;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.route.RouteSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The checks every request passes at ingress, in memory: limits, header hygiene, hop-by-hop, origin headers. */
class IngressTest {
  private static final InetSocketAddress CLIENT = address("203.0.113.9");
  private static final InetSocketAddress PROXY = address("10.9.8.7");

  private final RecordingTransport upstream = RecordingTransport.answering(200);
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private final List<Gateway> built = new ArrayList<>();

  @AfterEach
  void close() {
    built.forEach(Gateway::close);
  }

  private static InetSocketAddress address(String literal) {
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), 40000);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private Gateway gateway(Consumer<Gateway.Builder> config) {
    Gateway.Builder b = Gateway.builder().transport(upstream).trustedProxies("10.0.0.0/8").observer(records::add)
        .accessLog(false).route("a", r -> r.path("/**").upstream("http://a:1"));
    config.accept(b);
    Gateway g = b.build();
    built.add(g);
    return g;
  }

  private Gateway gateway() {
    return gateway(b -> {});
  }

  private static Response send(Gateway gateway, Request request) throws Exception {
    return gateway.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Request.Builder get(String target) {
    return Request.builder("GET", target).header("Host", "gw.test").remoteAddress(CLIENT);
  }

  private HttpHeaders upstreamHeaders() {
    return upstream.onlyCall().request().headers();
  }

  private static String body(Response response) throws Exception {
    return new String(response.body().bytes(1 << 20).toCompletableFuture().get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }

  /** A refusal at ingress: the status, problem+json, Connection: close, no upstream call, the rejection recorded. */
  private void assertRefused(Response res, int status, Rejection why) throws Exception {
    assertThat(res.status()).isEqualTo(status);
    assertThat(res.headers().first("Content-Type")).contains("application/problem+json");
    assertThat(res.headers().all("Connection")).containsExactly("close");
    assertThat(body(res)).contains("\"status\":" + status);
    assertThat(upstream.calls).isEmpty();
    assertThat(records).singleElement().satisfies(r -> assertThat(r.rejection()).contains(why));
  }

  // ---------------------------------------------------------------- forged routing and origin headers

  static Stream<Arguments> originHeaders() {
    List<String> names = new ArrayList<>(OriginHeaders.NAMES);
    names.addAll(List.of("X-Forwarded-Anything", "X-Envoy-Internal", "X-Envoy-Expected-Rq-Timeout-Ms"));
    return names.stream().sorted().flatMap(name -> Stream.of(
        Arguments.of(name.toLowerCase(Locale.ROOT)),
        Arguments.of(name.toUpperCase(Locale.ROOT)),
        Arguments.of(titleCase(name))));
  }

  private static String titleCase(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    boolean up = true;
    for (char c : name.toCharArray()) {
      sb.append(up ? Character.toUpperCase(c) : Character.toLowerCase(c));
      up = c == '-';
    }
    return sb.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("originHeaders")
  void every_origin_header_from_an_untrusted_peer_is_removed_or_replaced_by_the_gateways_own(String name) throws Exception {
    send(gateway(), get("/x").header(name, "forged.example").header(name, "forged-again").build());
    HttpHeaders h = upstreamHeaders();
    assertThat(h.all(name)).allSatisfy(v -> assertThat(v).doesNotContain("forged"));
    assertThat(h.all("X-Forwarded-For")).containsExactly("203.0.113.9");
    assertThat(h.all("X-Forwarded-Host")).containsExactly("gw.test");
    assertThat(h.all("X-Forwarded-Proto")).containsExactly("http");
    assertThat(h.all("Forwarded")).containsExactly("for=203.0.113.9;proto=http;host=gw.test");
    assertThat(h.contains("X-Forwarded-Prefix")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("originHeaders")
  void from_a_trusted_proxy_only_the_forwarding_quintet_passes(String name) throws Exception {
    send(gateway(), get("/x").remoteAddress(PROXY).header(name, "/proxied").build());
    HttpHeaders h = upstreamHeaders();
    String lower = name.toLowerCase(Locale.ROOT);
    if (OriginHeaders.FROM_TRUSTED_PROXIES.contains(lower)) {
      assertThat(String.join(",", h.all(name))).contains("/proxied");
    } else {
      assertThat(h.all(name)).allSatisfy(v -> assertThat(v).doesNotContain("/proxied"));
    }
  }

  @ParameterizedTest(name = "mount ''{0}'', trusted {1}, incoming ''{2}'' -> ''{3}''")
  @CsvSource(delimiter = '|', value = {
      "    | false | /evil  | ",
      "/gw | false | /evil  | /gw",
      "/gw | false |        | /gw",
      "/gw | true  | /outer | /outer/gw",
      "/gw | true  | /outer/| /outer/gw",
      "    | true  | /outer | /outer",
      "/gw | true  | evil   | /gw"})
  void the_gateway_sets_x_forwarded_prefix_from_its_mount(String mount, boolean trusted, String incoming, String expected)
      throws Exception {
    Request.Builder r = get("/x").mountPath(mount == null ? "" : mount).remoteAddress(trusted ? PROXY : CLIENT);
    if (incoming != null) {
      r.header("X-Forwarded-Prefix", incoming);
    }
    send(gateway(), r.build());
    if (expected == null) {
      assertThat(upstreamHeaders().contains("X-Forwarded-Prefix")).isFalse();
    } else {
      assertThat(upstreamHeaders().all("X-Forwarded-Prefix")).containsExactly(expected);
    }
  }

  @Test
  void origin_headers_are_removed_before_routing_so_predicates_cannot_be_forged() throws Exception {
    Gateway g = gateway(b -> b.routes(List.of(
        RouteSpec.builder("internal").header("X-Real-IP", "10.0.0.1").respond(200, "text/plain", "internal").build(),
        RouteSpec.builder("a").upstream("http://a:1").build())));
    send(g, get("/x").header("X-Real-IP", "10.0.0.1").build());
    assertThat(upstream.calls).hasSize(1);
  }

  // ---------------------------------------------------------------- hop-by-hop at ingress

  static Stream<String> endToEndHeaders() {
    return Stream.concat(IngressChecks.END_TO_END.stream().sorted(), Stream.of("X-Consumer-Id", "X-Consumer-Groups"));
  }

  @ParameterizedTest(name = "Connection: {0}")
  @MethodSource("endToEndHeaders")
  void a_connection_token_naming_an_end_to_end_header_is_ignored(String name) throws Exception {
    Gateway g = gateway();
    Request.Builder r = Request.builder("POST", "/x").remoteAddress(PROXY).body(Body.of("abc"))
        .header("Connection", "keep-alive, " + name.toUpperCase(Locale.ROOT));
    if (!name.equalsIgnoreCase("host")) {
      r.header("Host", "gw.test");
    }
    if (!name.equalsIgnoreCase("content-length")) {
      r.header("Content-Length", "3");
    }
    r.header(name, switch (name.toLowerCase(Locale.ROOT)) {
      case "content-length" -> "3";
      case "host" -> "gw.test";
      case "x-forwarded-prefix" -> "/v";
      case "traceparent" -> "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      case "x-request-id" -> "req-v";
      default -> "v-" + name;
    });
    send(g, r.build());
    // The gateway read it as end to end: framing and host are the transport's, the rest passes on.
    assertThat(upstream.calls).hasSize(1);
    HttpHeaders h = upstreamHeaders();
    switch (name.toLowerCase(Locale.ROOT)) {
      case "host", "content-length" -> assertThat(upstream.onlyCall().request().headers().contains(name)).isFalse();
      case "x-consumer-id", "x-consumer-groups" -> assertThat(h.contains(name)).isFalse(); // auth removes client copies
      case "forwarded", "x-forwarded-for" -> assertThat(String.join(",", h.all(name))).contains("v-" + name);
      case "x-forwarded-prefix" -> assertThat(h.all(name)).containsExactly("/v");
      case "traceparent" -> assertThat(h.first(name).orElseThrow()).contains("0af7651916cd43dd8448eb211c80319c");
      case "x-request-id" -> assertThat(h.all(name)).containsExactly("req-v");
      default -> assertThat(h.all(name)).as(name).contains("v-" + name);
    }
  }

  @Test
  void connection_cannot_delete_the_identity_header_that_auth_sets_nor_the_credential() throws Exception {
    Gateway g = gateway(b -> b.auth(Auth.apiKey().header("X-Api-Key").forwardKey(true))
        .consumer(ApiConsumer.builder("acme").apiKey("secret-key-0123456789").build()));
    send(g, get("/x").header("Connection", "X-Consumer-Id, Authorization")
        .header("X-Api-Key", "secret-key-0123456789").header("Authorization", "Bearer t").build());
    HttpHeaders h = upstreamHeaders();
    assertThat(h.all("X-Consumer-Id")).containsExactly("acme");
    assertThat(h.all("Authorization")).containsExactly("Bearer t");
    assertThat(h.contains("Connection")).isFalse();
  }

  @ParameterizedTest(name = "Connection: [{0}]")
  @ValueSource(strings = {
      "X-A, X-B", "x-a,x-b", "X-A ,\tX-B", " X-A,,X-B ", "X-A, close, X-B", ",X-A,X-B,", "\tx-A\t,\tX-b\t",
      "X-A, Authorization, X-B"})
  void every_connection_token_is_honoured_whatever_the_separators_and_case(String connection) throws Exception {
    send(gateway(), get("/x").header("Connection", connection).header("X-A", "1").header("X-B", "2")
        .header("X-C", "3").header("Authorization", "Bearer t").build());
    HttpHeaders h = upstreamHeaders();
    assertThat(h.contains("X-A")).isFalse();
    assertThat(h.contains("X-B")).isFalse();
    assertThat(h.all("X-C")).containsExactly("3");
    assertThat(h.all("Authorization")).containsExactly("Bearer t");
  }

  @Test
  void two_connection_headers_are_both_honoured_and_the_fixed_set_is_always_removed() throws Exception {
    send(gateway(), get("/x").header("Connection", "X-A").header("connection", "X-B").header("X-A", "1").header("X-B", "2")
        .header("Keep-Alive", "timeout=5").header("TE", "trailers").header("Trailer", "X-T").header("Upgrade", "h2c")
        .header("Proxy-Authorization", "Basic Zm9v").header("Proxy-Connection", "keep-alive").build());
    assertThat(upstreamHeaders().names()).doesNotContain("X-A", "X-B", "Keep-Alive", "TE", "Trailer", "Upgrade",
        "Proxy-Authorization", "Proxy-Connection", "Connection", "connection");
  }

  // ---------------------------------------------------------------- header names with underscores

  static Stream<Arguments> underscoreNames() {
    return Stream.of("X_Consumer_Id", "Content_Length", "X_Forwarded_For", "_X", "X_", "_", "__", "X-A_B", "x_real_ip")
        .flatMap(name -> Stream.of(UnderscoreHeaders.values()).map(policy -> Arguments.of(name, policy)));
  }

  @ParameterizedTest(name = "{0} under {1}")
  @MethodSource("underscoreNames")
  void header_names_with_underscores_follow_the_policy(String name, UnderscoreHeaders policy) throws Exception {
    Gateway g = gateway(b -> b.underscoreHeaders(policy));
    Response res = send(g, get("/x").header("X-Before", "1").header(name, "forged").header("X-After", "2").build());
    switch (policy) {
      case DROP -> {
        assertThat(res.status()).isEqualTo(200);
        assertThat(upstreamHeaders().contains(name)).isFalse();
        assertThat(upstreamHeaders().all("X-After")).containsExactly("2");
      }
      case REJECT -> {
        assertRefused(res, 400, Rejection.BAD_REQUEST);
        assertThat(body(res)).contains("contains '_'");
      }
      case ALLOW -> assertThat(upstreamHeaders().all(name)).containsExactly("forged");
    }
  }

  @Test
  void underscores_are_dropped_by_default() {
    assertThat(Gateway.builder().spec().ingress().underscoreHeaders()).isEqualTo(UnderscoreHeaders.DROP);
  }

  // ---------------------------------------------------------------- control bytes in header values

  static IntStream controlBytes() {
    return IntStream.concat(IntStream.rangeClosed(0x00, 0x1f), IntStream.of(0x7f));
  }

  @ParameterizedTest(name = "0x{0}")
  @MethodSource("controlBytes")
  void a_control_byte_in_a_header_value_is_400_and_close_except_htab(int b) throws Exception {
    String value = "a" + (char) b + "b";
    if (b == 0 || b == '\r' || b == '\n') {
      // The header model itself refuses these, so no adapter can build such a request.
      assertThatThrownBy(() -> HttpHeaders.of("X-V", value)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("header 'X-V': value contains CR, LF or NUL (expected: none)");
      return;
    }
    Response res = send(gateway(), get("/x").header("X-V", value).build());
    if (b == '\t') {
      assertThat(res.status()).isEqualTo(200);
      assertThat(upstreamHeaders().all("X-V")).containsExactly(value);
    } else {
      assertRefused(res, 400, Rejection.BAD_REQUEST);
      assertThat(body(res)).contains(String.format("control byte 0x%02X", b));
    }
  }

  @Test
  void obs_text_bytes_in_values_pass() throws Exception {
    Response res = send(gateway(), get("/x").header("X-V", "caf\u00e9 \u00ff").build());
    assertThat(res.status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- limits: boundaries

  @ParameterizedTest(name = "target length {0}")
  @CsvSource({"63, 200", "64, 200", "65, 414"})
  void the_target_length_limit_counts_mount_path_and_query(int length, int status) throws Exception {
    Gateway g = gateway(b -> b.requestLimits(RequestLimits.defaults().maxTargetLength(64)));
    String target = "/x?" + "q".repeat(length - 3 - 3);
    Response res = send(g, get(target).mountPath("/gw").build());
    if (status == 200) {
      assertThat(res.status()).isEqualTo(200);
    } else {
      assertRefused(res, 414, Rejection.TOO_LARGE);
    }
  }

  @ParameterizedTest(name = "{0} query parameters")
  @CsvSource({"9, 200", "10, 200", "11, 414"})
  void the_query_parameter_limit_counts_non_empty_parts(int count, int status) throws Exception {
    Gateway g = gateway(b -> b.requestLimits(RequestLimits.defaults().maxQueryParameters(10)));
    String query = String.join("&", IntStream.range(0, count).mapToObj(i -> "p" + i + "=" + i).toList()) + "&&&";
    Response res = send(g, get("/x?" + query).build());
    if (status == 200) {
      assertThat(res.status()).isEqualTo(200);
    } else {
      assertRefused(res, 414, Rejection.TOO_LARGE);
    }
  }

  @ParameterizedTest(name = "{0} header fields")
  @CsvSource({"19, 200", "20, 200", "21, 431"})
  void the_header_count_limit_counts_every_field_line_including_repeats(int count, int status) throws Exception {
    Gateway g = gateway(b -> b.requestLimits(RequestLimits.defaults().maxHeaderCount(20)));
    Request.Builder r = get("/x"); // Host is one
    for (int i = 1; i < count; i++) {
      r.header("Cookie", "c" + i + "=1");
    }
    Response res = send(g, r.build());
    if (status == 200) {
      assertThat(res.status()).isEqualTo(200);
    } else {
      assertRefused(res, 431, Rejection.TOO_LARGE);
    }
  }

  @ParameterizedTest(name = "{0} header bytes")
  @CsvSource({"999, 200", "1000, 200", "1001, 431"})
  void the_header_bytes_limit_counts_name_value_and_four_per_line(int bytes, int status) throws Exception {
    Gateway g = gateway(b -> b.requestLimits(RequestLimits.defaults().maxHeaderBytes(1000)));
    int host = "Host".length() + "gw.test".length() + 4;
    int rest = bytes - host - "X-Big".length() - 4;
    Response res = send(g, get("/x").header("X-Big", "v".repeat(rest)).build());
    if (status == 200) {
      assertThat(res.status()).isEqualTo(200);
    } else {
      assertRefused(res, 431, Rejection.TOO_LARGE);
    }
  }

  @ParameterizedTest(name = "declared {0} bytes, route cap {1}")
  @CsvSource({"99, , 200", "100, , 200", "101, , 413", "101, 101, 200", "102, 101, 413", "0, 0, 200", "1, 0, 413"})
  void a_declared_body_over_the_cap_is_413_before_any_upstream_call(int length, Long routeCap, int status) throws Exception {
    Gateway g = gateway(b -> b.requestLimits(RequestLimits.defaults().maxBodyBytes(100))
        .routes(List.of(routeCap == null
            ? RouteSpec.builder("a").upstream("http://a:1").build()
            : RouteSpec.builder("a").maxRequestBody(routeCap).upstream("http://a:1").build())));
    Response res = send(g, Request.builder("POST", "/x").remoteAddress(CLIENT)
        .body(Body.ofPublisher(new SubmissionPublisher<>(), length)).build());
    if (status == 200) {
      assertThat(res.status()).isEqualTo(200);
    } else {
      assertRefused(res, 413, Rejection.TOO_LARGE);
    }
  }

  @ParameterizedTest(name = "streamed {0} bytes over a cap of 100")
  @CsvSource({"99, 200", "100, 200", "101, 413", "100000, 413"})
  void a_streamed_body_that_passes_the_cap_fails_the_upstream_call_and_gets_413(int length, int status) throws Exception {
    List<Throwable> bodyFailures = new CopyOnWriteArrayList<>();
    RecordingTransport reading = new RecordingTransport(call -> call.request().body().bytes(Long.MAX_VALUE)
        .whenComplete((bytes, failure) -> {
          if (failure != null) {
            bodyFailures.add(failure);
          }
        })
        .thenApply(bytes -> Response.of(200)));
    Gateway g = Gateway.builder().transport(reading).observer(records::add).accessLog(false)
        .requestLimits(RequestLimits.defaults().maxBodyBytes(100))
        .route("a", r -> r.path("/**").upstream("http://a:1")).build();
    built.add(g);
    SubmissionPublisher<ByteBuffer> chunks = new SubmissionPublisher<>();
    CompletableFuture<Response> pending = g.handle(Request.builder("POST", "/x").remoteAddress(CLIENT)
        .body(Body.ofPublisher(chunks, -1)).build()).toCompletableFuture();
    for (int sent = 0; sent < length && !chunks.isClosed(); sent += 10) {
      chunks.submit(ByteBuffer.wrap(new byte[Math.min(10, length - sent)]));
      if (!bodyFailures.isEmpty()) {
        break;
      }
    }
    chunks.close();
    Response res = pending.get(5, TimeUnit.SECONDS);
    assertThat(res.status()).isEqualTo(status);
    if (status == 413) {
      assertThat(bodyFailures).singleElement().isInstanceOf(BodyTooLargeException.class);
      assertThat(res.headers().all("Connection")).containsExactly("close");
      assertThat(records).singleElement().satisfies(r -> assertThat(r.rejection()).contains(Rejection.TOO_LARGE));
    } else {
      assertThat(bodyFailures).isEmpty();
    }
  }

  @Test
  void the_defaults_are_nginx_and_envoy_like() {
    RequestLimits d = RequestLimits.defaults();
    assertThat(d.maxTargetLength()).isEqualTo(8192);
    assertThat(d.maxHeaderCount()).isEqualTo(100);
    assertThat(d.maxHeaderBytes()).isEqualTo(32768);
    assertThat(d.maxQueryParameters()).isEqualTo(1000);
    assertThat(d.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(Gateway.builder().spec().ingress().requestLimits()).isEqualTo(d);
  }

  // ---------------------------------------------------------------- configuration

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "maxTargetLength    | maxTargetLength: 0 (expected: >= 1)",
      "maxHeaderCount     | maxHeaderCount: 0 (expected: >= 1)",
      "maxHeaderBytes     | maxHeaderBytes: 0 (expected: >= 1)",
      "maxQueryParameters | maxQueryParameters: 0 (expected: >= 1)"})
  void limits_below_one_are_rejected_at_once(String field, String message) {
    RequestLimits d = RequestLimits.defaults();
    assertThatThrownBy(() -> {
      switch (field) {
        case "maxTargetLength" -> d.maxTargetLength(0);
        case "maxHeaderCount" -> d.maxHeaderCount(0);
        case "maxHeaderBytes" -> d.maxHeaderBytes(0);
        default -> d.maxQueryParameters(0);
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void body_caps_below_zero_are_rejected_at_once_naming_the_route() {
    assertThatThrownBy(() -> RequestLimits.defaults().maxBodyBytes(-1))
        .hasMessage("maxBodyBytes: -1 (expected: >= 0)");
    assertThatThrownBy(() -> RouteSpec.builder("upload").maxRequestBody(-1))
        .hasMessage("route 'upload': maxRequestBody: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Gateway.builder().requestLimits(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Gateway.builder().underscoreHeaders(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void limits_are_values_whose_setters_return_copies() {
    RequestLimits d = RequestLimits.defaults();
    RequestLimits changed = d.maxHeaderBytes(1);
    assertThat(d.maxHeaderBytes()).isEqualTo(32768);
    assertThat(changed).isNotEqualTo(d).isEqualTo(RequestLimits.defaults().maxHeaderBytes(1));
    assertThat(RouteSpec.builder("a").maxRequestBody(5).build().toBuilder().build().access().maxRequestBody()).hasValue(5);
    assertThat(RouteSpec.builder("a").build().access().maxRequestBody()).isEmpty();
  }

  @ParameterizedTest(name = "mountPath ''{0}''")
  @ValueSource(strings = {"gw", "/gw/", "/", "//", "gw/"})
  void a_mount_path_must_start_with_a_slash_and_not_end_with_one(String mount) {
    assertThatThrownBy(() -> Request.builder("GET", "/").mountPath(mount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mountPath: '" + mount + "' (expected: \"\" or a path that starts with / and does not end with /, such as /gw)");
  }

  @Test
  void the_mount_path_survives_derived_requests() {
    Request r = Request.builder("GET", "/x").mountPath("/a/b").build();
    assertThat(r.toBuilder().path("/y").build().mountPath()).isEqualTo("/a/b");
    assertThat(Request.builder("GET", "/x").build().mountPath()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(UnderscoreHeaders.class)
  void the_underscore_policy_survives_the_spec_round_trip(UnderscoreHeaders policy) {
    assertThat(Gateway.builder().underscoreHeaders(policy).spec().toBuilder().spec().ingress().underscoreHeaders()).isEqualTo(policy);
  }
}
