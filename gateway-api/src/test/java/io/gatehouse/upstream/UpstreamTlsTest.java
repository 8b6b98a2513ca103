package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link UpstreamTls} value and its place on {@link Upstream}: copies, equality, names, no secrets in text. */
class UpstreamTlsTest {
  private static final Path CA = Path.of("/etc/gw/ca.pem");
  private static final Path CHAIN = Path.of("/etc/gw/gw.pem");
  private static final Path KEY = Path.of("/etc/gw/gw-key.pem");

  @Test
  void the_factories_set_one_kind_of_trust() {
    assertThat(UpstreamTls.jvmTrust().trustedCas()).isEmpty();
    assertThat(UpstreamTls.jvmTrust().skipsVerification()).isFalse();
    assertThat(UpstreamTls.trustedCas(CA).trustedCas()).contains(CA);
    assertThat(UpstreamTls.insecureSkipVerify().skipsVerification()).isTrue();
    assertThat(UpstreamTls.insecureSkipVerify().trustedCas()).isEmpty();
  }

  @Test
  void a_client_certificate_keeps_the_trust_and_a_copy_of_the_password() {
    char[] password = "s3cret".toCharArray();
    UpstreamTls tls = UpstreamTls.trustedCas(CA).serverName("orders.internal").clientCertificate(CHAIN, KEY, password);
    password[0] = 'X';

    assertThat(tls.trustedCas()).contains(CA);
    assertThat(tls.serverName()).contains("orders.internal");
    assertThat(tls.certificateChain()).contains(CHAIN);
    assertThat(tls.privateKey()).contains(KEY);
    assertThat(tls.presentsClientCertificate()).isTrue();
    assertThat(tls.password()).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("s3cret"));
    tls.password().orElseThrow()[0] = 'Y';
    assertThat(tls.password()).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("s3cret"));
    assertThat(UpstreamTls.jvmTrust().clientCertificate(CHAIN, KEY).password()).isEmpty();
  }

  @Test
  void a_key_store_replaces_pem_files_and_the_last_client_setting_wins() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    UpstreamTls tls = UpstreamTls.jvmTrust().clientCertificate(CHAIN, KEY).clientKeyStore(store, "pw".toCharArray());

    assertThat(tls.certificateChain()).isEmpty();
    assertThat(tls.privateKey()).isEmpty();
    assertThat(tls.keyStore()).containsSame(store);
    assertThat(tls.password()).hasValueSatisfying(p -> assertThat(new String(p)).isEqualTo("pw"));
    assertThat(tls.clientCertificate(CHAIN, KEY).keyStore()).isEmpty();
  }

  @Test
  void equal_settings_are_equal_and_key_stores_compare_by_identity() throws Exception {
    KeyStore a = KeyStore.getInstance("PKCS12");
    KeyStore b = KeyStore.getInstance("PKCS12");

    assertThat(UpstreamTls.trustedCas(CA).clientCertificate(CHAIN, KEY, "p".toCharArray()))
        .isEqualTo(UpstreamTls.trustedCas(CA).clientCertificate(CHAIN, KEY, "p".toCharArray()))
        .hasSameHashCodeAs(UpstreamTls.trustedCas(CA).clientCertificate(CHAIN, KEY, "p".toCharArray()))
        .isNotEqualTo(UpstreamTls.trustedCas(CA).clientCertificate(CHAIN, KEY, "q".toCharArray()))
        .isNotEqualTo(UpstreamTls.trustedCas(CA).clientCertificate(CHAIN, KEY));
    assertThat(UpstreamTls.trustStore(a)).isEqualTo(UpstreamTls.trustStore(a)).isNotEqualTo(UpstreamTls.trustStore(b));
    assertThat(UpstreamTls.jvmTrust()).isNotEqualTo(UpstreamTls.insecureSkipVerify())
        .isNotEqualTo(UpstreamTls.jvmTrust().serverName("a.example"));
  }

  @Test
  void the_text_names_the_files_never_a_password() {
    UpstreamTls tls = UpstreamTls.trustedCas(CA).clientCertificate(CHAIN, KEY, "hunter2".toCharArray()).serverName("orders.internal");

    assertThat(tls).hasToString("UpstreamTls[trust=/etc/gw/ca.pem, client=/etc/gw/gw.pem, serverName=orders.internal]");
    assertThat(UpstreamTls.insecureSkipVerify()).hasToString("UpstreamTls[trust=INSECURE (no verification), client=none]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-orders", "orders-", "orders..internal", "orders internal", "orders_internal", "127.0.0.1:8443",
      "a.", ".a", "xn--bcher-kva.example/x"})
  void a_server_name_that_is_not_a_dns_name_is_refused(String name) {
    assertThatThrownBy(() -> UpstreamTls.jvmTrust().serverName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverName: '" + name + "' (expected: a DNS host name, such as orders.internal)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders", "orders.internal", "a-b.c-d.example", "xn--bcher-kva.example", "A.EXAMPLE"})
  void a_dns_name_is_a_server_name(String name) {
    assertThat(UpstreamTls.jvmTrust().serverName(name).serverName()).contains(name);
  }

  @Test
  void an_empty_password_is_refused_with_the_form_to_use() {
    assertThatThrownBy(() -> UpstreamTls.jvmTrust().clientCertificate(CHAIN, KEY, new char[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("password: empty (expected: the key's password, or clientCertificate(chain, key))");
  }

  @Test
  void an_upstream_carries_tls_and_http2_through_every_copy() {
    UpstreamTls tls = UpstreamTls.trustedCas(CA);
    Upstream upstream = Upstream.of("https://a:1").tls(tls).http2(true);

    assertThat(upstream.tls()).contains(tls);
    assertThat(upstream.http2()).isTrue();
    Upstream copied = upstream.named("a").leastRequests().targets(java.util.List.of(Target.of("https://b:1")));
    assertThat(copied.tls()).contains(tls);
    assertThat(copied.http2()).isTrue();
    assertThat(Upstream.of("https://a:1").tls()).isEqualTo(Optional.empty());
    assertThat(Upstream.of("https://a:1").http2()).isFalse();
    assertThat(upstream).isEqualTo(Upstream.of("https://a:1").tls(UpstreamTls.trustedCas(CA)).http2(true))
        .isNotEqualTo(Upstream.of("https://a:1").tls(tls))
        .isNotEqualTo(Upstream.of("https://a:1").http2(true));
    assertThat(upstream.hashCode()).isEqualTo(Upstream.of("https://a:1").tls(UpstreamTls.trustedCas(CA)).http2(true).hashCode());
  }
}
