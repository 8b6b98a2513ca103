package io.gatehouse.auth;

import io.gatehouse.internal.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bearer JWTs ({@link Auth#jwt()}), verified with keys from configuration ({@link #keys}) or
 * from a JWKS URL ({@link #jwks}), or both.
 *
 * <pre>{@code
 * Auth.jwt()
 *     .jwks("https://idp.example.com/.well-known/jwks.json")
 *     .issuer("https://idp.example.com")
 *     .audience("shop")
 *     .rolesClaim("realm_access.roles")
 *     .leeway(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p><b>What is checked.</b> The token comes from {@code Authorization: Bearer} (or a
 * {@link #cookie cookie}). Its key is found by {@code kid}; the key's algorithm must equal the
 * token's {@code alg}, so {@code alg: none} and HMAC/RSA confusion are rejected. The signature,
 * then {@code exp}, {@code nbf} and {@code iat} against the gateway's clock with the
 * {@link #leeway leeway}, then {@code iss} and {@code aud} when configured, then the
 * {@link #requireClaims required claims}. {@code exp} is required.
 *
 * <p><b>JWKS.</b> Fetched through the gateway's upstream client, never on the caller's thread:
 * on the first request that needs it, again every {@link #jwksRefresh refresh interval} (in the
 * background; requests use the keys at hand), and when a token names an unknown {@code kid} — if
 * the last fetch started at least the {@link #jwksMinRefetch minimum interval} ago, so a storm of
 * made-up kids costs one fetch per interval. If the endpoint is down, the last keys fetched stay in use. RSA and EC keys
 * ({@code use} absent or {@code sig}) are read; a key's algorithm is its {@code alg} member, or
 * RS256 for RSA and the curve's ES algorithm for EC when {@code alg} is absent. Symmetric
 * ({@code oct}) keys in a JWKS are ignored: give HMAC secrets with {@link #keys}.
 *
 * <p><b>Verified tokens.</b> A token that passed is cached (1,000 tokens by default, see
 * {@link #cacheVerified(int, Duration)}), so the same token again costs a lookup; a cached token
 * is accepted only when verification would accept it at that moment.
 *
 * <p><b>Principal.</b> Its id is the {@code sub} claim (see {@link #subjectClaim}); its scopes
 * come from {@code scope} (space-separated) and {@code scp} (list or string); its roles from
 * {@link #rolesClaim}.
 *
 * @since 0.1
 */
public final class JwtAuth implements Auth {
  static final JwtAuth DEFAULTS = new JwtAuth(new Settings());

  private final Settings settings;

  private JwtAuth(Settings settings) {
    this.settings = settings;
  }

  private JwtAuth with(Consumer<Settings> change) {
    Settings copy = settings.copy();
    change.accept(copy);
    return new JwtAuth(copy);
  }

  /**
   * Adds verification keys.
   *
   * @param keys keys with their algorithms; kids must be unique (checked at build())
   * @return a changed copy
   */
  public JwtAuth keys(JwtKey... keys) {
    List<JwtKey> added = List.of(keys);
    return with(s -> s.keys.addAll(added));
  }

  /**
   * Fetches keys from a JWKS (RFC 7517) URL.
   *
   * @param url an absolute http or https URL (checked at build())
   * @return a changed copy
   */
  public JwtAuth jwks(String url) {
    String u = Names.notBlank("jwks", url);
    return with(s -> s.jwks = u);
  }

  /**
   * How often the JWKS is fetched again in the background. Defaults to 10 minutes.
   *
   * @param interval more than zero
   * @return a changed copy
   */
  public JwtAuth jwksRefresh(Duration interval) {
    Duration d = Check.positive("jwksRefresh", interval);
    return with(s -> s.jwksRefresh = d);
  }

  /**
   * How long after any fetch (the first, a refresh, or one caused by an unknown key id) an unknown
   * key id may cause another. Defaults to 30 seconds: a key rotated in sooner is refused until then.
   *
   * @param interval zero or more
   * @return a changed copy
   */
  public JwtAuth jwksMinRefetch(Duration interval) {
    Duration d = Check.notNegative("jwksMinRefetch", interval);
    return with(s -> s.jwksMinRefetch = d);
  }

  /**
   * How long a JWKS fetch may take. Defaults to 5 seconds.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public JwtAuth jwksTimeout(Duration timeout) {
    Duration d = Check.positive("jwksTimeout", timeout);
    return with(s -> s.jwksTimeout = d);
  }

  /**
   * Accepts tokens whose {@code iss} is one of these. Unchecked when never called.
   *
   * @param issuers accepted issuers
   * @return a changed copy
   */
  public JwtAuth issuer(String... issuers) {
    List<String> added = nonBlank("issuer", issuers);
    return with(s -> s.issuers.addAll(added));
  }

  /**
   * Accepts tokens whose {@code aud} contains one of these. Unchecked when never called.
   *
   * @param audiences accepted audiences
   * @return a changed copy
   */
  public JwtAuth audience(String... audiences) {
    List<String> added = nonBlank("audience", audiences);
    return with(s -> s.audiences.addAll(added));
  }

  /**
   * Tolerance for clock skew in {@code exp}, {@code nbf} and {@code iat}. Defaults to 30 seconds.
   *
   * @param leeway zero or more
   * @return a changed copy
   */
  public JwtAuth leeway(Duration leeway) {
    Duration d = Check.notNegative("leeway", leeway);
    return with(s -> s.leeway = d);
  }

  /**
   * Rejects tokens without these claims.
   *
   * @param claims claim names
   * @return a changed copy
   */
  public JwtAuth requireClaims(String... claims) {
    List<String> added = nonBlank("requireClaims", claims);
    return with(s -> s.requiredClaims.addAll(added));
  }

  /**
   * Also reads the token from this cookie when there is no {@code Authorization} header.
   *
   * @param name the cookie name
   * @return a changed copy
   */
  public JwtAuth cookie(String name) {
    String n = Names.notBlank("cookie", name);
    return with(s -> s.cookie = n);
  }

  /**
   * Also reads the token from an {@code access_token} query parameter (RFC 6750 section 2.3), for
   * clients that cannot set headers (WebSocket upgrades in browsers, download links). Off by
   * default: URLs end up in browser histories, proxy logs and Referer headers. The parameter is
   * removed before the request goes upstream; the gateway's access log and request records carry
   * the path only. A request with a token in the query and an {@code Authorization} header, or
   * with several {@code access_token} parameters, gets 400 {@code invalid_request} whether or
   * not this is on. The name is matched after percent-decoding and without regard to case.
   * Tokens in a form body (RFC 6750 section 2.2) are never read: bodies are not buffered for auth.
   *
   * @return a changed copy
   * @since 0.1
   */
  public JwtAuth allowQueryToken() {
    return with(s -> s.queryToken = true);
  }

  /**
   * Whether the token may come in the {@code access_token} query parameter.
   *
   * @return true after {@link #allowQueryToken()}
   * @since 0.1
   */
  public boolean queryTokenAllowed() {
    return settings.queryToken;
  }

  /**
   * Where the principal's roles are: a claim name, or a dotted path into nested claims such as
   * {@code realm_access.roles}; the value is a list of strings or a space-separated string.
   * Defaults to {@code roles}.
   *
   * @param path the claim path
   * @return a changed copy
   */
  public JwtAuth rolesClaim(String path) {
    String p = Names.notBlank("rolesClaim", path);
    return with(s -> s.rolesClaim = p);
  }

  /**
   * The claim that names the principal. Defaults to {@code sub}.
   *
   * @param claim the claim name
   * @return a changed copy
   */
  public JwtAuth subjectClaim(String claim) {
    String c = Names.notBlank("subjectClaim", claim);
    return with(s -> s.subjectClaim = c);
  }

  /**
   * Sizes the cache of verified tokens, which lets a client that sends the same token again skip
   * its parsing and signature check (about 4 µs for HS256, 40 µs for RS256 and 1 ms for ES256 on
   * JDK 17; see {@code benchmarks/README.md}). On by default, with
   * 1,000 tokens and a maximum age of 5 minutes; {@code 0} turns it off.
   *
   * <p>A token is answered from the cache only when verification would accept it at that moment:
   * <ul>
   *   <li>the token must equal a cached one character for character; only tokens that passed every
   *       check are cached;
   *   <li>{@code exp}, {@code nbf} and {@code iat} are checked against the clock on every request,
   *       with the {@link #leeway leeway};
   *   <li>when the JWKS is fetched again, tokens verified with the keys fetched before are
   *       verified again, so a key removed from the JWKS accepts no cached token;
   *   <li>each {@code Auth.jwt()} value has its own cache, so routes with other rules (issuers,
   *       audiences, keys) never share one.
   * </ul>
   * A token leaves the cache at its {@code exp} plus the leeway or after {@code maxTtl}, whichever
   * comes first; when the cache is full, Caffeine's admission policy keeps the tokens in frequent
   * use. Each entry holds the token and its claims: a few KiB for a typical token.
   *
   * @param maxTokens how many tokens the cache holds at most; 0 turns it off
   * @param maxTtl the longest a token stays cached; more than zero
   * @return a changed copy
   */
  public JwtAuth cacheVerified(int maxTokens, Duration maxTtl) {
    Check.atLeast("maxTokens", maxTokens, 0);
    Duration ttl = Check.positive("maxTtl", maxTtl);
    return with(s -> {
      s.verifiedCacheSize = maxTokens;
      s.verifiedCacheTtl = ttl;
    });
  }

  /**
   * Sizes the cache of verified tokens and keeps its maximum age ({@link #cacheVerified(int, Duration)}).
   * {@code cacheVerified(0)} turns it off.
   *
   * @param maxTokens how many tokens the cache holds at most; 0 turns it off
   * @return a changed copy
   * @since 0.1
   */
  public JwtAuth cacheVerified(int maxTokens) {
    return cacheVerified(maxTokens, settings.verifiedCacheTtl);
  }

  /**
   * How many verified tokens are cached at most: 1,000 unless
   * {@link #cacheVerified(int, Duration)} said otherwise; zero when the cache is off.
   *
   * @return the cache capacity
   */
  public int verifiedCacheSize() {
    return settings.verifiedCacheSize;
  }

  /**
   * The longest a verified token is cached: 5 minutes unless {@link #cacheVerified(int, Duration)}
   * said otherwise.
   *
   * @return the duration
   */
  public Duration verifiedCacheTtl() {
    return settings.verifiedCacheTtl;
  }

  /**
   * The configured keys.
   *
   * @return the keys, in order
   */
  public List<JwtKey> keys() {
    return List.copyOf(settings.keys);
  }

  /**
   * The JWKS URL, if set.
   *
   * @return the URL
   */
  public Optional<String> jwks() {
    return Optional.ofNullable(settings.jwks);
  }

  /**
   * The background refresh interval of the JWKS.
   *
   * @return the interval
   */
  public Duration jwksRefresh() {
    return settings.jwksRefresh;
  }

  /**
   * How long after any fetch an unknown key id may cause another.
   *
   * @return the interval
   */
  public Duration jwksMinRefetch() {
    return settings.jwksMinRefetch;
  }

  /**
   * The timeout of one JWKS fetch.
   *
   * @return the timeout
   */
  public Duration jwksTimeout() {
    return settings.jwksTimeout;
  }

  /**
   * The accepted issuers; empty means unchecked.
   *
   * @return the issuers
   */
  public Set<String> issuers() {
    return Set.copyOf(settings.issuers);
  }

  /**
   * The accepted audiences; empty means unchecked.
   *
   * @return the audiences
   */
  public Set<String> audiences() {
    return Set.copyOf(settings.audiences);
  }

  /**
   * The clock-skew tolerance.
   *
   * @return the leeway
   */
  public Duration leeway() {
    return settings.leeway;
  }

  /**
   * The claims a token must carry.
   *
   * @return the claim names
   */
  public Set<String> requiredClaims() {
    return Set.copyOf(settings.requiredClaims);
  }

  /**
   * The cookie the token may come in.
   *
   * @return the cookie name, if set
   */
  public Optional<String> cookie() {
    return Optional.ofNullable(settings.cookie);
  }

  /**
   * The claim path of the roles.
   *
   * @return the path
   */
  public String rolesClaim() {
    return settings.rolesClaim;
  }

  /**
   * The claim that names the principal.
   *
   * @return the claim name
   */
  public String subjectClaim() {
    return settings.subjectClaim;
  }

  @Override
  public String toString() {
    return "Auth.jwt(" + settings.keys.size() + " keys" + (settings.jwks == null ? "" : ", jwks " + settings.jwks) + ")";
  }

  private static List<String> nonBlank(String field, String... values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.add(Names.notBlank(field, v));
    }
    return out;
  }

  /** Mutable only while a wither builds a copy; never exposed. */
  private static final class Settings {
    List<JwtKey> keys = new ArrayList<>();
    String jwks;
    Duration jwksRefresh = Duration.ofMinutes(10);
    Duration jwksMinRefetch = Duration.ofSeconds(30);
    Duration jwksTimeout = Duration.ofSeconds(5);
    Set<String> issuers = new LinkedHashSet<>();
    Set<String> audiences = new LinkedHashSet<>();
    Duration leeway = Duration.ofSeconds(30);
    Set<String> requiredClaims = new LinkedHashSet<>();
    String cookie;
    boolean queryToken;
    String rolesClaim = "roles";
    String subjectClaim = "sub";
    int verifiedCacheSize = 1_000;
    Duration verifiedCacheTtl = Duration.ofMinutes(5);

    Settings copy() {
      Settings c = new Settings();
      c.keys = new ArrayList<>(keys);
      c.jwks = jwks;
      c.jwksRefresh = jwksRefresh;
      c.jwksMinRefetch = jwksMinRefetch;
      c.jwksTimeout = jwksTimeout;
      c.issuers = new LinkedHashSet<>(issuers);
      c.audiences = new LinkedHashSet<>(audiences);
      c.leeway = leeway;
      c.requiredClaims = new LinkedHashSet<>(requiredClaims);
      c.cookie = cookie;
      c.queryToken = queryToken;
      c.rolesClaim = rolesClaim;
      c.subjectClaim = subjectClaim;
      c.verifiedCacheSize = verifiedCacheSize;
      c.verifiedCacheTtl = verifiedCacheTtl;
      return c;
    }
  }
}
