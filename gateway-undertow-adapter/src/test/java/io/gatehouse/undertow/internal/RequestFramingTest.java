package io.gatehouse.undertow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFramingTest {
  private static final String NOT_CHUNKED = "The request's Transfer-Encoding is not exactly chunked.";
  private static final String BAD_LENGTH = "The Content-Length header is not a valid length.";

  /** An exchange with the given header lines ({@code name, value, name, value, ...}). */
  private static RequestFraming framing(HttpString protocol, String... namesAndValues) {
    HttpServerExchange exchange = new HttpServerExchange(null);
    exchange.setProtocol(protocol);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      exchange.getRequestHeaders().add(HttpString.tryFromString(namesAndValues[i]), namesAndValues[i + 1]);
    }
    return RequestFraming.of(exchange);
  }

  private static RequestFraming framing(String... namesAndValues) {
    return framing(Protocols.HTTP_1_1, namesAndValues);
  }

  @Test
  void no_framing_header_is_a_body_of_unknown_length_that_is_not_chunked() {
    assertThat(framing()).isEqualTo(new RequestFraming(RequestFraming.UNKNOWN, false, null));
    assertThat(framing(Protocols.HTTP_2_0)).isEqualTo(new RequestFraming(-1, false, null));
  }

  static Stream<Arguments> chunked() {
    return Stream.of(
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "Chunked"}),
        Arguments.of((Object) new String[] {"transfer-encoding", "CHUNKED"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", " \tchunked\t "}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunked")
  void exactly_chunked_in_http_1_1_is_accepted(String[] fields) {
    assertThat(framing(fields)).isEqualTo(new RequestFraming(RequestFraming.UNKNOWN, true, null));
  }

  static Stream<Arguments> refusedTransferEncodings() {
    return Stream.of(
        Arguments.of((Object) new String[] {"Transfer-Encoding", "gzip, chunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked, gzip"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked,"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", ",chunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked, chunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "identity"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "xchunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked;q=1"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "\u000bchunked"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", "chunked\u000b"}),
        Arguments.of((Object) new String[] {"Transfer-Encoding", ""}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTransferEncodings")
  void any_other_transfer_encoding_is_refused(String[] fields) {
    assertThat(framing(fields)).isEqualTo(new RequestFraming(RequestFraming.UNKNOWN, false, NOT_CHUNKED));
  }

  @Test
  void transfer_encoding_outside_http_1_1_is_refused() {
    assertThat(framing(Protocols.HTTP_1_0, "Transfer-Encoding", "chunked"))
        .isEqualTo(new RequestFraming(-1, false, "Transfer-Encoding is not allowed in an HTTP/1.0 request."));
    assertThat(framing(Protocols.HTTP_2_0, "Transfer-Encoding", "chunked").refusal())
        .isEqualTo("The HTTP/2 request carries the connection-specific field Transfer-Encoding.");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"Connection, close", "connection, x-a", "Keep-Alive, timeout=5", "Proxy-Connection, keep-alive",
      "Upgrade, websocket", "Transfer-Encoding, chunked", "TE, gzip", "TE, 'trailers, gzip'"})
  void an_http_2_request_with_a_connection_specific_field_is_refused(String name, String value) {
    String refusal = framing(Protocols.HTTP_2_0, name, value).refusal();

    assertThat(refusal).startsWith("The HTTP/2 request carries the connection-specific field ");
    assertThat(framing(Protocols.HTTP_1_1, name.startsWith("Transfer") ? "X-Other" : name, value).refusal())
        .as("HTTP/1.1 keeps these for ingress to remove").isNull();
  }

  @Test
  void te_trailers_is_the_one_connection_field_http_2_allows() {
    assertThat(framing(Protocols.HTTP_2_0, "TE", "trailers").refusal()).isNull();
    assertThat(framing(Protocols.HTTP_2_0, "TE", " Trailers ").refusal()).isNull();
    assertThat(framing(Protocols.HTTP_2_0, "TE", "trailers", "TE", "gzip").refusal()).isNotNull();
  }

  @Test
  void the_request_of_an_h2c_upgrade_keeps_its_own_connection_fields() {
    assertThat(framing(Protocols.HTTP_2_0, "Connection", "Upgrade, HTTP2-Settings", "Upgrade", "h2c",
        "HTTP2-Settings", "AAMAAABkAAQAAP__").refusal()).isNull();
  }

  @Test
  void both_framings_are_refused_in_either_order() {
    RequestFraming refused = new RequestFraming(-1, false, "The request has both Transfer-Encoding and Content-Length.");

    assertThat(framing("Transfer-Encoding", "chunked", "Content-Length", "5")).isEqualTo(refused);
    assertThat(framing("Content-Length", "5", "Transfer-Encoding", "chunked")).isEqualTo(refused);
    assertThat(framing(Protocols.HTTP_1_0, "Content-Length", "0", "Transfer-Encoding", "gzip")).isEqualTo(refused);
  }

  static Stream<Arguments> lengths() {
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("5", 5L),
        Arguments.of("00005", 5L),
        Arguments.of(" 5", 5L),
        Arguments.of("5\t", 5L),
        Arguments.of("\t 9 \t", 9L),
        Arguments.of("999999999999999999", 999_999_999_999_999_999L),
        Arguments.of("000000000000000001", 1L));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("lengths")
  void a_content_length_of_1_to_18_digits_is_the_length(String value, long length) {
    assertThat(framing("Content-Length", value)).isEqualTo(new RequestFraming(length, false, null));
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", " ", "\t", "+5", "-1", "-0", "5a", "a5", "/", ":",
      "5 5", "5,5", "0x5", "5.0", "1e3", "\u000b5", "5\u000b", "\u0665", "1000000000000000000", "0000000000000000005",
      "99999999999999999999"})
  void any_other_content_length_is_refused(String value) {
    assertThat(framing("Content-Length", value)).isEqualTo(new RequestFraming(-1, false, BAD_LENGTH));
  }

  @Test
  void a_repeated_content_length_is_refused_even_when_equal() {
    assertThat(framing("Content-Length", "5", "Content-Length", "5").refusal()).isEqualTo(BAD_LENGTH);
    assertThat(framing("Content-Length", "5", "Content-Length", "6").refusal()).isEqualTo(BAD_LENGTH);
  }
}
