package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads PEM certificates and PKCS#8 keys (plain, or encrypted with PBES2) with the JDK alone: the
 * one reader of the gateway's certificate files, for an adapter's own TLS and for TLS to
 * upstreams. Every failure is an {@link Unreadable} saying what is wrong and what was expected;
 * callers name the setting and the file.
 *
 * <pre>{@code
 * List<X509Certificate> chain = PemFiles.certificates(Path.of("/etc/gw/chain.pem"));
 * PrivateKey key = PemFiles.privateKey(Path.of("/etc/gw/key.pem"), chain.get(0).getPublicKey().getAlgorithm(), null,
 *     "pem(chain, key)", "pem(chain, key, password)");
 * }</pre>
 *
 * @since 0.2
 */
@Unstable
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final String PBES2_OID = "1.2.840.113549.1.5.13";

  private PemFiles() {}

  /**
   * What is wrong with a file, and what was expected.
   *
   * @since 0.2
   */
  public static final class Unreadable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String problem;
    private final String expected;

    Unreadable(String problem, String expected) {
      super(problem + (expected == null ? "" : " (expected: " + expected + ")"));
      this.problem = problem;
      this.expected = expected;
    }

    /**
     * What is wrong with the file.
     *
     * @return such as {@code no certificate}
     */
    public String problem() {
      return problem;
    }

    /**
     * What was expected instead.
     *
     * @return the expectation, or null when nothing more can be said
     */
    public String expected() {
      return expected;
    }
  }

  /**
   * The certificates of a file's CERTIFICATE blocks, in file order; at least one.
   *
   * @param file a PEM file
   * @return the certificates
   * @throws Unreadable if the file cannot be read or holds no parsable certificate
   */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
    for (Block block : blocks(file)) {
      if (!block.label.equals("CERTIFICATE")) {
        continue;
      }
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException e) {
        throw new Unreadable("certificate " + (out.size() + 1) + " cannot be parsed (" + e.getMessage() + ")", null);
      }
    }
    if (out.isEmpty()) {
      throw new Unreadable("no certificate", "PEM blocks '-----BEGIN CERTIFICATE-----'");
    }
    return out;
  }

  /**
   * The private key of a file's only PKCS#8 block, of the algorithm of the certificate it goes
   * with, decrypted with the password if it is encrypted.
   *
   * @param file a PEM file
   * @param algorithm the certificate's key algorithm, such as RSA or EC
   * @param password null for an unencrypted key
   * @param withoutPassword how the caller's API takes an unencrypted key, for the message
   * @param withPassword how the caller's API takes an encrypted key and its password, for the message
   * @return the key
   * @throws Unreadable if the file holds no single usable key
   */
  public static PrivateKey privateKey(Path file, String algorithm, char[] password, String withoutPassword, String withPassword) {
    List<Block> keys = new ArrayList<>();
    for (Block block : blocks(file)) {
      if (block.label.endsWith("PRIVATE KEY")) {
        keys.add(block);
      }
    }
    if (keys.size() != 1) {
      throw new Unreadable(keys.isEmpty() ? "no private key" : keys.size() + " private keys",
          "one PEM block '-----BEGIN PRIVATE KEY-----' or '-----BEGIN ENCRYPTED PRIVATE KEY-----'");
    }
    Block key = keys.get(0);
    byte[] pkcs8 = switch (key.label) {
      case "PRIVATE KEY" -> {
        if (password != null) {
          throw new Unreadable("the key is not encrypted, but a password was given", withoutPassword + " without a password");
        }
        yield key.der();
      }
      case "ENCRYPTED PRIVATE KEY" -> {
        if (password == null) {
          throw new Unreadable("the key is encrypted", "its password: " + withPassword);
        }
        yield decrypt(key.der(), password);
      }
      default -> throw new Unreadable("a '" + key.label + "' block, which is not PKCS#8",
          "PKCS#8 'PRIVATE KEY'; convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
    };
    try {
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new Unreadable("the key is not an " + algorithm + " key like the certificate's, or is malformed", null);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static byte[] decrypt(byte[] der, char[] password) {
    try {
      EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
      AlgorithmParameters parameters = info.getAlgParameters();
      // The JDK names PBES2 by its OID or "PBES2"; the parameters name the cipher, such as
      // PBEWithHmacSHA256AndAES_256.
      String name = info.getAlgName();
      String cipherName = name.equals(PBES2_OID) || name.equalsIgnoreCase("PBES2") ? parameters.toString() : name;
      PBEKeySpec spec = new PBEKeySpec(password);
      try {
        Cipher cipher = Cipher.getInstance(cipherName);
        cipher.init(Cipher.DECRYPT_MODE, SecretKeyFactory.getInstance(cipherName).generateSecret(spec), parameters);
        return info.getKeySpec(cipher).getEncoded();
      } finally {
        spec.clearPassword();
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new Unreadable("the encrypted key cannot be decrypted (" + e.getClass().getSimpleName() + ")",
          "the right password, and PBES2 as 'openssl pkcs8 -topk8 -v2 aes-256-cbc' writes it");
    }
  }

  private static List<Block> blocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1); // any bytes: a DER file is "no PEM block"
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("cannot be read (" + e.getClass().getSimpleName() + ")", "a readable PEM file");
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      out.add(new Block(m.group(1), m.group(2)));
    }
    if (out.isEmpty()) {
      throw new Unreadable("no PEM block", "PEM text: '-----BEGIN ...-----' lines around base64");
    }
    return out;
  }

  private record Block(String label, String body) {
    byte[] der() {
      if (body.indexOf(':') >= 0) {
        // RFC 1421 headers (Proc-Type: 4,ENCRYPTED): OpenSSL's legacy encryption.
        throw new Unreadable("a '" + label + "' block with PEM headers (legacy OpenSSL encryption)",
            "PKCS#8; convert with: openssl pkcs8 -topk8 -v2 aes-256-cbc");
      }
      try {
        return Base64.getDecoder().decode(body.replaceAll("\\s+", ""));
      } catch (IllegalArgumentException e) {
        throw new Unreadable("a '" + label + "' block that is not valid base64", null);
      }
    }
  }
}
