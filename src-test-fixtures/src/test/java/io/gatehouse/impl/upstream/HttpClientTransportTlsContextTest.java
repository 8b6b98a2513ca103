package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.TransportCalls.assertKind;
import static io.gatehouse.testing.transport.TransportCalls.await;
import static io.gatehouse.testing.transport.TransportCalls.body;
import static io.gatehouse.testing.transport.TransportCalls.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.testing.transport.TransportCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When the transport makes its TLS context (and reads the JVM's trust store): on its first https
 * connection, never for plain HTTP. Real sockets on 127.0.0.1 only; TLS itself, trusted and
 * untrusted, is an item of the transport conformance kit.
 */
class HttpClientTransportTlsContextTest {
  private HttpClientTransport transport;

  @BeforeEach
  void startTransport() {
    transport = HttpClientTransport.create(TransportSettings.defaults().withIoThreads(1));
  }

  @AfterEach
  void closeTransport() {
    transport.close();
  }

  @Test
  void a_started_transport_has_no_tls_context() {
    assertThat(transport.tlsContextMade()).isFalse();
  }

  @Test
  void a_transport_that_only_speaks_http_never_makes_a_tls_context() throws Exception {
    try (RawUpstream upstream = RawUpstream.keepAlive("ok")) {
      for (int i = 0; i < 3; i++) {
        Response response = await(transport.send(TransportCalls.get(upstream.origin(), "/plain/" + i)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(new String(body(response), StandardCharsets.US_ASCII)).isEqualTo("ok");
      }
    }

    assertThat(transport.tlsContextMade()).isFalse();
  }

  @Test
  void the_first_https_connection_makes_the_tls_context() throws Exception {
    // A plain TCP server behind an https origin: the client hello reaches it, the handshake fails.
    try (RawUpstream notTls = RawUpstream.start(c -> c.socket().close())) {
      URI origin = URI.create("https://127.0.0.1:" + notTls.port());

      UpstreamException e = failure(transport.send(TransportCalls.get(origin, "/")));

      assertKind(e, Kind.CONNECT_REFUSED);
      assertThat(notTls.acceptedConnections()).isEqualTo(1);
    }

    assertThat(transport.tlsContextMade()).isTrue();
  }

  @Test
  void make_tls_context_makes_it_before_any_https_connection() {
    transport.makeTlsContext();

    assertThat(transport.tlsContextMade()).isTrue();
  }
}
