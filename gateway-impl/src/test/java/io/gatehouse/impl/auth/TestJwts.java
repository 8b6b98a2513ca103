package io.gatehouse.impl.auth;

import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys, tokens and JWKS documents for the auth tests (the fixtures' TestTokens are out of reach of
 * gateway-impl). java-jwt only signs: header and payload are written here, so a test can send any
 * shape an attacker could.
 */
final class TestJwts {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final KeyPair RSA_A = generate("RSA", null);
  static final KeyPair RSA_B = generate("RSA", null);
  static final KeyPair EC_256 = generate("EC", "secp256r1");
  static final KeyPair EC_384 = generate("EC", "secp384r1");
  static final KeyPair EC_521 = generate("EC", "secp521r1");
  private static final KeyPair EC_256_B = generate("EC", "secp256r1");
  private static final KeyPair EC_384_B = generate("EC", "secp384r1");
  private static final KeyPair EC_521_B = generate("EC", "secp521r1");
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

  private TestJwts() {}

  private static KeyPair generate(String type, String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(type);
      if (curve == null) {
        g.initialize(2048);
      } else {
        g.initialize(new ECGenParameterSpec(curve));
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** A key as the gateway is configured with it, and the algorithm that signs with it. */
  record Signer(JwtKey key, Algorithm algorithm) {
    JwtAlgorithm alg() {
      return key.algorithm();
    }

    /** The same key pair under another kid (or none). */
    Signer withKid(String kid) {
      JwtKey k = kid == null ? JwtKey.of(key.key(), key.algorithm()) : JwtKey.of(kid, key.key(), key.algorithm());
      return new Signer(k, algorithm);
    }
  }

  static Signer hmac(String kid, JwtAlgorithm alg) {
    return hmac(kid, alg, SECRET);
  }

  static Signer hmac(String kid, JwtAlgorithm alg, byte[] secret) {
    byte[] s = Arrays.copyOf(secret, Integer.parseInt(alg.name().substring(2)) / 8);
    JwtKey key = kid == null ? JwtKey.secret(s, alg) : JwtKey.secret(kid, s, alg);
    return new Signer(key, KeyVerifier.algorithm(key));
  }

  static Signer rsa(String kid, JwtAlgorithm alg) {
    return rsa(kid, alg, RSA_A);
  }

  static Signer rsa(String kid, JwtAlgorithm alg, KeyPair pair) {
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    RSAPrivateKey priv = (RSAPrivateKey) pair.getPrivate();
    Algorithm a = switch (alg) {
      case RS256 -> Algorithm.RSA256(pub, priv);
      case RS384 -> Algorithm.RSA384(pub, priv);
      case RS512 -> Algorithm.RSA512(pub, priv);
      case PS256 -> Algorithm.RSA256PSS(pub, priv);
      case PS384 -> Algorithm.RSA384PSS(pub, priv);
      case PS512 -> Algorithm.RSA512PSS(pub, priv);
      default -> throw new IllegalArgumentException(alg.name());
    };
    return new Signer(kid == null ? JwtKey.of(pub, alg) : JwtKey.of(kid, pub, alg), a);
  }

  static Signer ec(String kid, JwtAlgorithm alg) {
    return ec(kid, alg, switch (alg) {
      case ES256 -> EC_256;
      case ES384 -> EC_384;
      case ES512 -> EC_521;
      default -> throw new IllegalArgumentException(alg.name());
    });
  }

  static Signer ec(String kid, JwtAlgorithm alg, KeyPair pair) {
    ECPublicKey pub = (ECPublicKey) pair.getPublic();
    ECPrivateKey priv = (ECPrivateKey) pair.getPrivate();
    Algorithm a = switch (alg) {
      case ES256 -> Algorithm.ECDSA256(pub, priv);
      case ES384 -> Algorithm.ECDSA384(pub, priv);
      default -> Algorithm.ECDSA512(pub, priv);
    };
    return new Signer(kid == null ? JwtKey.of(pub, alg) : JwtKey.of(kid, pub, alg), a);
  }

  /** Any algorithm, on the shared test keys. */
  static Signer signer(String kid, JwtAlgorithm alg) {
    return switch (alg.family()) {
      case HMAC -> hmac(kid, alg);
      case RSA -> rsa(kid, alg);
      case EC -> ec(kid, alg);
    };
  }

  /** Another key of the same algorithm, under the same kid: what an attacker who guessed the kid holds. */
  static Signer impostor(Signer of) {
    String kid = of.key().kid().orElse(null);
    return switch (of.alg()) {
      case HS256, HS384, HS512 -> hmac(kid, of.alg(), OTHER_SECRET);
      case ES256 -> ec(kid, of.alg(), EC_256_B);
      case ES384 -> ec(kid, of.alg(), EC_384_B);
      case ES512 -> ec(kid, of.alg(), EC_521_B);
      default -> rsa(kid, of.alg(), RSA_B);
    };
  }

  /** A token signed by the signer, with {@code alg} and {@code kid} in its header, {@code sub} alice and an hour to live. */
  static Token token(Signer signer, long nowSeconds) {
    Token t = new Token(signer.algorithm());
    t.header("alg", signer.alg().name());
    signer.key().kid().ifPresent(kid -> t.header("kid", kid));
    t.header("typ", "JWT");
    return t.claim("sub", "alice").claim("iat", nowSeconds).claim("exp", nowSeconds + 3600);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A token whose header and payload are exactly the JSON given, signed by the algorithm. */
  static String raw(Algorithm algorithm, String headerJson, String payloadJson) {
    String h = b64(headerJson);
    String p = b64(payloadJson);
    return h + "." + p + "." + b64(algorithm.sign(h.getBytes(StandardCharsets.US_ASCII), p.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A token being written: header and claims in order; a null value is sent as JSON null. */
  static final class Token {
    private final Algorithm algorithm;
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();

    Token(Algorithm algorithm) {
      this.algorithm = algorithm;
    }

    Token header(String name, Object value) {
      header.put(name, value);
      return this;
    }

    Token withoutHeader(String name) {
      header.remove(name);
      return this;
    }

    Token claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    Token without(String name) {
      claims.remove(name);
      return this;
    }

    String headerJson() {
      return json(header);
    }

    String payloadJson() {
      return json(claims);
    }

    String mint() {
      return raw(algorithm, headerJson(), payloadJson());
    }

    /** Signed by another algorithm than the header names (the header is left as it is). */
    String mintSignedBy(Algorithm other) {
      return raw(other, headerJson(), payloadJson());
    }

    private static String json(Map<String, Object> map) {
      try {
        return JSON.writeValueAsString(map);
      } catch (JsonProcessingException e) {
        throw new AssertionError(e);
      }
    }
  }

  static String jwks(String... jwks) {
    return "{\"keys\":[" + String.join(",", jwks) + "]}";
  }

  /** The public JWK of an RSA or EC signer, with its kid and, if given, an {@code alg} member. */
  static String jwk(Signer signer, boolean withAlg) {
    String kid = signer.key().kid().map(k -> "\"kid\":\"" + k + "\",").orElse("");
    String alg = withAlg ? ",\"alg\":\"" + signer.alg().name() + "\"" : "";
    if (signer.key().key() instanceof RSAPublicKey rsa) {
      return "{\"kty\":\"RSA\"," + kid + "\"n\":\"" + unsigned(rsa.getModulus(), 256) + "\",\"e\":\""
          + unsigned(rsa.getPublicExponent(), 3) + "\"" + alg + "}";
    }
    ECPublicKey ec = (ECPublicKey) signer.key().key();
    int size = switch (signer.alg()) {
      case ES256 -> 32;
      case ES384 -> 48;
      default -> 66;
    };
    String crv = switch (signer.alg()) {
      case ES256 -> "P-256";
      case ES384 -> "P-384";
      default -> "P-521";
    };
    return "{\"kty\":\"EC\"," + kid + "\"crv\":\"" + crv + "\",\"x\":\"" + unsigned(ec.getW().getAffineX(), size)
        + "\",\"y\":\"" + unsigned(ec.getW().getAffineY(), size) + "\"" + alg + "}";
  }

  private static String unsigned(BigInteger n, int size) {
    byte[] bytes = n.toByteArray();
    if (bytes.length > size) {
      bytes = Arrays.copyOfRange(bytes, bytes.length - size, bytes.length);
    } else if (bytes.length < size) {
      byte[] padded = new byte[size];
      System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
      bytes = padded;
    }
    return b64(bytes);
  }
}
