package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamTls;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every unusable upstream TLS setting fails {@code build()} with a violation that names the route,
 * the field, the upstream and the file; files are read, keys decrypted and matched to their
 * certificates when the gateway is built, with certificates made by keytool ({@link TestPki}).
 */
class UpstreamTlsConfigTest {
  private static final TestPki PKI = TestPki.shared();
  private static final String HTTPS = "https://127.0.0.1:1";

  private static Gateway build(Upstream upstream) {
    return Gateway.builder().route("pay", r -> r.path("/pay/**").upstream(upstream)).build();
  }

  static Stream<Arguments> unusable_settings() throws Exception {
    Path missing = PKI.dir.resolve("missing.pem");
    Path notPem = PKI.write("not-pem", "hello, not a certificate\n");
    Path keyOnly = PKI.keyPem(TestPki.CLIENT);
    Path chain = PKI.chainPem(TestPki.CLIENT);
    Path otherKey = PKI.keyPem(TestPki.SERVER);
    Path encrypted = PKI.write("encrypted", TestPki.pem("ENCRYPTED PRIVATE KEY",
        TlsConfigTest.encrypt(PKI.key(TestPki.CLIENT).getEncoded(), "s3cret")));
    KeyStore emptyTrust = KeyStore.getInstance("PKCS12");
    emptyTrust.load(null, null);
    return Stream.of(
        row("a missing CA file", () -> UpstreamTls.trustedCas(missing),
            "tls: upstream 'pay': trustedCas: " + missing + ": cannot be read (NoSuchFileException) (expected: a readable PEM file)"),
        row("a CA file that is not PEM", () -> UpstreamTls.trustedCas(notPem),
            "tls: upstream 'pay': trustedCas: " + notPem + ": no PEM block (expected: PEM text"),
        row("a CA file without a certificate", () -> UpstreamTls.trustedCas(keyOnly),
            "tls: upstream 'pay': trustedCas: " + keyOnly + ": no certificate (expected: PEM blocks '-----BEGIN CERTIFICATE-----')"),
        row("a trust store without a certificate", () -> UpstreamTls.trustStore(emptyTrust),
            "tls: upstream 'pay': trustStore: no trusted certificate entry (expected: at least one CA certificate)"),
        row("a missing client chain", () -> UpstreamTls.jvmTrust().clientCertificate(missing, keyOnly),
            "tls: upstream 'pay': certificateChain: " + missing + ": cannot be read (NoSuchFileException)"),
        row("a missing client key", () -> UpstreamTls.jvmTrust().clientCertificate(chain, missing),
            "tls: upstream 'pay': privateKey: " + missing + ": cannot be read (NoSuchFileException)"),
        row("the key of another certificate", () -> UpstreamTls.jvmTrust().clientCertificate(chain, otherKey),
            "tls: upstream 'pay': privateKey: " + otherKey + ": the key does not match the certificate CN=billing,OU=Payments,O=Example of "
                + chain + " (expected: the private key of the chain's first certificate)"),
        row("an encrypted key without its password", () -> UpstreamTls.jvmTrust().clientCertificate(chain, encrypted),
            "tls: upstream 'pay': privateKey: " + encrypted + ": the key is encrypted (expected: its password: clientCertificate(chain, key, password))"),
        row("an encrypted key with a wrong password",
            () -> UpstreamTls.jvmTrust().clientCertificate(chain, encrypted, "wrong".toCharArray()),
            "tls: upstream 'pay': privateKey: " + encrypted + ": the encrypted key cannot be decrypted"),
        row("a plain key with a password", () -> UpstreamTls.jvmTrust().clientCertificate(chain, keyOnly, "s3cret".toCharArray()),
            "tls: upstream 'pay': privateKey: " + keyOnly + ": the key is not encrypted, but a password was given"),
        row("a key store with a wrong password",
            () -> UpstreamTls.jvmTrust().clientKeyStore(PKI.keyStoreOf(TestPki.CLIENT), "wrong".toCharArray()),
            "tls: upstream 'pay': keyStore: the key of entry 'client' cannot be recovered (UnrecoverableKeyException) (expected: the entry's password)"),
        row("a key store without a key", () -> UpstreamTls.jvmTrust().clientKeyStore(PKI.trustStoreOf("ca"), TestPki.PASSWORD),
            "tls: upstream 'pay': keyStore: 0 private-key entries (expected: exactly one)"),
        row("a key store with two keys",
            () -> UpstreamTls.jvmTrust().clientKeyStore(PKI.keyStoreOf(TestPki.CLIENT, TestPki.SERVER), TestPki.PASSWORD),
            "tls: upstream 'pay': keyStore: 2 private-key entries (expected: exactly one)"));
  }

  private static Arguments row(String name, Supplier<UpstreamTls> tls, String message) {
    return Arguments.of(name, tls, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusable_settings")
  void an_unusable_setting_fails_build_naming_route_upstream_field_and_file(String name, Supplier<UpstreamTls> tls, String message) {
    Upstream upstream = Upstream.of(HTTPS).named("pay").tls(tls.get());

    assertThatThrownBy(() -> build(upstream))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'pay': " + message)
        .satisfies(e -> assertThat(((GatewayConfigException) e).violations()).singleElement()
            .satisfies(v -> assertThat(v.field()).isEqualTo("tls")))
        .hasMessageNotContaining("s3cret").hasMessageNotContaining("wrong");
  }

  @Test
  void tls_or_http2_on_an_upstream_whose_targets_are_all_plain_http_fails_build() {
    Upstream plain = Upstream.of("http://127.0.0.1:1", "http://127.0.0.1:2");

    assertThatThrownBy(() -> build(plain.tls(UpstreamTls.jvmTrust())))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'pay': tls: upstream [http://127.0.0.1:1, http://127.0.0.1:2]: set, but every target is plain http"
            + " [http://127.0.0.1:1, http://127.0.0.1:2] (expected: https targets, or no tls(...))");
    assertThatThrownBy(() -> build(plain.named("pay").http2(true)))
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'pay': http2: upstream 'pay': true, but every target is plain http"
            + " [http://127.0.0.1:1, http://127.0.0.1:2] (expected: https targets; HTTP/2 is negotiated in the TLS handshake)");
  }

  @Test
  void tls_and_http2_on_an_upstream_with_an_https_target_among_plain_ones_build() {
    try (Gateway gateway = build(Upstream.of("http://127.0.0.1:1", HTTPS).http2(true)
        .tls(UpstreamTls.trustedCas(PKI.caPem("ca"))))) {
      assertThat(gateway).isNotNull();
    }
  }

  @Test
  void every_tls_violation_of_every_route_is_reported_at_once() {
    Path missing = PKI.dir.resolve("missing-too.pem");

    assertThatThrownBy(() -> Gateway.builder()
        .route("a", r -> r.path("/a/**").upstream(Upstream.of(HTTPS).tls(UpstreamTls.trustedCas(missing))))
        .route("b", r -> r.path("/b/**").upstream(Upstream.of("http://127.0.0.1:1").tls(UpstreamTls.insecureSkipVerify())))
        .route("c", r -> r.path("/c/**").upstream(Upstream.of("http://127.0.0.1:1").http2(true)))
        .build())
        .isInstanceOf(GatewayConfigException.class)
        .satisfies(e -> assertThat(((GatewayConfigException) e).violations()).extracting(ConfigViolation::toString)
            .containsExactly(
                "route 'a': tls: upstream [" + HTTPS + "]: trustedCas: " + missing
                    + ": cannot be read (NoSuchFileException) (expected: a readable PEM file)",
                "route 'b': tls: upstream [http://127.0.0.1:1]: set, but every target is plain http [http://127.0.0.1:1]"
                    + " (expected: https targets, or no tls(...))",
                "route 'c': http2: upstream [http://127.0.0.1:1]: true, but every target is plain http [http://127.0.0.1:1]"
                    + " (expected: https targets; HTTP/2 is negotiated in the TLS handshake)"));
  }

  @Test
  void two_upstreams_of_one_name_with_different_tls_settings_fail_build() {
    Upstream pinned = Upstream.of(HTTPS).named("pay").tls(UpstreamTls.trustedCas(PKI.caPem("ca")));
    Upstream open = Upstream.of(HTTPS).named("pay");

    assertThatThrownBy(() -> Gateway.builder()
        .route("a", r -> r.path("/a/**").upstream(pinned))
        .route("b", r -> r.path("/b/**").upstream(open))
        .build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'b': upstream: 'pay' differs from the upstream of that name in route 'a'");
  }
}
