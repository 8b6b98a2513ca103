package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseFramingTest {

  @ParameterizedTest
  @CsvSource({
      "Content-Length, true", "content-length, true", "TRANSFER-ENCODING, true", "Transfer-Encoding, true",
      "Connection, true", "connection, true", "Content-Type, false", "Keep-Alive, false", "Content-Length2, false",
      "Trailer, false"})
  void drops_exactly_the_fields_the_server_frames_itself(String name, boolean framing) {
    assertThat(ResponseFraming.isFramingField(name)).isEqualTo(framing);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "close | true", "Close | true", "keep-alive, close | true", " close ,x | true", "keep-alive | false",
      "closed | false", "x-close | false"})
  void a_connection_close_token_anywhere_asks_to_close(String connection, boolean closes) {
    Response response = Response.builder(200).header("Connection", connection).build();
    assertThat(ResponseFraming.asksToClose(response)).isEqualTo(closes);
  }

  @ParameterizedTest
  @CsvSource({"200, false, true", "200, true, false", "204, false, false", "304, false, false",
      "205, false, true", "404, true, false", "500, false, true"})
  void no_body_goes_out_for_head_204_and_304(int status, boolean head, boolean sends) {
    assertThat(ResponseFraming.sendsBody(status, head)).isEqualTo(sends);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // status | head | declared Content-Length | body length | expected (-1: none)
      "200 | true  | 42     | 7  | 42",
      "200 | true  |        | 7  | 7",
      "200 | true  |        | -1 | -1",
      "304 | false | 42     | 7  | 42",
      "304 | false |        | 7  | -1",
      "204 | false | 42     | 7  | -1",
      "200 | true  | 4x     | 7  | 7",
      "200 | true  | -1     | 7  | 7",
      "200 | true  | 1234567890123456789 | 7 | 7",
      "200 | true  | 123456789012345678 | 7 | 123456789012345678"})
  void head_and_304_keep_the_length_a_get_would_get(int status, boolean head, String declared, long bodyLength,
      long expected) {
    Response.Builder b = Response.builder(status)
        .body(Body.ofPublisher(s -> {}, bodyLength));
    if (declared != null) {
      b.header("Content-Length", declared);
    }
    OptionalLong length = ResponseFraming.lengthWithoutBody(b.build(), head);
    assertThat(length).isEqualTo(expected < 0 ? OptionalLong.empty() : OptionalLong.of(expected));
  }
}
