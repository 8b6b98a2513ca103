package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ClientCertificateAuth;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS over real sockets: the listener's client-certificate modes against valid, untrusted,
 * expired and absent client certificates; {@code Auth.clientCertificate()} turning the verified
 * certificate into the principal that identity headers, roles and per-consumer rate limits use;
 * and a client that forges identity or certificate headers getting nothing from them. Each row
 * checks what the upstream received.
 */
class MutualTlsOverSocketsTest {
  private static final TestPki PKI = TestPki.shared();
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  private static final String BILLING_DN = "CN=billing,OU=Payments,O=Example";

  private static GatewayServer start(Gateway gateway, TlsConfig.ClientAuth mode) {
    TlsConfig tls = TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER)).clientAuth(mode, PKI.caPem("ca"));
    return UndertowGateway.server(gateway).host("127.0.0.1").http(false).https(0, tls).ioThreads(2).start();
  }

  private static HttpResponse<String> get(GatewayServer server, String clientAlias, String path, String... headers)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().sslContext(PKI.client(clientAlias))
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + path))
        .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "{0} with {1}: {2}")
  @CsvSource({
      "REQUIRED,  client,           200",
      "REQUIRED,  client-untrusted, handshake refused",
      "REQUIRED,  client-expired,   handshake refused",
      "REQUIRED,  none,             handshake refused",
      "REQUESTED, client,           200",
      "REQUESTED, client-untrusted, handshake refused",
      "REQUESTED, client-expired,   handshake refused",
      "REQUESTED, none,             401"})
  void client_certificate_modes_against_each_kind_of_certificate(TlsConfig.ClientAuth mode, String client, String outcome)
      throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/mtls/**").auth(Auth.clientCertificate()).upstream(upstream.url()))
            .route("public", r -> r.path("/public/**").upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, mode)) {
      String alias = client.equals("none") ? null : client;
      if (outcome.equals("handshake refused")) {
        assertThatThrownBy(() -> get(server, alias, "/mtls/x")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(server, alias, "/public/x")).isInstanceOf(IOException.class);
        assertThat(upstream.requests()).isEmpty();
        return;
      }
      HttpResponse<String> response = get(server, alias, "/mtls/x");
      assertThat(response.statusCode()).isEqualTo(Integer.parseInt(outcome));
      if (outcome.equals("401")) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().allValues("WWW-Authenticate")).isEmpty();
        assertThat(upstream.requests()).isEmpty();
        assertThat(get(server, alias, "/public/x").statusCode()).as("a public route").isEqualTo(200);
        assertThat(upstream.requests()).singleElement().satisfies(head -> assertThat(head).doesNotContainIgnoringCase("X-Consumer-Id"));
      } else {
        assertThat(upstream.requests()).singleElement().satisfies(head -> assertThat(head)
            .contains("X-Consumer-Id: " + BILLING_DN + "\r\n")
            .contains("X-Forwarded-Proto: https\r\n")
            .contains(";proto=https"));
      }
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "SUBJECT_DN | CN=billing,OU=Payments,O=Example",
      "SUBJECT_CN | billing",
      "SAN_DNS    | billing.internal",
      "SAN_URI    | spiffe://example.org/billing",
      "SAN_EMAIL  | billing@example.org"})
  void the_principal_id_comes_from_the_chosen_field(ClientCertificateAuth.Field field, String id) throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .identityHeaders(IdentityHeaders.defaults().claim("issuer", "X-Client-Issuer").claim("serial", "X-Client-Serial"))
            .route("mtls", r -> r.path("/**").auth(Auth.clientCertificate().idFrom(field)).upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, TlsConfig.ClientAuth.REQUIRED)) {
      assertThat(get(server, TestPki.CLIENT, "/x").statusCode()).isEqualTo(200);
      assertThat(upstream.requests()).singleElement().satisfies(head -> assertThat(head)
          .contains("X-Consumer-Id: " + id + "\r\n")
          .contains("X-Client-Issuer: CN=Test CA,O=Gatehouse\r\n")
          .contains("X-Client-Serial: " + PKI.certificate(TestPki.CLIENT).getSerialNumber().toString(16).toUpperCase() + "\r\n"));
    }
  }

  @Test
  void a_certificate_without_the_chosen_field_gets_401() throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/**").auth(Auth.clientCertificate().idFrom(ClientCertificateAuth.Field.SAN_URI))
                .upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, TlsConfig.ClientAuth.REQUIRED)) {
      // The renewed server certificate is signed by the same CA, and has no URI name.
      HttpResponse<String> response = get(server, TestPki.SERVER_RENEWED, "/x");
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("the client certificate has no URI subject alternative name");
      assertThat(upstream.requests()).isEmpty();
    }
  }

  @Test
  void as_a_consumer_the_certificate_brings_roles_and_a_per_consumer_rate_limit() throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .consumer(ApiConsumer.builder("billing").groups("payments").build())
            .route("admin", r -> r.path("/admin/**")
                .auth(Auth.clientCertificate().idFrom(ClientCertificateAuth.Field.SUBJECT_CN).consumers(true))
                .requireRoles("admins")
                .upstream(upstream.url()))
            .route("mtls", r -> r.path("/**")
                .auth(Auth.clientCertificate().idFrom(ClientCertificateAuth.Field.SUBJECT_CN).consumers(true))
                .requireRoles("payments")
                .rateLimit(RateLimit.perConsumer(1).per(Duration.ofHours(1)))
                .upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, TlsConfig.ClientAuth.REQUIRED)) {
      assertThat(get(server, TestPki.CLIENT, "/x").statusCode()).isEqualTo(200);
      assertThat(upstream.requests()).singleElement().satisfies(head -> assertThat(head)
          .contains("X-Consumer-Id: billing\r\n").contains("X-Consumer-Groups: payments\r\n"));
      assertThat(get(server, TestPki.CLIENT, "/x").statusCode()).as("the consumer's second request this hour").isEqualTo(429);
      assertThat(get(server, TestPki.CLIENT, "/admin/x").statusCode()).as("a role it lacks").isEqualTo(403);
      // CN=localhost names no consumer.
      assertThat(get(server, TestPki.SERVER_RENEWED, "/x").statusCode()).isEqualTo(401);
      assertThat(upstream.requests()).hasSize(1);
    }
  }

  @Test
  void forged_identity_and_certificate_headers_get_nothing_and_go_no_further() throws Exception {
    String forgedPem = Base64.getEncoder().encodeToString(PKI.certificate(TestPki.CLIENT).getEncoded());
    List<String> forged = List.of("X-Consumer-Id", "admin", "X-Consumer-Groups", "admins",
        "X-Client-Cert", forgedPem, "X-SSL-Client-Cert", forgedPem, "Client-Cert", ":" + forgedPem + ":",
        "X-Forwarded-Client-Cert", "Hash=abc;Subject=\"CN=admin\"");
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/**").auth(Auth.clientCertificate()).upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, TlsConfig.ClientAuth.REQUESTED)) {
      HttpResponse<String> without = get(server, null, "/x", forged.toArray(new String[0]));
      assertThat(without.statusCode()).as("no certificate in the handshake, several in headers").isEqualTo(401);
      assertThat(upstream.requests()).isEmpty();

      assertThat(get(server, TestPki.CLIENT, "/x", forged.toArray(new String[0])).statusCode()).isEqualTo(200);
      assertThat(upstream.requests()).singleElement().satisfies(head -> {
        assertThat(head).contains("X-Consumer-Id: " + BILLING_DN + "\r\n");
        for (String name : List.of("X-Consumer-Groups", "X-Client-Cert", "X-SSL-Client-Cert", "Client-Cert",
            "X-Forwarded-Client-Cert")) {
          assertThat(head).as(name).doesNotContainIgnoringCase("\n" + name + ":");
        }
        assertThat(head).doesNotContain("admin");
      });
    }
  }

  @Test
  void reload_turns_client_certificates_on_for_new_handshakes() throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/**").auth(Auth.clientCertificate()).upstream(upstream.url()))
            .build();
        GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").http(false)
            .https(0, TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER))).start()) {
      assertThat(get(server, TestPki.CLIENT, "/x").statusCode()).as("certificates not asked for").isEqualTo(401);
      server.reloadTls(TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER))
          .clientAuth(TlsConfig.ClientAuth.REQUIRED, PKI.trustStoreOf("ca")));
      assertThat(get(server, TestPki.CLIENT, "/x").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(server, null, "/x")).isInstanceOf(IOException.class);
      assertThat(upstream.requests()).hasSize(1);
    }
  }

  /**
   * Envoy's CVE-2022-21654: a session made under the old trust must not be resumed under the new.
   * The client keeps one context, so its second connection offers the first one's session (a
   * ticket in TLS 1.3, an id in TLS 1.2); resumed, it would skip the check of its certificate.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void a_reload_that_stops_trusting_a_ca_refuses_resumed_sessions_of_its_clients(String protocol) throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/**").auth(Auth.clientCertificate()).upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, TlsConfig.ClientAuth.REQUIRED)) {
      SSLContext billing = PKI.client(TestPki.CLIENT, protocol);
      assertThat(send(server, billing, "/first").statusCode()).isEqualTo(200);

      server.reloadTls(TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER))
          .clientAuth(TlsConfig.ClientAuth.REQUIRED, PKI.caPem("other-ca")));

      assertThatThrownBy(() -> send(server, billing, "/after-reload")).isInstanceOf(IOException.class);
      assertThat(upstream.requests()).hasSize(1);
    }
  }

  /** A reload that keeps trusting the client's CA lets it in again (by a new handshake). */
  @Test
  void a_reload_that_keeps_the_ca_still_admits_its_clients() throws Exception {
    try (RawUpstream upstream = RawUpstream.start().answer(OK);
        Gateway gateway = Gateway.builder()
            .route("mtls", r -> r.path("/**").auth(Auth.clientCertificate()).upstream(upstream.url()))
            .build();
        GatewayServer server = start(gateway, TlsConfig.ClientAuth.REQUIRED)) {
      SSLContext billing = PKI.client(TestPki.CLIENT);
      assertThat(send(server, billing, "/first").statusCode()).isEqualTo(200);
      server.reloadTls();
      assertThat(send(server, billing, "/after-reload").statusCode()).isEqualTo(200);
      assertThat(upstream.requests()).hasSize(2);
    }
  }

  private static HttpResponse<String> send(GatewayServer server, SSLContext context, String path)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().sslContext(context)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
