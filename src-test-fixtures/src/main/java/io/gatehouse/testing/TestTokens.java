package io.gatehouse.testing;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Mints JWTs for tests: valid ones in one line, and every kind of broken one the gateway must
 * reject.
 *
 * <pre>{@code
 * TestKey key = TestKeys.rsa("k1");
 * String token = TestTokens.valid(key, "alice", "orders:read");
 * String expired = TestTokens.signedBy(key).subject("alice").expiredFor(Duration.ofMinutes(1)).mint();
 * String forged = TestTokens.signedBy(key).subject("alice").mintHmacWithPublicKey();
 * tester.get("/api/orders").bearer(token).send();
 * }</pre>
 *
 * @since 0.1
 */
public final class TestTokens {
  /** How long a token lives unless told otherwise; short, as an access token's life is. */
  static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  // ObjectReader is immutable, so sharing it is no shared mutable state.
  private static final ObjectReader JSON_OBJECT = new ObjectMapper().readerForMapOf(Object.class);

  // Per thread, not global: the GatewayExtension sets it for the test running on this thread.
  private static final ThreadLocal<Clock> DEFAULT_CLOCK = ThreadLocal.withInitial(Clock::systemUTC);

  private TestTokens() {}

  /**
   * Makes builders started on this thread read this clock until the scope closes, so tokens are
   * valid in the gateway's time without {@code .clock(...)} on each. The
   * {@code GatewayExtension} does this with its {@link ManualClock} around each test; tests without
   * it may too.
   *
   * <pre>{@code
   * try (TestTokens.ClockScope scope = TestTokens.defaultClock(manualClock)) {
   *   String token = TestTokens.valid(key, "alice");   // iat and exp from manualClock
   * }
   * }</pre>
   *
   * @param clock the clock builders default to
   * @return the scope; closing it restores the previous default
   * @since 0.1
   */
  public static ClockScope defaultClock(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    Clock previous = DEFAULT_CLOCK.get();
    DEFAULT_CLOCK.set(clock);
    return new ClockScope(previous);
  }

  /**
   * The span in which {@link #defaultClock} holds; close it on the thread that opened it.
   *
   * @since 0.1
   */
  public static final class ClockScope implements AutoCloseable {
    private final Clock previous;

    private ClockScope(Clock previous) {
      this.previous = previous;
    }

    /** Restores the default clock that held before. */
    @Override
    public void close() {
      DEFAULT_CLOCK.set(previous);
    }
  }

  /**
   * Starts a token signed with a key: its algorithm, and its key id in the {@code kid} header.
   *
   * @param key the signing key
   * @return a builder for the token; it has only {@code iat} and an {@code exp} 5 minutes later
   *     until told more
   */
  public static Builder signedBy(TestKey key) {
    return new Builder(Objects.requireNonNull(key, "key"));
  }

  /**
   * A valid token for a subject with scopes, issued now and expiring in 5 minutes: the one line a
   * route test needs.
   *
   * @param key the signing key
   * @param subject the {@code sub} claim
   * @param scopes the scopes, joined with spaces into the {@code scope} claim; none omits the claim
   * @return the compact JWS
   */
  public static String valid(TestKey key, String subject, String... scopes) {
    return signedBy(key).subject(subject).scopes(scopes).mint();
  }

  /**
   * Describes one token and mints it, valid or broken in a chosen way. Not thread-safe: use a
   * builder from one thread. Minting does not change the builder, and each mint reads the clock
   * afresh, so one builder can mint many tokens.
   *
   * <p>Times are whole seconds (NumericDate, RFC 7519 section 2). Unless set, {@code iat} is the
   * clock's now; for a token that is already expired, it is 5 minutes before {@code exp}, as the
   * issuer would have issued it.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final TestKey key;
    private Optional<String> kid;
    private Clock clock = DEFAULT_CLOCK.get();
    private Optional<String> subject = Optional.empty();
    private Optional<String> issuer = Optional.empty();
    private List<String> audience = List.of();
    private List<String> scopes = List.of();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private Optional<Instant> issuedAt = Optional.empty();
    // Functions of the clock's now at mint time, so a relative setting follows a ManualClock.
    private Function<Instant, Optional<Instant>> expiry = now -> Optional.of(now.plus(DEFAULT_LIFETIME));
    private Function<Instant, Optional<Instant>> notBefore = now -> Optional.empty();

    private Builder(TestKey key) {
      this.key = key;
      this.kid = Optional.of(key.kid());
    }

    /**
     * Sets the {@code sub} claim.
     *
     * @param subject the subject, such as a user id
     * @return this builder
     */
    public Builder subject(String subject) {
      this.subject = Optional.of(Objects.requireNonNull(subject, "subject"));
      return this;
    }

    /**
     * Sets the {@code iss} claim.
     *
     * @param issuer the issuer, such as {@code https://idp.example}
     * @return this builder
     */
    public Builder issuer(String issuer) {
      this.issuer = Optional.of(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /**
     * Sets the {@code aud} claim: a string for one audience, an array for several. Replaces
     * earlier audiences.
     *
     * @param audience the audiences; none omits the claim
     * @return this builder
     */
    public Builder audience(String... audience) {
      this.audience = checkEach("audience", audience, false);
      return this;
    }

    /**
     * Sets the {@code scope} claim (RFC 8693 section 4.2): the scopes joined with single spaces.
     * Replaces earlier scopes.
     *
     * @param scopes scope tokens such as {@code orders:read}, one per argument; none omits the claim
     * @return this builder
     * @throws IllegalArgumentException if a scope is empty or has a space, quote or backslash
     *     (RFC 6749 section 3.3)
     */
    public Builder scopes(String... scopes) {
      this.scopes = checkEach("scopes", scopes, true);
      return this;
    }

    /**
     * Sets any claim. Applied last, so it overrides a claim the other setters make: {@code
     * claim("exp", "soon")} mints a token with a malformed {@code exp}.
     *
     * <p>{@code claim("realm_access", Map.of("roles", List.of("admin")))}
     *
     * @param name the claim name
     * @param value a String, Boolean, Integer, Long, Short, Byte, Double, Float, Instant (written as
     *     epoch seconds), or a List or Map (with String keys) of those, nested to any depth; copied
     * @return this builder
     * @throws IllegalArgumentException if a value, or a value nested in it, has another type
     */
    public Builder claim(String name, Object value) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name: '' (expected: a non-empty claim name)");
      }
      claims.put(name, claimValue("claims." + name, value));
      return this;
    }

    /**
     * Sets the clock that {@code iat}, relative expiry and relative not-before are taken from.
     * Defaults to the clock of the {@code GatewayExtension} running the current test (see
     * {@link TestTokens#defaultClock}), else {@link Clock#systemUTC()}; a {@link ManualClock} shared
     * with the gateway mints tokens that are valid in the gateway's time.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets {@code exp} to a time after the clock's now at mint time. Defaults to 5 minutes.
     *
     * @param lifetime more than zero
     * @return this builder
     */
    public Builder expiresIn(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.isZero() || lifetime.isNegative()) {
        throw new IllegalArgumentException(
            "lifetime: " + lifetime + " (expected: > 0; expiredFor() mints an expired token)");
      }
      this.expiry = now -> Optional.of(now.plus(lifetime));
      return this;
    }

    /**
     * Sets {@code exp} to a time before the clock's now at mint time, for a token that expired
     * that long ago: tests expiry checks and clock-skew leeway.
     *
     * @param ago more than zero
     * @return this builder
     */
    public Builder expiredFor(Duration ago) {
      Objects.requireNonNull(ago, "ago");
      if (ago.isZero() || ago.isNegative()) {
        throw new IllegalArgumentException("ago: " + ago + " (expected: > 0)");
      }
      this.expiry = now -> Optional.of(now.minus(ago));
      return this;
    }

    /**
     * Sets {@code exp} to a fixed instant.
     *
     * @param expiry the expiry; truncated to whole seconds
     * @return this builder
     */
    public Builder expiresAt(Instant expiry) {
      Objects.requireNonNull(expiry, "expiry");
      this.expiry = now -> Optional.of(expiry);
      return this;
    }

    /**
     * Omits {@code exp}: tests that the gateway requires it.
     *
     * @return this builder
     */
    public Builder withoutExpiry() {
      this.expiry = now -> Optional.empty();
      return this;
    }

    /**
     * Sets {@code nbf} to a fixed instant. Unset by default, so the claim is omitted.
     *
     * @param notBefore the instant before which the token must not be accepted
     * @return this builder
     */
    public Builder notBefore(Instant notBefore) {
      Objects.requireNonNull(notBefore, "notBefore");
      this.notBefore = now -> Optional.of(notBefore);
      return this;
    }

    /**
     * Sets {@code nbf} to a time after the clock's now at mint time, for a token that is not
     * valid yet: tests not-before checks and clock-skew leeway.
     *
     * @param wait more than zero
     * @return this builder
     */
    public Builder notValidFor(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isZero() || wait.isNegative()) {
        throw new IllegalArgumentException("wait: " + wait + " (expected: > 0)");
      }
      this.notBefore = now -> Optional.of(now.plus(wait));
      return this;
    }

    /**
     * Sets {@code iat} to a fixed instant instead of the clock's now.
     *
     * @param issuedAt the issue time; truncated to whole seconds
     * @return this builder
     */
    public Builder issuedAt(Instant issuedAt) {
      this.issuedAt = Optional.of(Objects.requireNonNull(issuedAt, "issuedAt"));
      return this;
    }

    /**
     * Sets the {@code kid} header to another key id than the key's: tests unknown key ids.
     *
     * @param kid the key id to claim
     * @return this builder
     */
    public Builder kid(String kid) {
      Objects.requireNonNull(kid, "kid");
      if (kid.isEmpty()) {
        throw new IllegalArgumentException("kid: '' (expected: a non-empty key id; withoutKid() omits it)");
      }
      this.kid = Optional.of(kid);
      return this;
    }

    /**
     * Omits the {@code kid} header: the gateway may check such a token only with a key that has
     * no key id.
     *
     * @return this builder
     */
    public Builder withoutKid() {
      this.kid = Optional.empty();
      return this;
    }

    /**
     * Mints the token, signed with the key.
     *
     * @return the compact JWS, {@code header.payload.signature}
     */
    public String mint() {
      return sign(key.signer());
    }

    /**
     * Mints an unsecured token (RFC 7519 section 6): header {@code {"alg":"none","typ":"JWT"}}
     * plus the {@code kid} this builder names (as an attacker would, to reach a known key), this
     * builder's claims, and an empty signature, so the token ends with a dot. Tests that
     * {@code alg: none} is rejected.
     *
     * @return the token, {@code header.payload.}
     */
    public String mintUnsigned() {
      String[] parts = parts(mint());
      String header = kid.map(k -> "{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + k + "\"}")
          .orElse("{\"alg\":\"none\",\"typ\":\"JWT\"}");
      return TestKey.base64Url(header) + "." + parts[1] + ".";
    }

    /**
     * Mints a validly signed token, then changes its {@code sub} claim (to {@code tampered-} and the
     * subject, or {@code tampered} if there is none) and keeps the old signature. Tests that the
     * gateway checks the signature over the payload it reads.
     *
     * @return the tampered token
     */
    public String mintTampered() {
      return tamper("sub", old -> old == null ? "tampered" : "tampered-" + old);
    }

    /**
     * Mints a validly signed token, then sets one claim of its payload and keeps the old
     * signature, such as {@code mintTampered("scope", "orders:read admin")} for a privilege
     * escalation.
     *
     * @param name the claim to set or add
     * @param value the new value, of a type {@link #claim(String, Object)} takes
     * @return the tampered token
     * @throws IllegalArgumentException if the claim already has that value, which would leave the
     *     token valid
     */
    public String mintTampered(String name, Object value) {
      Objects.requireNonNull(name, "name");
      Object changed = claimValue("claims." + name, value);
      return tamper(name, old -> {
        if (old != null && TestKey.json(old).equals(TestKey.json(changed))) {
          throw new IllegalArgumentException("claims." + name + ": " + TestKey.json(changed)
              + " (expected: a value other than the token's, or the signature would still match)");
        }
        return changed;
      });
    }

    /**
     * Mints a token whose {@code alg} header names another algorithm than the key's, yet whose
     * signature is made with the key's real algorithm over that header. Tests that the gateway
     * uses the algorithm bound to its key, not the one the token claims (algorithm confusion).
     *
     * @param alg any {@code alg} value, such as {@code HS256}, {@code RS512} or {@code none}
     * @return the token
     */
    public String mintWithHeaderAlg(String alg) {
      Objects.requireNonNull(alg, "alg");
      String[] parts = parts(mint());
      Map<String, Object> header = readObject(parts[0]);
      header.put("alg", alg);
      String newHeader = TestKey.base64Url(TestKey.json(header));
      byte[] signature = key.signer().sign(
          newHeader.getBytes(StandardCharsets.US_ASCII), parts[1].getBytes(StandardCharsets.US_ASCII));
      return newHeader + "." + parts[1] + "." + TestKey.base64Url(signature);
    }

    /**
     * Mints the classic HMAC key-confusion attack token: {@code alg: HS256}, signed with HMAC
     * using the key's public key, DER-encoded (X.509 SubjectPublicKeyInfo), as the secret; the
     * {@code kid} header names the key. An attacker knows the public key, so a gateway that lets
     * the token choose HMAC and then verifies with the key's bytes accepts a forgery.
     *
     * @return the forged token
     * @throws IllegalStateException if the key is an HMAC secret, which has no public key
     */
    public String mintHmacWithPublicKey() {
      return sign(Algorithm.HMAC256(key.publicKey().getEncoded()));
    }

    /**
     * Like {@link #mintHmacWithPublicKey()}, with the public key's PEM text as the HMAC secret: the
     * bytes of a {@code -----BEGIN PUBLIC KEY-----} file as OpenSSL writes it (64-character lines,
     * LF line ends, a final LF), the variant aimed at verifiers that hold keys as PEM strings.
     *
     * @return the forged token
     * @throws IllegalStateException if the key is an HMAC secret, which has no public key
     */
    public String mintHmacWithPublicKeyPem() {
      return sign(Algorithm.HMAC256(key.publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
    }

    private String tamper(String name, Function<Object, Object> change) {
      String[] parts = parts(mint());
      Map<String, Object> payload = readObject(parts[1]);
      payload.put(name, change.apply(payload.get(name)));
      return parts[0] + "." + TestKey.base64Url(TestKey.json(payload)) + "." + parts[2];
    }

    private String sign(Algorithm algorithm) {
      JWTCreator.Builder jwt = JWT.create();
      kid.ifPresent(jwt::withKeyId);
      return jwt.withPayload(payload()).sign(algorithm);
    }

    private Map<String, Object> payload() {
      Instant now = clock.instant();
      Optional<Instant> exp = expiry.apply(now);
      Instant iat = issuedAt.orElseGet(() ->
          exp.filter(e -> !e.isAfter(now)).map(e -> e.minus(DEFAULT_LIFETIME)).orElse(now));
      Map<String, Object> payload = new LinkedHashMap<>();
      issuer.ifPresent(iss -> payload.put("iss", iss));
      subject.ifPresent(sub -> payload.put("sub", sub));
      if (audience.size() == 1) {
        payload.put("aud", audience.get(0));
      } else if (!audience.isEmpty()) {
        payload.put("aud", audience);
      }
      if (!scopes.isEmpty()) {
        payload.put("scope", String.join(" ", scopes));
      }
      payload.put("iat", iat.getEpochSecond());
      notBefore.apply(now).ifPresent(nbf -> payload.put("nbf", nbf.getEpochSecond()));
      exp.ifPresent(e -> payload.put("exp", e.getEpochSecond()));
      payload.putAll(claims);
      return payload;
    }
  }

  private static List<String> checkEach(String field, String[] values, boolean scopeTokens) {
    Objects.requireNonNull(values, field);
    for (int i = 0; i < values.length; i++) {
      String value = Objects.requireNonNull(values[i], field + "[" + i + "]");
      if (value.isEmpty()) {
        throw new IllegalArgumentException(field + "[" + i + "]: '' (expected: a non-empty value)");
      }
      if (scopeTokens && !value.chars().allMatch(c -> c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E))) {
        throw new IllegalArgumentException(field + "[" + i + "]: '" + value + "' (expected: one scope token of printable"
            + " ASCII without spaces, quotes or backslashes; pass each scope as its own argument)");
      }
    }
    return List.of(values);
  }

  // Converts to the types java-jwt writes, and copies, so the caller's collections can change later.
  private static Object claimValue(String path, Object value) {
    Objects.requireNonNull(value, path);
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof Instant instant) {
      return instant.getEpochSecond();
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(claimValue(path + "[" + i + "]", list.get(i)));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String name)) {
          throw new IllegalArgumentException(path + ": key " + entry.getKey()
              + (entry.getKey() == null ? "" : " of type " + entry.getKey().getClass().getName())
              + " (expected: String keys)");
        }
        copy.put(name, claimValue(path + "." + name, entry.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }
    throw new IllegalArgumentException(path + ": " + value + " of type " + value.getClass().getName()
        + " (expected: String, Boolean, Integer, Long, Short, Byte, Double, Float, Instant, List or Map)");
  }

  private static String[] parts(String token) {
    return token.split("\\.", -1);
  }

  private static Map<String, Object> readObject(String base64Url) {
    try {
      Map<String, Object> object = JSON_OBJECT.readValue(Base64.getUrlDecoder().decode(base64Url));
      return new LinkedHashMap<>(object);
    } catch (IOException e) {
      throw new IllegalStateException("java-jwt wrote a token part that is not a JSON object: " + base64Url, e);
    }
  }
}
