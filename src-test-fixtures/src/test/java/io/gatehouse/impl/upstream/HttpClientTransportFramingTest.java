package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.HostileResponses.CHUNKED_HELLO;
import static io.gatehouse.testing.transport.HostileResponses.OK;
import static io.gatehouse.testing.transport.TransportCalls.assertKind;
import static io.gatehouse.testing.transport.TransportCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Request;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile upstream response framing (issue 10, item 12), as far as it is httpclient5's own: the
 * message each refusal of the framing guard gives, over a socket. What every transport must do with
 * the kit's table of hostile responses ({@link io.gatehouse.testing.transport.HostileResponses}: the
 * caller's outcome, the bad connection closed, the next call served) is the HOSTILE_FRAMING item of
 * the transport conformance kit, run against this transport by HttpClientTransportConformanceTest;
 * ResponseFramingGuardTest drives the guard with the same table, and with {@link #reasons()}, in
 * memory. (These tests live in gateway-test-fixtures, not gateway-impl, to use the kit's table and
 * raw upstream: the fixtures depend on gateway-impl.)
 */
class HttpClientTransportFramingTest {
  private HttpClientTransport transport;

  @BeforeEach
  void startTransport() {
    transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
  }

  @AfterEach
  void closeTransport() {
    transport.close();
  }

  static Stream<Arguments> reasons() {
    return Stream.of(
        Arguments.of("GET", OK + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO,
            "both Transfer-Encoding and Content-Length in a 200 response"),
        Arguments.of("GET", OK + "Transfer-Encoding: xchunked\r\n\r\n" + CHUNKED_HELLO,
            "Transfer-Encoding: xchunked (expected: chunked)"),
        Arguments.of("GET", OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO,
            "2 Transfer-Encoding fields (expected: one)"),
        Arguments.of("GET", OK + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
            "2 Content-Length fields (expected: one)"),
        Arguments.of("GET", OK + "Content-Length: +5\r\n\r\nhello", "Content-Length: +5 (expected: 1 to 18 digits)"),
        Arguments.of("GET", OK + "Transfer-Encoding: chunked\r\n\r\n-1\r\nhello\r\n0\r\n\r\n",
            "chunk size line '-1' (expected: 1 to 15 hex digits, optional extensions)"),
        Arguments.of("GET", OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n",
            "chunk data not followed by CRLF (found X)"),
        Arguments.of("GET", OK + "Content-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n",
            "17 bytes arrived while no request was waiting for a response: 'HTTP/1.1 200 OK\\x0D\\x0A'"),
        Arguments.of("HEAD", OK + "Content-Length: 5\r\n\r\nhello",
            "5 bytes arrived while no request was waiting for a response: 'hello'"),
        Arguments.of("GET", OK + "X-A: a\rb\r\n\r\n", "a bare CR in the head of a 200 response"),
        Arguments.of("GET", OK + "X-A: a\nb\r\n\r\n", "a bare LF (expected: CRLF) in the head of a 200 response"),
        Arguments.of("GET", OK + "X-A: a\u0000b\r\n\r\n",
            "a control byte in field 'X-A' in the head of a 200 response: 'X-A: a\\x00b'"),
        Arguments.of("GET", OK + "X-A: a\r\n b\r\n\r\n", "a folded line (obs-fold) in the head of a 200 response"),
        Arguments.of("GET", OK + "X-A : a\r\n\r\n",
            "field line 'X-A : a' in the head of a 200 response (expected: a token, then a colon)"),
        Arguments.of("GET", "HTTP/1.1 600 Nope\r\n\r\n",
            "status line 'HTTP/1.1 600 Nope' (expected: HTTP/1.1, a status from 100 to 599, a reason)"),
        Arguments.of("GET", "HTTP/1.1 101 Switching Protocols\r\n\r\n",
            "101 Switching Protocols, but the gateway asks no upstream to upgrade"),
        Arguments.of("GET", "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(17), "more than 16 interim (1xx) responses"),
        Arguments.of("GET", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "a 204 response with Content-Length: 5"));
  }

  /** Each rule names itself, with the offending bytes escaped (they end up in the gateway's log). */
  @ParameterizedTest(name = "{2}")
  @MethodSource("reasons")
  void a_refusal_says_which_rule_the_upstream_broke(String method, String script, String reason) throws Exception {
    try (RawUpstream upstream = RawUpstream.start(c -> {
      c.readHead();
      c.write(script);
      c.closedByPeerWithin(Duration.ofSeconds(5));
    })) {
      UpstreamException e = failure(transport.send(TransportCalls.call(upstream.origin(), Request.builder(method, "/").build())));

      assertKind(e, Kind.PROTOCOL_ERROR);
      assertThat(e).hasMessageContaining("invalid response framing: " + reason);
    }
  }
}
