package io.gatehouse.impl.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.JwtKey;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bearer JWTs: first the unverified token is checked cheaply (shape and size, an accepted alg,
 * claim types, a known issuer, not expired), so a token that could never pass causes no key
 * lookup or JWKS fetch; then the key is found by kid among the configured keys, then in the JWKS;
 * the token's alg must be the key's; java-jwt checks signature and claims against the gateway's
 * wall clock (exp, nbf and iat are calendar time). Unless {@code cacheVerified(0)} turned it off,
 * a token that passed is remembered ({@link VerifiedTokens}), so the same token again skips all of
 * that while its time claims still pass and its key is still in the keys at hand.
 */
final class JwtAuthenticator implements Authenticator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> CLAIMS = new TypeReference<>() {};
  private static final String CHALLENGE = "Bearer realm=\"gatehouse\"";

  private final JwtAuth auth;
  private final Map<Optional<String>, KeyVerifier> configured;
  private final JwksKeySource jwks; // null without a JWKS URL
  private final TimeSource time;
  private final VerifiedTokens verified; // null when cacheVerified(0) turned it off
  private final LongAdder signatureChecks = new LongAdder();
  private final Set<JwtAlgorithm> algorithms; // those of the configured keys, and the RSA and EC ones with a JWKS
  private final Set<String> issuers;

  JwtAuthenticator(JwtAuth auth, JwksKeySource jwks, TimeSource time) {
    this.auth = auth;
    this.jwks = jwks;
    this.time = time;
    this.verified = auth.verifiedCacheSize() == 0 ? null
        : new VerifiedTokens(time, auth.verifiedCacheSize(), auth.verifiedCacheTtl(), auth.leeway());
    Map<Optional<String>, KeyVerifier> keys = new HashMap<>();
    for (JwtKey key : auth.keys()) {
      keys.put(key.kid(), new KeyVerifier(key, auth, time.wallClock()));
    }
    this.configured = Map.copyOf(keys);
    Set<JwtAlgorithm> accepted = EnumSet.noneOf(JwtAlgorithm.class);
    auth.keys().forEach(k -> accepted.add(k.algorithm()));
    if (jwks != null) {
      for (JwtAlgorithm a : JwtAlgorithm.values()) {
        if (a.family() != JwtAlgorithm.Family.HMAC) {
          accepted.add(a); // a JWKS's oct keys are ignored
        }
      }
    }
    this.algorithms = Collections.unmodifiableSet(accepted);
    this.issuers = auth.issuers();
  }

  @Override
  public boolean hasCredentials(Request request) {
    return token(request).isPresent();
  }

  /**
   * The token: from the Authorization header, else (when allowed) the one {@code access_token}
   * query parameter, else the cookie. The stage has refused a header and a query token together.
   */
  private Optional<String> token(Request request) {
    Optional<String> header = Credentials.authorization(request, "Bearer");
    if (header.isPresent() || !auth.queryTokenAllowed()) {
      return header.isPresent() ? header : Credentials.bearer(request, auth.cookie());
    }
    List<String> query = Credentials.queryTokens(request);
    if (query.size() == 1 && !query.get(0).isEmpty()) {
      return Optional.of(query.get(0));
    }
    return Credentials.bearer(request, auth.cookie());
  }

  /**
   * Whether {@code access_token} query parameters are credentials here: then the stage removes them
   * before the upstream, whichever kind accepted the request.
   */
  boolean readsQueryTokens() {
    return auth.queryTokenAllowed();
  }

  @Override
  public String challenge() {
    return CHALLENGE;
  }

  static String invalidToken(String description) {
    return CHALLENGE + ", error=\"invalid_token\", error_description=" + Credentials.quoted(description);
  }

  @Override
  public CompletionStage<Outcome> authenticate(Request request) {
    String token = token(request).orElseThrow();
    if (verified != null) {
      Principal known = verified.find(token, jwks == null ? null : jwks.current());
      if (known != null) {
        if (jwks != null) {
          jwks.refreshIfDue(); // as a key lookup would: a removed key must still be noticed
        }
        return done(Outcome.accepted(known, request));
      }
    }
    return check(token, request);
  }

  /** How many signatures this authenticator has checked: what a remembered token saves; for tests. */
  long signatureChecks() {
    return signatureChecks.sum();
  }

  /** How many verified tokens are remembered now; for tests. */
  long cachedTokens() {
    return verified == null ? 0 : verified.size();
  }

  private CompletionStage<Outcome> check(String token, Request request) {
    // Everything up to the key lookup reads only the unverified token, so that a token which could
    // never pass costs no JWKS fetch and no signature check.
    JwtClaims.Parts parts = JwtClaims.parse(token);
    if (parts == null) {
      return done(reject("the token is malformed"));
    }
    JsonNode algName = parts.header().get("alg");
    Optional<JwtAlgorithm> alg = algName != null && algName.isTextual() ? JwtAlgorithm.fromJose(algName.textValue()) : Optional.empty();
    if (alg.isEmpty() || !algorithms.contains(alg.get())) {
      return done(reject("the token's algorithm is not accepted"));
    }
    JsonNode kidName = parts.header().get("kid");
    if (kidName != null && !kidName.isTextual()) {
      return done(reject("the token is malformed"));
    }
    ObjectNode payload = parts.payload();
    String typeProblem = JwtClaims.typeProblem(payload, auth);
    if (typeProblem != null) {
      return done(reject(typeProblem));
    }
    if (!issuers.isEmpty()) {
      JsonNode iss = payload.get("iss");
      if (iss == null) {
        return done(reject("the token lacks the claim iss"));
      }
      if (!issuers.contains(iss.textValue())) {
        return done(reject("the token's issuer is not accepted"));
      }
    }
    if (time.now().getEpochSecond() - auth.leeway().toSeconds() >= payload.get("exp").longValue()) {
      return done(reject("the token has expired"));
    }
    DecodedJWT decoded;
    try {
      decoded = JWT.decode(token);
    } catch (JWTDecodeException e) {
      return done(reject("the token is malformed"));
    }
    Optional<String> kid = Optional.ofNullable(kidName).map(JsonNode::textValue);
    KeyVerifier known = configured.get(kid);
    if (known != null || jwks == null) {
      return done(verify(known, alg.get(), decoded, payload, new Remember(token, null), request));
    }
    return jwks.lookup(kid).handle((found, failure) -> {
      if (failure != null) {
        return Outcome.unavailable("the keys to verify the token cannot be fetched");
      }
      Remember as = new Remember(token, found.in());
      return verify(found.key().orElse(null), alg.get(), decoded, payload, as, request);
    });
  }

  /**
   * Under what a token that passes is remembered: itself as the request carried it, and the JWKS
   * key set its key came from (null for a configured key, which never changes).
   */
  private record Remember(String token, JwksKeySource.KeySet keys) {}

  private Outcome verify(KeyVerifier key, JwtAlgorithm alg, DecodedJWT token, ObjectNode payload, Remember as,
      Request request) {
    // One text for every failure that depends on which keys exist, so a client cannot probe for
    // kids or their algorithms; the log keeps the reason.
    if (key == null) {
      return unverified("no key has the token's kid");
    }
    if (key.key.algorithm() != alg) {
      return unverified("the token's alg " + alg + " is not its key's " + key.key.algorithm());
    }
    signatureChecks.increment();
    try {
      key.verifier.verify(token);
    } catch (TokenExpiredException e) {
      return reject("the token has expired");
    } catch (SignatureVerificationException | AlgorithmMismatchException e) {
      return unverified("the signature does not match the key " + key.key);
    } catch (MissingClaimException e) {
      return reject("the token lacks the claim " + e.getClaimName());
    } catch (IncorrectClaimException e) {
      return reject(switch (e.getClaimName()) {
        case "iss" -> "the token's issuer is not accepted";
        case "aud" -> "the token's audience is not accepted";
        case "nbf" -> "the token is not valid yet";
        case "iat" -> "the token is issued in the future";
        default -> "the token's claim " + e.getClaimName() + " is not accepted";
      });
    } catch (JWTVerificationException e) {
      return reject("the token is not valid");
    }
    Map<String, Object> claims = JSON.convertValue(payload, CLAIMS);
    claims.values().removeIf(Objects::isNull);
    claims.replaceAll((name, value) -> frozen(value)); // a remembered principal serves many requests
    Object subject = claims.get(auth.subjectClaim());
    if (!(subject instanceof String id) || id.isEmpty()) {
      return reject("the token's " + auth.subjectClaim() + " claim is not a string");
    }
    Principal draft = new Principal(id, Principal.Method.JWT, Optional.empty(), Set.of(), Set.of(), claims);
    Principal principal = new Principal(id, Principal.Method.JWT, Optional.empty(), scopes(draft),
        new LinkedHashSet<>(draft.claimStrings(auth.rolesClaim())), claims);
    if (verified != null) {
      verified.remember(as.token(), principal, payload.get("exp").longValue(), seconds(payload, "nbf"),
          seconds(payload, "iat"), as.keys());
    }
    return Outcome.accepted(principal, request);
  }

  /** A NumericDate claim in whole seconds, as java-jwt reads it, or {@link Long#MIN_VALUE} when absent. */
  private static long seconds(ObjectNode payload, String claim) {
    JsonNode value = payload.get(claim);
    return value == null ? Long.MIN_VALUE : value.longValue();
  }

  /** Nested claims (JSON objects and arrays) made read-only; nulls inside them stay, as in JSON. */
  private static Object frozen(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, frozen(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(frozen(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  /** {@code scope} (space-separated, RFC 8693) and {@code scp} (list or string, as some IdPs send). */
  static Set<String> scopes(Principal draft) {
    Set<String> scopes = new LinkedHashSet<>(draft.claimStrings("scope"));
    scopes.addAll(draft.claimStrings("scp"));
    return scopes;
  }

  /** The one description of a token whose signature cannot be verified, whatever the reason. */
  static final String UNVERIFIED = "the token's signature is invalid";

  private static Outcome reject(String description) {
    return Outcome.rejected(invalidToken(description), description, description);
  }

  private static Outcome unverified(String reason) {
    return Outcome.rejected(invalidToken(UNVERIFIED), UNVERIFIED, reason);
  }

  private static CompletionStage<Outcome> done(Outcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }
}
