package io.gatehouse.undertow;

import io.gatehouse.GatewayException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's certificate files, read by the gateway's one PEM reader
 * ({@link io.gatehouse.adapter.PemFiles}). Every failure is a {@link GatewayException} whose
 * message names the field and the file.
 */
final class PemFiles {
  private PemFiles() {}

  /** The certificates of a file's CERTIFICATE blocks, in file order; at least one. */
  static List<X509Certificate> certificates(String field, Path file) {
    try {
      return io.gatehouse.adapter.PemFiles.certificates(file);
    } catch (io.gatehouse.adapter.PemFiles.Unreadable e) {
      throw fail(field, file, e.problem(), e.expected());
    }
  }

  /**
   * The private key of a file's only PKCS#8 block, of the algorithm of the certificate it goes
   * with (RSA or EC), decrypted with the password if it is encrypted.
   *
   * @param password null for an unencrypted key
   */
  static PrivateKey privateKey(String field, Path file, String algorithm, char[] password) {
    try {
      return io.gatehouse.adapter.PemFiles.privateKey(file, algorithm, password, "TlsConfig.pem(chain, key)",
          "TlsConfig.pem(chain, key, password)");
    } catch (io.gatehouse.adapter.PemFiles.Unreadable e) {
      throw fail(field, file, e.problem(), e.expected());
    }
  }

  static GatewayException fail(String field, Path file, String problem, String expected) {
    return new GatewayException("tls: " + field + ": " + file + ": " + problem + (expected == null ? "" : " (expected: " + expected + ")"));
  }
}
