package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProblemResponseTest {
  private static String body(Response r) {
    return new String(r.body().inMemory().orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void renders_the_fixed_shape_with_the_request_id_in_body_and_header() {
    Response r = ProblemResponse.of(404, "There is nothing here.", "req-1");

    assertThat(r.status()).isEqualTo(404);
    assertThat(body(r)).isEqualTo("{\"type\":\"urn:gatehouse:problem:not-found\",\"title\":\"Not Found\","
        + "\"status\":404,\"detail\":\"There is nothing here.\",\"requestId\":\"req-1\"}");
    assertThat(r.headers().first("Content-Type")).contains("application/problem+json");
    assertThat(r.headers().first("Cache-Control")).contains("no-store");
    assertThat(r.headers().first("X-Request-Id")).contains("req-1");
    assertThat(r.headers().contains("Connection")).isFalse();
    assertThat(r.body().contentLength()).hasValue(body(r).getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void the_closing_variant_adds_connection_close() {
    Response r = ProblemResponse.closing(400, "The framing is ambiguous.", "req-2");

    assertThat(r.headers().all("Connection")).containsExactly("close");
    assertThat(body(r)).contains("\"type\":\"urn:gatehouse:problem:bad-request\"");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "quote \" here      | \"quote \\\" here\"",
      "back\\slash        | \"back\\\\slash\"",
      "slash / stays      | \"slash / stays\"",
      "caf\u00e9 \u2603   | \"caf\u00e9 \u2603\""})
  void escapes_the_detail_as_json(String detail, String expected) {
    assertThat(body(ProblemResponse.of(400, detail.strip(), "r"))).contains("\"detail\":" + expected.strip());
  }

  @Test
  void escapes_every_control_character() {
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      controls.append(c);
    }
    controls.append('\u007f');

    String json = body(ProblemResponse.of(400, controls.toString(), "r"));

    assertThat(json).contains("\"detail\":\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n"
        + "\\u000B\\f\\r\\u000E\\u000F\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        + "\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F\u007f\"");
  }

  @Test
  void escapes_each_half_of_a_surrogate_pair_as_jackson_does() {
    assertThat(body(ProblemResponse.of(400, "smile \uD83D\uDE00, lone \uD800", "r")))
        .contains("\"detail\":\"smile \\uD83D\\uDE00, lone \\uD800\"");
  }

  @ParameterizedTest
  @CsvSource({
      "Bad Gateway, urn:gatehouse:problem:bad-gateway",
      "HTTP Version Not Supported, urn:gatehouse:problem:http-version-not-supported",
      "Request-URI Too Large, urn:gatehouse:problem:request-uri-too-large",
      "'  Odd  -- Title!  ', urn:gatehouse:problem:odd-title-"})
  void the_type_is_a_slug_of_the_title(String title, String type) {
    assertThat(body(ProblemResponse.of(502, title, "d", "r"))).contains("\"type\":\"" + type + "\"");
  }

  @ParameterizedTest
  @CsvSource({"400, Bad Request", "408, Request Timeout", "413, Content Too Large", "431, Request Header Fields Too Large",
      "499, Client Error", "503, Service Unavailable", "505, HTTP Version Not Supported", "599, Server Error"})
  void titles_default_to_the_rfc_9110_reason_phrase(int status, String title) {
    assertThat(ProblemResponse.title(status)).isEqualTo(title);
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 399, 600, -1})
  void refuses_a_status_that_is_not_an_error(int status) {
    assertThatThrownBy(() -> ProblemResponse.of(status, "d", "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status: " + status + " (expected: 400 to 599)");
  }

  @ParameterizedTest
  @CsvSource({"-PT1S, 1", "PT0S, 1", "PT0.000000001S, 1", "PT0.999S, 1", "PT1S, 1", "PT1.2S, 2", "PT59S, 59",
      "PT24H, 86400", "PT24H0.000000001S, 86400", "PT8760H, 86400"})
  void retry_after_is_whole_seconds_rounded_up_between_one_second_and_a_day(Duration wait, String seconds) {
    Response r = ProblemResponse.retryAfter(ProblemResponse.of(503, "d", "r"), wait);

    assertThat(r.headers().all("Retry-After")).containsExactly(seconds);
  }

  @Test
  void request_ids_keep_a_well_formed_one_and_replace_the_rest() {
    assertThat(RequestId.of(HttpHeaders.of("X-Request-Id", "abc-123:x.y_z"))).isEqualTo("abc-123:x.y_z");
    assertThat(RequestId.of(HttpHeaders.of("X-Request-Id", "has space"))).matches("[0-9a-f]{32}");
    assertThat(RequestId.of(HttpHeaders.of())).matches("[0-9a-f]{32}");
  }

  @ParameterizedTest
  @CsvSource({"a, true", "'', false", "a b, false", "a/b, false", "a\"b, false", "\u00e9, false", "A-Z_0.9:x, true"})
  void request_id_grammar(String id, boolean wellFormed) {
    assertThat(RequestId.isWellFormed(id)).isEqualTo(wellFormed);
  }

  @Test
  void request_ids_are_at_most_128_characters() {
    assertThat(RequestId.isWellFormed("a".repeat(128))).isTrue();
    assertThat(RequestId.isWellFormed("a".repeat(129))).isFalse();
  }
}
