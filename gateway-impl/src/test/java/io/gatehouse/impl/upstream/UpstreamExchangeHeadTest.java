package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The second check on a parsed upstream head, behind {@link ResponseFramingGuard}: no control byte
 * in a value and no CL+TE pair reaches a client even if the bytes got past the guard.
 */
class UpstreamExchangeHeadTest {
  /** Never given a task: the head checks schedule nothing, so it starts no thread. */
  private static final ScheduledExecutorService UNUSED_TIMER = Executors.newSingleThreadScheduledExecutor();

  private final UpstreamExchange exchange = new UpstreamExchange(
      new UpstreamCall(URI.create("http://127.0.0.1:1"), Request.builder("GET", "/").build(), Duration.ofSeconds(2),
          Duration.ofSeconds(5)),
      Duration.ofSeconds(1), false, UNUSED_TIMER);

  static IntStream controlBytes() {
    return IntStream.concat(IntStream.range(0, 0x20).filter(c -> c != '\t'), IntStream.of(0x7f));
  }

  @ParameterizedTest(name = "0x{0}")
  @MethodSource("controlBytes")
  void refuses_a_value_with_a_control_byte(int c) {
    BasicHttpResponse head = new BasicHttpResponse(200);
    head.addHeader("X-A", "a" + (char) c + "b");

    assertThatThrownBy(() -> exchange.response(head, Body.empty()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("a control byte in field 'X-A'");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a\tb", "caf\u00e9", " spaced ", "\"quoted\", list; q=1"})
  void passes_HTAB_obs_text_and_visible_ASCII(String value) throws Exception {
    BasicHttpResponse head = new BasicHttpResponse(200);
    head.addHeader("X-A", value);

    Response response = exchange.response(head, Body.empty());

    assertThat(response.headers().first("X-A")).contains(value);
  }

  @ParameterizedTest(name = "Content-Length first: {0}")
  @ValueSource(booleans = {true, false})
  void refuses_Content_Length_with_Transfer_Encoding(boolean lengthFirst) {
    BasicHttpResponse head = new BasicHttpResponse(200);
    if (lengthFirst) {
      head.addHeader("Content-Length", "5");
    }
    head.addHeader("Transfer-Encoding", "chunked");
    if (!lengthFirst) {
      head.addHeader("Content-Length", "5");
    }

    assertThatThrownBy(() -> exchange.response(head, Body.empty()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("both Content-Length and Transfer-Encoding");
  }

  @Test
  void after_dispatch_a_socket_timeout_is_RESPONSE_TIMEOUT_and_a_cancel_by_a_closing_connection_CONNECTION_RESET() {
    exchange.leased(true);
    exchange.dispatched();

    assertThat(exchange.classify(new java.net.SocketTimeoutException("5 SECONDS")).kind())
        .isEqualTo(io.gatehouse.spi.UpstreamException.Kind.RESPONSE_TIMEOUT);
    io.gatehouse.spi.UpstreamException cancelled = exchange.classify(new java.io.InterruptedIOException());
    assertThat(cancelled.kind()).isEqualTo(io.gatehouse.spi.UpstreamException.Kind.CONNECTION_RESET);
    assertThat(cancelled).hasMessageContaining("the connection closed under the request");
    assertThat(exchange.failedOnStaleConnection(cancelled)).as("resent once on a new connection").isTrue();
  }
}
