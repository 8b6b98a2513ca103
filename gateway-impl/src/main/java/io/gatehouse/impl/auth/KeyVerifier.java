package io.gatehouse.impl.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.Verification;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.JwtKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;

/** One key and the java-jwt verifier built for it once: its algorithm, the auth's claim checks, the clock. */
final class KeyVerifier {
  final JwtKey key;
  final JWTVerifier verifier;

  KeyVerifier(JwtKey key, JwtAuth auth, Clock clock) {
    this.key = key;
    Verification v = JWT.require(algorithm(key)).acceptLeeway(auth.leeway().toSeconds());
    if (!auth.issuers().isEmpty()) {
      v = v.withIssuer(auth.issuers().toArray(new String[0]));
    }
    if (!auth.audiences().isEmpty()) {
      v = v.withAnyOfAudience(auth.audiences().toArray(new String[0]));
    }
    v = v.withClaimPresence("exp").withClaimPresence(auth.subjectClaim());
    for (String claim : auth.requiredClaims()) {
      v = v.withClaimPresence(claim);
    }
    this.verifier = ((JWTVerifier.BaseVerification) v).build(clock);
  }

  static Algorithm algorithm(JwtKey key) {
    return switch (key.algorithm()) {
      case HS256 -> Algorithm.HMAC256(key.key().getEncoded());
      case HS384 -> Algorithm.HMAC384(key.key().getEncoded());
      case HS512 -> Algorithm.HMAC512(key.key().getEncoded());
      case RS256 -> Algorithm.RSA256((RSAPublicKey) key.key());
      case RS384 -> Algorithm.RSA384((RSAPublicKey) key.key());
      case RS512 -> Algorithm.RSA512((RSAPublicKey) key.key());
      case PS256 -> Algorithm.RSA256PSS((RSAPublicKey) key.key());
      case PS384 -> Algorithm.RSA384PSS((RSAPublicKey) key.key());
      case PS512 -> Algorithm.RSA512PSS((RSAPublicKey) key.key());
      case ES256 -> Algorithm.ECDSA256((ECPublicKey) key.key());
      case ES384 -> Algorithm.ECDSA384((ECPublicKey) key.key());
      case ES512 -> Algorithm.ECDSA512((ECPublicKey) key.key());
    };
  }
}
