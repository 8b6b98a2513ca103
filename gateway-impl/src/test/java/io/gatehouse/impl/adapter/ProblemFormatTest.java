package io.gatehouse.impl.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gatehouse.adapter.ProblemResponse;
import io.gatehouse.http.Response;
import io.gatehouse.impl.problem.RetryAfter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The problem format of gateway-api, written with the JDK alone, against what Jackson's generator
 * (which rendered every problem before) writes: the bytes must not change.
 */
class ProblemFormatTest {
  private static byte[] jackson(int status, String type, String title, String detail, String requestId) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", type);
      g.writeStringField("title", title);
      g.writeNumberField("status", status);
      g.writeStringField("detail", detail);
      g.writeStringField("requestId", requestId);
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  @Test
  void every_character_below_0x100_and_some_beyond_render_as_jackson_renders_them() throws IOException {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\uFEFF\u20AC\uD83D\uDE00/</script> lone \uDC00 halves \uD800");
    String detail = all.toString();

    Response ours = ProblemResponse.of(400, "Bad Request", detail, "req-1");

    assertThat(ours.body().inMemory().orElseThrow())
        .isEqualTo(jackson(400, "urn:gatehouse:problem:bad-request", "Bad Request", detail, "req-1"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "404 | Not Found | no route matches GET /x",
      "502 | Bad Gateway | the upstream answered with a malformed \"Content-Length\"",
      "413 | Content Too Large | the request body is larger than 1048576 bytes",
      "503 | Service Unavailable | 'tab\there, newline\nthere, back\\slash'"})
  void the_gateways_own_problems_keep_their_bytes(int status, String title, String detail) throws IOException {
    String type = "urn:gatehouse:problem:" + title.toLowerCase().replace(' ', '-');

    assertThat(ProblemResponse.of(status, title, detail, "abc").body().inMemory().orElseThrow())
        .isEqualTo(jackson(status, type, title, detail, "abc"));
  }

  @ParameterizedTest
  @CsvSource({"PT0S", "PT0.001S", "PT1S", "PT1.001S", "PT1.2S", "PT59.999S", "PT-5S", "PT24H", "PT24H0.5S", "P2D", "P9999D"})
  void retry_after_on_a_response_matches_the_gateways_rule(Duration wait) {
    Response busy = ProblemResponse.of(503, "d", "r");

    assertThat(ProblemResponse.retryAfter(busy, wait).headers().all("Retry-After"))
        .containsExactly(RetryAfter.seconds(wait));
    assertThat(ProblemResponse.retryAfter(busy, wait).headers()).isEqualTo(RetryAfter.on(busy, wait).headers());
  }
}
