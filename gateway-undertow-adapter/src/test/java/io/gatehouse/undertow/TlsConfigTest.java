package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.GatewayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@code start()} makes of each {@link TlsConfig}: the files that serve, and every file or
 * key problem failing with a message that names the field and the file.
 */
class TlsConfigTest {
  private static final TestPki PKI = TestPki.shared();

  private static GatewayServer start(TlsConfig tls) {
    return UndertowGateway.server(TestGateway.text(200, "x")).host("127.0.0.1").http(false).https(0, tls).start();
  }

  private static void assertServes(TlsConfig tls, String alias) throws Exception {
    try (GatewayServer server = start(tls)) {
      assertThat(TlsOverSocketsTest.handshake(server.httpsPort(), PKI.client(null), null).serial)
          .isEqualTo(PKI.certificate(alias).getSerialNumber());
    }
  }

  private static void assertFails(TlsConfig tls, String message) {
    assertThatThrownBy(() -> start(tls).close()).isInstanceOf(GatewayException.class).hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {TestPki.SERVER, TestPki.SERVER_RSA})
  void serves_an_ec_or_rsa_key_from_pem_files(String alias) throws Exception {
    assertServes(TlsConfig.pem(PKI.chainPem(alias), PKI.keyPem(alias)), alias);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {TestPki.SERVER, TestPki.SERVER_RSA})
  void serves_an_encrypted_pkcs8_key_with_its_password(String alias) throws Exception {
    Path key = PKI.write("encrypted", TestPki.pem("ENCRYPTED PRIVATE KEY", encrypt(PKI.key(alias).getEncoded(), "s3cret")));
    assertServes(TlsConfig.pem(PKI.chainPem(alias), key, "s3cret".toCharArray()), alias);
    assertFails(TlsConfig.pem(PKI.chainPem(alias), key, "wrong".toCharArray()),
        "tls: privateKey: " + key + ": the encrypted key cannot be decrypted");
    assertFails(TlsConfig.pem(PKI.chainPem(alias), key), "tls: privateKey: " + key
        + ": the key is encrypted (expected: its password: TlsConfig.pem(chain, key, password))");
  }

  @Test
  void a_password_for_a_plain_key_is_a_mistake() {
    Path key = PKI.keyPem(TestPki.SERVER);
    assertFails(TlsConfig.pem(PKI.chainPem(TestPki.SERVER), key, "pw".toCharArray()),
        "tls: privateKey: " + key + ": the key is not encrypted, but a password was given");
  }

  @Test
  void serves_from_a_key_store() throws Exception {
    assertServes(TlsConfig.keyStore(PKI.keyStoreOf(TestPki.SERVER), TestPki.PASSWORD), TestPki.SERVER);
  }

  @Test
  void a_key_that_does_not_match_the_certificate_fails_naming_both_files() {
    Path chain = PKI.chainPem(TestPki.SERVER);
    Path key = PKI.keyPem(TestPki.SERVER_RENEWED);
    assertFails(TlsConfig.pem(chain, key), "tls: privateKey: " + key
        + ": the key does not match the certificate CN=localhost,O=Gatehouse of " + chain
        + " (expected: the private key of the chain's first certificate)");
  }

  @Test
  void a_key_of_another_algorithm_than_the_certificate_fails() {
    Path key = PKI.keyPem(TestPki.SERVER);
    assertFails(TlsConfig.pem(PKI.chainPem(TestPki.SERVER_RSA), key),
        "tls: privateKey: " + key + ": the key is not an RSA key like the certificate's");
  }

  @Test
  void files_that_are_missing_or_not_what_they_should_be_fail_naming_the_file() throws Exception {
    Path chain = PKI.chainPem(TestPki.SERVER);
    Path key = PKI.keyPem(TestPki.SERVER);
    Path missing = PKI.dir.resolve("missing.pem");
    assertFails(TlsConfig.pem(missing, key), "tls: certificateChain: " + missing
        + ": cannot be read (NoSuchFileException) (expected: a readable PEM file)");
    assertFails(TlsConfig.pem(chain, missing), "tls: privateKey: " + missing + ": cannot be read");
    assertFails(TlsConfig.pem(key, key), "tls: certificateChain: " + key
        + ": no certificate (expected: PEM blocks '-----BEGIN CERTIFICATE-----')");
    assertFails(TlsConfig.pem(chain, chain), "tls: privateKey: " + chain + ": no private key (expected: one PEM block");
    Path text = PKI.write("text", "not pem at all\n");
    assertFails(TlsConfig.pem(text, key), "tls: certificateChain: " + text + ": no PEM block");
    Path der = PKI.dir.resolve("der.crt");
    Files.write(der, PKI.certificate(TestPki.SERVER).getEncoded());
    assertFails(TlsConfig.pem(der, key), "tls: certificateChain: " + der + ": no PEM block");
    Path badCert = PKI.write("bad-cert", TestPki.pem("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
    assertFails(TlsConfig.pem(badCert, key), "tls: certificateChain: " + badCert + ": certificate 1 cannot be parsed");
    Path twoKeys = PKI.write("two-keys", Files.readString(key) + Files.readString(PKI.keyPem(TestPki.SERVER)));
    assertFails(TlsConfig.pem(chain, twoKeys), "tls: privateKey: " + twoKeys + ": 2 private keys");
    Path badKey = PKI.write("bad-key", TestPki.pem("PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
    assertFails(TlsConfig.pem(chain, badKey), "tls: privateKey: " + badKey + ": the key is not an EC key like the certificate's, or is malformed");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"})
  void keys_that_are_not_pkcs8_fail_with_the_conversion_command(String label) {
    Path key = PKI.write("legacy", TestPki.pem(label, PKI.key(TestPki.SERVER).getEncoded()));
    assertFails(TlsConfig.pem(PKI.chainPem(TestPki.SERVER), key), "tls: privateKey: " + key + ": a '" + label
        + "' block, which is not PKCS#8 (expected: PKCS#8 'PRIVATE KEY'; convert with: openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void a_legacy_openssl_encrypted_key_fails_with_the_conversion_command() {
    Path key = PKI.write("legacy-encrypted", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        + "DEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertFails(TlsConfig.pem(PKI.chainPem(TestPki.SERVER), key), "tls: privateKey: " + key + ": a 'EC PRIVATE KEY' block");
  }

  @Test
  void key_stores_without_a_key_or_with_the_wrong_password_fail() throws Exception {
    assertFails(TlsConfig.keyStore(PKI.trustStoreOf("ca"), TestPki.PASSWORD),
        "tls: keyStore: no private key with an X.509 certificate chain (expected: a key entry)");
    assertFails(TlsConfig.keyStore(PKI.keyStoreOf(TestPki.SERVER), "wrong".toCharArray()),
        "tls: keyStore: the key '" + TestPki.SERVER + "' cannot be recovered (expected: the keys' password)");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    assertFails(TlsConfig.keyStore(empty, TestPki.PASSWORD), "tls: keyStore: no private key");
  }

  @Test
  void client_auth_without_trusted_certificates_fails() throws Exception {
    TlsConfig pem = TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER));
    Path noCa = PKI.keyPem(TestPki.CLIENT);
    assertFails(pem.clientAuth(TlsConfig.ClientAuth.REQUIRED, noCa), "tls: trustedCertificates: " + noCa + ": no certificate");
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    assertFails(pem.clientAuth(TlsConfig.ClientAuth.REQUESTED, empty), "tls: trustStore: no trusted certificate");
  }

  @Test
  void a_server_with_no_listener_at_all_fails() {
    assertThatThrownBy(() -> UndertowGateway.server(TestGateway.text(200, "x")).http(false).start())
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining("server: no listener (expected: http(true), https(port, tls), or both)");
  }

  @Test
  void setters_reject_nonsense_at_once_and_to_string_shows_no_password() {
    Path chain = Path.of("chain.pem");
    Path key = Path.of("key.pem");
    assertThatThrownBy(() -> TlsConfig.pem(null, key)).isInstanceOf(NullPointerException.class).hasMessage("certificateChain");
    assertThatThrownBy(() -> TlsConfig.pem(chain, null)).isInstanceOf(NullPointerException.class).hasMessage("privateKey");
    assertThatThrownBy(() -> TlsConfig.pem(chain, key, null)).isInstanceOf(NullPointerException.class).hasMessage("keyPassword");
    assertThatThrownBy(() -> TlsConfig.pem(chain, key).clientAuth(null, chain)).isInstanceOf(NullPointerException.class)
        .hasMessage("mode");
    assertThatThrownBy(() -> UndertowGateway.server(TestGateway.text(200, "x")).https(65536, TlsConfig.pem(chain, key)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("https port: 65536 (expected: 0 to 65535)");
    char[] password = "hunter2".toCharArray();
    TlsConfig tls = TlsConfig.pem(chain, key, password).clientAuth(TlsConfig.ClientAuth.REQUIRED, Path.of("ca.pem"));
    password[0] = 'X'; // the config keeps its own copy
    assertThat(tls.keyPassword()).get().isEqualTo("hunter2".toCharArray());
    assertThat(tls.toString()).isEqualTo("TlsConfig[pem chain.pem, key.pem (encrypted), clientAuth REQUIRED ca.pem]")
        .doesNotContain("hunter2");
  }

  /** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes. */
  static byte[] encrypt(byte[] pkcs8, String password) throws Exception {
    String algorithm = "PBEWithHmacSHA256AndAES_256";
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    new SecureRandom().nextBytes(salt);
    new SecureRandom().nextBytes(iv);
    Cipher cipher = Cipher.getInstance(algorithm);
    cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password.toCharArray())),
        new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
    byte[] encrypted = cipher.doFinal(pkcs8);
    // JDK 17 cannot name PBES2 parameters by OID when encoding (EncryptedPrivateKeyInfo(params, ...)
    // fails), so the structure is written by hand: SEQUENCE { AlgorithmIdentifier { id-PBES2, params }, OCTET STRING }.
    byte[] pbes2 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
    byte[] info = der(0x30, der(0x30, pbes2, cipher.getParameters().getEncoded()), der(0x04, encrypted));
    new EncryptedPrivateKeyInfo(info); // well-formed, as the server will parse it
    return info;
  }

  private static byte[] der(int tag, byte[]... parts) {
    java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    int n = content.size();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(tag);
    if (n < 128) {
      out.write(n);
    } else if (n < 256) {
      out.write(0x81);
      out.write(n);
    } else {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
