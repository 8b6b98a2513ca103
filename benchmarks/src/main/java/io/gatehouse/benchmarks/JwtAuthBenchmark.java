package io.gatehouse.benchmarks;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.gatehouse.Gateway;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of JWT authentication per request: the whole {@code Gateway.handle} (normalize, route,
 * auth stage, static response) with a bearer token, against {@code public_route}, the same route
 * with {@code Auth.none()}, measured in the same run. The keys are in the configuration, so this
 * is the steady state: no fetch, one verifier per key built at {@code build()}. {@code jwks_rs256}
 * takes its key from a JWKS served in memory, after the first fetch. The cases that measure
 * verification turn the cache of verified tokens off ({@code cacheVerified(0)}); the
 * {@code _cached} ones send the same token to a gateway with the cache on, as it is by default.
 * {@code jwt_rejected_bad_signature} sends an RS256 token whose signature does not verify, to show
 * that a 401 costs no more than an acceptance.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar JwtAuthBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtAuthBenchmark {
  private static final String KID = "k1";
  private static final String JWKS_URL = "https://idp.bench/.well-known/jwks.json";

  private Gateway publicGateway;
  private Gateway hs256Gateway;
  private Gateway hs256CachedGateway;
  private Gateway rs256Gateway;
  private Gateway es256Gateway;
  private Gateway es256CachedGateway;
  private Gateway jwksGateway;

  private Request anonymous;
  private Request hs256;
  private Request rs256;
  private Request es256;
  private Request badSignature;

  @Setup(Level.Trial)
  public void build() throws GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    KeyPair rsa = keyPair("RSA", 2048, null);
    KeyPair ec = keyPair("EC", 0, new ECGenParameterSpec("secp256r1"));
    RSAPublicKey rsaPublic = (RSAPublicKey) rsa.getPublic();
    ECPublicKey ecPublic = (ECPublicKey) ec.getPublic();

    publicGateway = gateway(Auth.none());
    hs256Gateway = gateway(Auth.jwt().keys(JwtKey.secret(KID, secret, JwtAlgorithm.HS256)).cacheVerified(0));
    hs256CachedGateway = gateway(Auth.jwt().keys(JwtKey.secret(KID, secret, JwtAlgorithm.HS256)));
    rs256Gateway = gateway(Auth.jwt().keys(JwtKey.of(KID, rsaPublic, JwtAlgorithm.RS256)).cacheVerified(0));
    es256Gateway = gateway(Auth.jwt().keys(JwtKey.of(KID, ecPublic, JwtAlgorithm.ES256)).cacheVerified(0));
    es256CachedGateway = gateway(Auth.jwt().keys(JwtKey.of(KID, ecPublic, JwtAlgorithm.ES256))
        .cacheVerified(10_000, Duration.ofDays(1)));
    // A refresh interval far beyond the run, so no background fetch lands inside a measurement.
    jwksGateway = Gateway.builder()
        .transport(call -> CompletableFuture.completedFuture(jwks(rsaPublic)))
        .auth(Auth.jwt().jwks(JWKS_URL).jwksRefresh(Duration.ofDays(1)).cacheVerified(0))
        .route("orders", r -> r.path("/orders/**").respond(200, "text/plain", "ok"))
        .build();

    anonymous = request(null);
    hs256 = request(token(Algorithm.HMAC256(secret)));
    String rsaToken = token(Algorithm.RSA256(rsaPublic, (RSAPrivateKey) rsa.getPrivate()));
    rs256 = request(rsaToken);
    es256 = request(token(Algorithm.ECDSA256(ecPublic, (ECPrivateKey) ec.getPrivate())));
    badSignature = request(corruptSignature(rsaToken));

    // A benchmark that measures a 401 where it means a 200 measures nothing; the first JWKS
    // request also does the one fetch here, outside the measurement.
    BenchGateways.expect(200, publicGateway, anonymous);
    BenchGateways.expect(200, hs256Gateway, hs256);
    BenchGateways.expect(200, hs256CachedGateway, hs256);
    BenchGateways.expect(200, rs256Gateway, rs256);
    BenchGateways.expect(200, es256Gateway, es256);
    BenchGateways.expect(200, es256CachedGateway, es256);
    BenchGateways.expect(200, jwksGateway, rs256);
    BenchGateways.expect(401, rs256Gateway, badSignature);
  }

  @TearDown(Level.Trial)
  public void close() {
    BenchGateways.closeAll(publicGateway, hs256Gateway, hs256CachedGateway, rs256Gateway, es256Gateway, es256CachedGateway,
        jwksGateway);
  }

  @Benchmark
  public Response public_route() {
    return publicGateway.handle(anonymous).toCompletableFuture().join();
  }

  @Benchmark
  public Response jwt_hs256() {
    return hs256Gateway.handle(hs256).toCompletableFuture().join();
  }

  /** The same HS256 token again, with the cache of verified tokens as it is by default. */
  @Benchmark
  public Response jwt_hs256_cached() {
    return hs256CachedGateway.handle(hs256).toCompletableFuture().join();
  }

  @Benchmark
  public Response jwt_rs256() {
    return rs256Gateway.handle(rs256).toCompletableFuture().join();
  }

  @Benchmark
  public Response jwt_es256() {
    return es256Gateway.handle(es256).toCompletableFuture().join();
  }

  /** The same token again with {@code cacheVerified}: a cache hit instead of ECDSA. */
  @Benchmark
  public Response jwt_es256_cached() {
    return es256CachedGateway.handle(es256).toCompletableFuture().join();
  }

  @Benchmark
  public Response jwks_rs256() {
    return jwksGateway.handle(rs256).toCompletableFuture().join();
  }

  @Benchmark
  public Response jwt_rejected_bad_signature() {
    return rs256Gateway.handle(badSignature).toCompletableFuture().join();
  }

  private static Gateway gateway(Auth auth) {
    return BenchGateways.withoutUpstreams()
        .auth(auth)
        .route("orders", r -> r.path("/orders/**").respond(200, "text/plain", "ok"))
        .build();
  }

  private static Request request(String token) {
    Request.Builder b = Request.builder("GET", "/orders/42").header("Host", "bench");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  /** What an identity provider issues: a named key, a subject, scopes, and a lifetime beyond the run. */
  private static String token(Algorithm algorithm) {
    Instant now = Instant.now();
    return JWT.create()
        .withKeyId(KID)
        .withSubject("alice")
        .withClaim("scope", "orders:read orders:write")
        .withIssuedAt(now)
        .withExpiresAt(now.plus(Duration.ofDays(365)))
        .sign(algorithm);
  }

  /**
   * Flips one bit of the decoded signature: editing a base64url character could touch only the
   * padding bits of the last one and leave the signature valid.
   */
  private static String corruptSignature(String token) {
    int dot = token.lastIndexOf('.');
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    signature[signature.length / 2] ^= 1;
    return token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  private static KeyPair keyPair(String algorithm, int bits, ECGenParameterSpec curve) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve != null) {
      generator.initialize(curve);
    } else {
      generator.initialize(bits);
    }
    return generator.generateKeyPair();
  }

  private static Response jwks(RSAPublicKey key) {
    String json = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KID + "\","
        + "\"n\":\"" + base64Url(key.getModulus()) + "\",\"e\":\"" + base64Url(key.getPublicExponent()) + "\"}]}";
    return Response.builder(200)
        .header("Content-Type", "application/json")
        .body(Body.of(json.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  /** Big-endian without the sign byte, as RFC 7518 section 6.3.1 wants. */
  private static String base64Url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes[0] == 0 && bytes.length > 1) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

}
