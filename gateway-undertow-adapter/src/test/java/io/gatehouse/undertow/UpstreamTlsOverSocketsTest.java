package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.upstream.HealthCheck;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamTls;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xnio.SslClientAuthMode;

/**
 * TLS to upstreams over real sockets, with certificates made by keytool ({@link TestPki}): pinned
 * authorities, host names, expiry, {@code insecureSkipVerify}, client certificates (mutual TLS),
 * pools kept apart per TLS setting, and HTTP/2 negotiated by ALPN with its HTTP/1.1 fallback.
 * The client speaks plain HTTP to the gateway; the gateway speaks TLS to the upstream.
 *
 * <p>Not tested here: that a pinned authority excludes the JVM's own ones even for an upstream
 * whose certificate a public CA signed (no such certificate can be made in a test). The test
 * "the JVM's trust does not include the test CA" shows the other direction, and the pinned rows
 * show that only the pinned authority is used: an upstream signed by the other test CA is refused.
 */
class UpstreamTlsOverSocketsTest {
  private static final TestPki PKI = TestPki.shared();
  private static final Path CA = PKI.caPem("ca");
  private static final Path OTHER_CA = PKI.caPem("other-ca");

  private static HttpResponse<String> get(GatewayServer server, String path) throws Exception {
    return Servers.CLIENT.send(Servers.request(server.port(), path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Gateway gateway(Upstream upstream) {
    return Gateway.builder().route("tls", r -> r.path("/**").upstream(upstream)).build();
  }

  private static void assertBadGateway(HttpResponse<String> response, String detail) {
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.body()).contains(detail).doesNotContain("Exception").doesNotContain("at io.");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pem", "key store"})
  void a_pinned_ca_accepts_the_upstream_it_signed(String form) throws Exception {
    UpstreamTls tls = form.equals("pem") ? UpstreamTls.trustedCas(CA) : UpstreamTls.trustStore(PKI.trustStoreOf("ca"));
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER);
        Gateway gateway = gateway(Upstream.of(upstream.url()).tls(tls));
        GatewayServer server = Servers.start(gateway)) {
      HttpResponse<String> response = get(server, "/orders/7");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).startsWith("HTTP/1.1 client=none ").endsWith(" /orders/7");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pem", "key store"})
  void a_pinned_ca_refuses_an_upstream_signed_by_another_ca_and_the_gateway_keeps_serving(String form) throws Exception {
    UpstreamTls tls = form.equals("pem") ? UpstreamTls.trustedCas(CA) : UpstreamTls.trustStore(PKI.trustStoreOf("ca"));
    try (TlsUpstream other = TlsUpstream.start(TestPki.SERVER_OTHER_CA);
        TlsUpstream good = TlsUpstream.start(TestPki.SERVER);
        Gateway gateway = Gateway.builder()
            .route("other", r -> r.path("/other/**").upstream(Upstream.of(other.url()).tls(tls)))
            .route("good", r -> r.path("/good/**").upstream(Upstream.of(good.url()).tls(tls)))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      for (int i = 0; i < 3; i++) {
        assertBadGateway(get(server, "/other/x"),
            "the upstream's TLS certificate is not signed by an authority the gateway trusts for it");
        assertThat(get(server, "/good/x").statusCode()).isEqualTo(200);
      }
      assertThat(other.seen()).isEmpty();
      assertThat(good.seen()).hasSize(3);
    }
  }

  @Test
  void pinning_the_other_ca_refuses_an_upstream_that_the_first_ca_signed() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER);
        Gateway gateway = gateway(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(OTHER_CA)));
        GatewayServer server = Servers.start(gateway)) {
      assertBadGateway(get(server, "/x"), "is not signed by an authority the gateway trusts");
      assertThat(upstream.seen()).isEmpty();
    }
  }

  @Test
  void the_jvm_trust_does_not_include_the_test_ca() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER);
        Gateway gateway = Gateway.builder()
            .route("default", r -> r.path("/default/**").upstream(Upstream.of(upstream.url())))
            .route("jvm", r -> r.path("/jvm/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.jvmTrust())))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      assertBadGateway(get(server, "/default/x"), "is not signed by an authority the gateway trusts");
      assertBadGateway(get(server, "/jvm/x"), "is not signed by an authority the gateway trusts");
      assertThat(upstream.seen()).isEmpty();
    }
  }

  @Test
  void a_certificate_for_another_host_is_refused() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER_OTHER_HOST);
        Gateway gateway = gateway(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA)));
        GatewayServer server = Servers.start(gateway)) {
      assertBadGateway(get(server, "/x"), "the upstream's TLS certificate does not name the upstream's host");
      assertThat(upstream.seen()).isEmpty();
    }
  }

  @Test
  void a_server_name_is_asked_for_and_checked_instead_of_the_target_host() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER_OTHER_HOST);
        TlsUpstream localhost = TlsUpstream.start(TestPki.SERVER);
        Gateway gateway = Gateway.builder()
            .route("named", r -> r.path("/named/**")
                .upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA).serverName("elsewhere.example"))))
            // The certificate names 127.0.0.1 and localhost, not the server name: refused.
            .route("misnamed", r -> r.path("/misnamed/**")
                .upstream(Upstream.of(localhost.url()).tls(UpstreamTls.trustedCas(CA).serverName("elsewhere.example"))))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      assertThat(get(server, "/named/x").statusCode()).isEqualTo(200);
      assertBadGateway(get(server, "/misnamed/x"), "does not name the upstream's host");
      assertThat(upstream.seen()).hasSize(1);
      assertThat(localhost.seen()).isEmpty();
    }
  }

  @Test
  void an_expired_certificate_is_refused() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER_EXPIRED);
        Gateway gateway = gateway(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA)));
        GatewayServer server = Servers.start(gateway)) {
      assertBadGateway(get(server, "/x"), "the upstream's TLS certificate has expired or is not yet valid");
      assertThat(upstream.seen()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {TestPki.SERVER_OTHER_CA, TestPki.SERVER_EXPIRED, TestPki.SERVER_OTHER_HOST})
  void insecure_skip_verify_accepts_any_certificate(String alias) throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(alias);
        Gateway gateway = gateway(Upstream.of(upstream.url()).tls(UpstreamTls.insecureSkipVerify()));
        GatewayServer server = Servers.start(gateway)) {
      assertThat(get(server, "/x").statusCode()).isEqualTo(200);
      assertThat(upstream.seen()).hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pem", "key store"})
  void an_upstream_that_requires_a_client_certificate_gets_the_configured_one(String form) throws Exception {
    UpstreamTls tls = form.equals("pem")
        ? UpstreamTls.trustedCas(CA).clientCertificate(PKI.chainPem(TestPki.CLIENT), PKI.keyPem(TestPki.CLIENT))
        : UpstreamTls.trustedCas(CA).clientKeyStore(PKI.keyStoreOf(TestPki.CLIENT), TestPki.PASSWORD);
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, SslClientAuthMode.REQUIRED, false);
        Gateway gateway = gateway(Upstream.of(upstream.url()).tls(tls));
        GatewayServer server = Servers.start(gateway)) {
      HttpResponse<String> response = get(server, "/x");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).startsWith("HTTP/1.1 client=CN=billing,OU=Payments,O=Example ");
    }
  }

  @Test
  void an_upstream_that_requires_a_client_certificate_refuses_the_gateway_without_one() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, SslClientAuthMode.REQUIRED, false);
        Gateway gateway = Gateway.builder()
            .route("without", r -> r.path("/without/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA))))
            .route("untrusted", r -> r.path("/untrusted/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA)
                .clientCertificate(PKI.chainPem(TestPki.CLIENT_UNTRUSTED), PKI.keyPem(TestPki.CLIENT_UNTRUSTED)))))
            .route("with", r -> r.path("/with/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA)
                .clientCertificate(PKI.chainPem(TestPki.CLIENT), PKI.keyPem(TestPki.CLIENT)))))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      for (int i = 0; i < 2; i++) {
        assertBadGateway(get(server, "/without/x"),
            "the upstream refused the TLS handshake: it did not accept the gateway's client certificate, or requires one");
        assertBadGateway(get(server, "/untrusted/x"),
            "the upstream refused the TLS handshake: it did not accept the gateway's client certificate, or requires one");
        assertThat(get(server, "/with/x").statusCode()).as("the gateway keeps serving").isEqualTo(200);
      }
      assertThat(upstream.seen()).hasSize(2).allSatisfy(line -> assertThat(line).contains("client=CN=billing,"));
    }
  }

  @Test
  void health_checks_present_the_upstreams_client_certificate() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, SslClientAuthMode.REQUIRED, false);
        Gateway gateway = gateway(Upstream.of(upstream.url())
            .healthCheck(HealthCheck.http("/health").interval(Duration.ofMillis(200)))
            .tls(UpstreamTls.trustedCas(CA).clientCertificate(PKI.chainPem(TestPki.CLIENT), PKI.keyPem(TestPki.CLIENT))))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (upstream.seen().stream().noneMatch(line -> line.endsWith(" /health")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }

      assertThat(upstream.seen()).filteredOn(line -> line.endsWith(" /health")).isNotEmpty()
          .allSatisfy(line -> assertThat(line).startsWith("HTTP/1.1 client=CN=billing,OU=Payments,O=Example "));
    }
  }

  @Test
  void upstreams_on_one_host_and_port_with_different_tls_settings_never_share_a_connection() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, SslClientAuthMode.REQUESTED, false);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/mtls/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA)
                .clientCertificate(PKI.chainPem(TestPki.CLIENT), PKI.keyPem(TestPki.CLIENT)))))
            .route("anonymous", r -> r.path("/anonymous/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA))))
            .route("other-trust", r -> r.path("/other-trust/**")
                .upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(OTHER_CA))))
            .route("insecure", r -> r.path("/insecure/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.insecureSkipVerify())))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      for (int i = 0; i < 3; i++) {
        assertThat(get(server, "/mtls/" + i).statusCode()).isEqualTo(200);
        assertThat(get(server, "/anonymous/" + i).statusCode()).isEqualTo(200);
        // Connections to this host and port are pooled now, both kinds: the other trust still refuses it.
        assertBadGateway(get(server, "/other-trust/" + i), "is not signed by an authority the gateway trusts");
        assertThat(get(server, "/insecure/" + i).statusCode()).isEqualTo(200);
      }

      List<String> seen = upstream.seen();
      assertThat(seen).hasSize(9);
      List<String> mtls = seen.stream().filter(line -> line.contains(" /mtls/")).toList();
      List<String> anonymous = seen.stream().filter(line -> line.contains(" /anonymous/")).toList();
      List<String> insecure = seen.stream().filter(line -> line.contains(" /insecure/")).toList();
      assertThat(mtls).hasSize(3).allSatisfy(line -> assertThat(line).contains("client=CN=billing,"));
      assertThat(anonymous).hasSize(3).allSatisfy(line -> assertThat(line).contains("client=none"));
      assertThat(insecure).hasSize(3).allSatisfy(line -> assertThat(line).contains("client=none"));
      // No connection carried two settings' calls, and each setting reused its own connections (a call may
      // open another when the previous connection is not back in the pool yet, but not every call does).
      assertThat(connections(mtls)).hasSizeLessThan(3).doesNotContainAnyElementsOf(connections(anonymous))
          .doesNotContainAnyElementsOf(connections(insecure));
      assertThat(connections(anonymous)).hasSizeLessThan(3).doesNotContainAnyElementsOf(connections(insecure));
      assertThat(connections(insecure)).hasSizeLessThan(3);
    }
  }

  private static List<String> connections(List<String> lines) {
    return lines.stream().map(line -> line.replaceAll(".* (conn=\\d+) .*", "$1")).distinct().toList();
  }

  @Test
  void http2_is_negotiated_with_an_upstream_that_speaks_it() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, SslClientAuthMode.REQUIRED, true);
        Gateway gateway = Gateway.builder()
            .route("h2", r -> r.path("/h2/**").upstream(Upstream.of(upstream.url()).http2(true).tls(UpstreamTls.trustedCas(CA)
                .clientCertificate(PKI.chainPem(TestPki.CLIENT), PKI.keyPem(TestPki.CLIENT)))))
            .route("h1", r -> r.path("/h1/**").upstream(Upstream.of(upstream.url()).tls(UpstreamTls.trustedCas(CA)
                .clientCertificate(PKI.chainPem(TestPki.CLIENT), PKI.keyPem(TestPki.CLIENT)))))
            .build();
        GatewayServer server = Servers.start(gateway)) {
      int calls = 10;
      for (int i = 0; i < calls; i++) {
        HttpResponse<String> response = get(server, "/h2/" + i + "?q=" + i);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("HTTP/2.0 client=CN=billing,OU=Payments,O=Example ").endsWith(" /h2/" + i);
        assertThat(response.headers().firstValue("Content-Length")).contains(String.valueOf(response.body().length()));
      }
      assertThat(get(server, "/h1/x").body()).as("without http2(true)").startsWith("HTTP/1.1 ");
      // The client may have the answer before the transport has put the connection back in its pool, so a
      // call can open another one; over ten sequential calls, connections are reused.
      assertThat(connections(upstream.seen().subList(0, calls))).as("h2 connections are pooled and reused").hasSizeLessThan(calls);
    }
  }

  @Test
  void http2_falls_back_to_http1_when_the_upstream_offers_no_h2() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, null, false);
        Gateway gateway = gateway(Upstream.of(upstream.url()).http2(true).tls(UpstreamTls.trustedCas(CA)));
        GatewayServer server = Servers.start(gateway)) {
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> response = get(server, "/x" + i);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("HTTP/1.1 ");
      }
    }
  }

  @Test
  void http2_with_the_jvm_trust_refuses_an_untrusted_upstream() throws Exception {
    try (TlsUpstream upstream = TlsUpstream.start(TestPki.SERVER, null, true);
        Gateway gateway = gateway(Upstream.of(upstream.url()).http2(true));
        GatewayServer server = Servers.start(gateway)) {
      assertBadGateway(get(server, "/x"), "is not signed by an authority the gateway trusts");
      assertThat(upstream.seen()).isEmpty();
    }
  }
}
