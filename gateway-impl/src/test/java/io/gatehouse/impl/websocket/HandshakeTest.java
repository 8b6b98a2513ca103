package io.gatehouse.impl.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.SubmissionPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The opening handshake's rules, field by field, in memory: the client's offer and the upstream's 101. */
class HandshakeTest {
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
  private static final HttpHeaders UPGRADE = HttpHeaders.builder().add("Upgrade", "websocket").add("Connection", "Upgrade").build();

  private static Request.Builder offer() {
    return Request.builder("GET", "/ws").header("Sec-WebSocket-Key", KEY).header("Sec-WebSocket-Version", "13")
        .tunnel(new SubmissionPublisher<ByteBuffer>());
  }

  private static Optional<Handshake.Refusal> refusal(Request request) {
    return Handshake.refusal(request, UPGRADE);
  }

  @Test
  void a_valid_offer_is_accepted_and_its_accept_value_is_the_rfcs() {
    assertThat(refusal(offer().build())).isEmpty();
    assertThat(refusal(offer().header("Sec-WebSocket-Version", " 13 ").build()).map(Handshake.Refusal::status))
        .as("two version fields").contains(426);
    assertThat(Handshake.accept(KEY)).isEqualTo(ACCEPT);
    assertThat(Handshake.refusal(offer().build(),
        HttpHeaders.builder().add("Upgrade", "websocket").add("Connection", "keep-alive, UPGRADE").build())).isEmpty();
  }

  @Test
  void each_broken_rule_of_the_offer_has_its_status_and_reason() {
    assertThat(refusal(Request.builder("POST", "/ws").header("Sec-WebSocket-Key", KEY).header("Sec-WebSocket-Version", "13")
        .tunnel(new SubmissionPublisher<>()).build()))
        .contains(new Handshake.Refusal(400, "method POST (expected: GET)"));
    assertThat(refusal(offer().noTunnel().build())).contains(new Handshake.Refusal(400,
        "this connection cannot switch protocols (expected: HTTP/1.1; WebSocket over HTTP/2 is not supported)"));
    assertThat(refusal(offer().body(Body.of("x")).build()))
        .contains(new Handshake.Refusal(400, "the upgrade request has a body (expected: none)"));
    assertThat(Handshake.refusal(offer().build(), HttpHeaders.builder().add("Upgrade", "websocket").add("Connection", "keep-alive").build()))
        .contains(new Handshake.Refusal(400, "Connection: keep-alive (expected: the token 'upgrade')"));
    assertThat(Handshake.refusal(offer().build(), HttpHeaders.builder().add("Upgrade", "websocket").add("Connection", "upgrades").build()))
        .as("a token, not a substring").map(Handshake.Refusal::status).contains(400);
    assertThat(refusal(Request.builder("GET", "/ws").header("Sec-WebSocket-Key", KEY).tunnel(new SubmissionPublisher<>()).build()))
        .contains(new Handshake.Refusal(400, "Sec-WebSocket-Version: none (expected: 13)"));
    assertThat(refusal(Request.builder("GET", "/ws").header("Sec-WebSocket-Key", KEY).header("Sec-WebSocket-Version", "8")
        .tunnel(new SubmissionPublisher<>()).build()))
        .contains(new Handshake.Refusal(426, "Sec-WebSocket-Version: 8 (expected: 13)"));
    assertThat(refusal(Request.builder("GET", "/ws").header("Sec-WebSocket-Version", "13").tunnel(new SubmissionPublisher<>()).build()))
        .contains(new Handshake.Refusal(400, "Sec-WebSocket-Key: none (expected: one field, 16 bytes in base64)"));
    assertThat(refusal(offer().header("Sec-WebSocket-Key", KEY).build()))
        .contains(new Handshake.Refusal(400, "Sec-WebSocket-Key: " + KEY + ", " + KEY + " (expected: one field, 16 bytes in base64)"));
  }

  @Test
  void a_key_echoed_in_a_refusal_is_cut_and_its_control_bytes_escaped() {
    String longKey = "A".repeat(100);
    assertThat(refusal(Request.builder("GET", "/ws").header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", longKey)
        .tunnel(new SubmissionPublisher<>()).build()).orElseThrow().detail())
        .isEqualTo("Sec-WebSocket-Key: " + "A".repeat(80) + "... (expected: one field, 16 bytes in base64)");
    assertThat(refusal(Request.builder("GET", "/ws").header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", "a\tb")
        .tunnel(new SubmissionPublisher<>()).build()).orElseThrow().detail())
        .isEqualTo("Sec-WebSocket-Key: a\\x09b (expected: one field, 16 bytes in base64)");
    String eighty = "B".repeat(80);
    assertThat(refusal(Request.builder("GET", "/ws").header("Sec-WebSocket-Version", "13").header("Sec-WebSocket-Key", eighty)
        .tunnel(new SubmissionPublisher<>()).build()).orElseThrow().detail())
        .as("exactly 80: not cut").isEqualTo("Sec-WebSocket-Key: " + eighty + " (expected: one field, 16 bytes in base64)");
  }

  @ParameterizedTest(name = "[{0}] is a key")
  @ValueSource(strings = {KEY, "AAAAAAAAAAAAAAAAAAAAAA==", "ZZZZZZZZZZZZZZZZZZZZZQ==", "aaaaaaaaaaaaaaaaaaaaaa==",
      "zzzzzzzzzzzzzzzzzzzzzw==", "0000000000000000000000==", "9999999999999999999990==", "++++++++++++++++++++++==",
      "/////////////////////w=="})
  void keys_of_sixteen_bytes_in_base64_are_valid(String key) {
    assertThat(Handshake.validKey(key)).isTrue();
  }

  @ParameterizedTest(name = "[{0}] is not a key")
  @ValueSource(strings = {"", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ.=",
      "@AAAAAAAAAAAAAAAAAAAAA==", "[AAAAAAAAAAAAAAAAAAAAA==", "`AAAAAAAAAAAAAAAAAAAAA==", "{AAAAAAAAAAAAAAAAAAAAA==",
      ".AAAAAAAAAAAAAAAAAAAAA==", ":AAAAAAAAAAAAAAAAAAAAA==", "-AAAAAAAAAAAAAAAAAAAAA==", "_AAAAAAAAAAAAAAAAAAAAA==",
      "AAAAAAAAAAAAAAAAAAAAA@==", "AAAAAAAAAAAAAAAAAAAAA =", "dGhlIHNhbXBsZSBub25jZQ=A",
      "AAAAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAAA"})
  void anything_else_is_not_a_key(String key) {
    assertThat(Handshake.validKey(key)).isFalse();
  }

  @Test
  void an_upgrade_offer_is_the_websocket_token_of_the_upgrade_field() {
    assertThat(Handshake.asksForWebSocket(UPGRADE)).isTrue();
    assertThat(Handshake.asksForWebSocket(HttpHeaders.builder().add("Upgrade", "h2c, WebSocket").build())).isTrue();
    assertThat(Handshake.asksForWebSocket(HttpHeaders.builder().add("Upgrade", "h2c").build())).isFalse();
    assertThat(Handshake.asksForWebSocket(HttpHeaders.builder().add("Upgrade", "websockets").build())).isFalse();
    assertThat(Handshake.asksForWebSocket(HttpHeaders.builder().build())).isFalse();
  }

  @Test
  void offered_subprotocols_are_the_tokens_of_every_field_in_order() {
    HttpHeaders h = HttpHeaders.builder().add("Sec-WebSocket-Protocol", " chat ,, superchat").add("Sec-WebSocket-Protocol", "v2").build();
    assertThat(Handshake.protocols(h)).containsExactly("chat", "superchat", "v2");
    assertThat(Handshake.protocols(HttpHeaders.builder().build())).isEmpty();
  }

  private static Response answer(String... fields) {
    Response.Builder b = Response.builder(101);
    for (int i = 0; i < fields.length; i += 2) {
      b.header(fields[i], fields[i + 1]);
    }
    return b.build();
  }

  @Test
  void the_upstreams_101_must_answer_the_key_and_may_choose_only_an_offered_subprotocol() {
    List<String> offered = List.of("chat", "superchat");
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "websocket", "Sec-WebSocket-Accept", ACCEPT), KEY, offered)).isEmpty();
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "WebSocket", "Sec-WebSocket-Accept", " " + ACCEPT + " ",
        "Sec-WebSocket-Protocol", "superchat"), KEY, offered)).isEmpty();
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "h2c", "Sec-WebSocket-Accept", ACCEPT), KEY, offered))
        .contains("Upgrade: h2c (expected: websocket)");
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "websocket"), KEY, offered))
        .contains("Sec-WebSocket-Accept:  (expected: " + ACCEPT + ")");
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "websocket", "Sec-WebSocket-Accept", ACCEPT, "Sec-WebSocket-Accept", ACCEPT),
        KEY, offered)).as("two accept fields").isPresent();
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "websocket", "Sec-WebSocket-Accept", ACCEPT,
        "Sec-WebSocket-Extensions", "permessage-deflate"), KEY, offered))
        .contains("Sec-WebSocket-Extensions: permessage-deflate (expected: none, as none was offered)");
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "websocket", "Sec-WebSocket-Accept", ACCEPT,
        "Sec-WebSocket-Protocol", "other"), KEY, offered))
        .contains("Sec-WebSocket-Protocol: other (expected: one of those offered: [chat, superchat])");
    assertThat(Handshake.upstreamProblem(answer("Upgrade", "websocket", "Sec-WebSocket-Accept", ACCEPT,
        "Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Protocol", "superchat"), KEY, offered))
        .as("two chosen").contains("Sec-WebSocket-Protocol: chat, superchat (expected: one of those offered: [chat, superchat])");
  }

  @ParameterizedTest(name = "[{0}] tokens {1}")
  @CsvSource(delimiter = '|', value = {"Upgrade|upgrade", " keep-alive , Upgrade |keep-alive upgrade", "a,,b|a b", "' '|''"})
  void field_values_split_into_lower_case_tokens(String value, String tokens) {
    assertThat(Handshake.tokens(List.of(value))).containsExactly(tokens.isEmpty() ? new String[0] : tokens.split(" "));
  }
}
