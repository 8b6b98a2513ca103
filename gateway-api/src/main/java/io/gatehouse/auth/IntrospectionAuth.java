package io.gatehouse.auth;

import io.gatehouse.internal.Check;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Opaque bearer tokens checked with OAuth2 token introspection (RFC 7662,
 * {@link Auth#introspection(String)}). The gateway posts the token to the endpoint with its
 * client credentials (HTTP Basic) through its upstream client, never on the caller's thread.
 *
 * <pre>{@code
 * Auth.introspection("https://idp.example.com/oauth2/introspect")
 *     .clientCredentials("gateway", gatewaySecret)
 *     .cacheSize(50_000);
 * }</pre>
 *
 * <p>An active token's answer is cached until its {@code exp}, but at most
 * {@link #maxCacheTtl}; an inactive token's for {@link #inactiveCacheTtl}; the cache holds at most
 * {@link #cacheSize} tokens (by hash, never the token itself). Concurrent requests with the same
 * uncached token share one call. If the endpoint fails or times out, the request gets 503.
 *
 * <p><b>Principal.</b> Its id is {@code sub}, else {@code username}, else {@code client_id}; its
 * scopes come from {@code scope}; its roles from {@link #rolesClaim}.
 *
 * @since 0.1
 */
public final class IntrospectionAuth implements Auth {
  private final String endpoint;
  private final String clientId;
  private final String clientSecret;
  private final int cacheSize;
  private final Duration maxCacheTtl;
  private final Duration inactiveCacheTtl;
  private final Duration timeout;
  private final String rolesClaim;

  private IntrospectionAuth(String endpoint, String clientId, String clientSecret, int cacheSize,
      Duration maxCacheTtl, Duration inactiveCacheTtl, Duration timeout, String rolesClaim) {
    this.endpoint = endpoint;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.cacheSize = cacheSize;
    this.maxCacheTtl = maxCacheTtl;
    this.inactiveCacheTtl = inactiveCacheTtl;
    this.timeout = timeout;
    this.rolesClaim = rolesClaim;
  }

  static IntrospectionAuth of(String endpoint) {
    return new IntrospectionAuth(Names.notBlank("endpoint", endpoint), null, null, 10_000,
        Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(5), "roles");
  }

  /**
   * Authenticates the gateway to the endpoint with these client credentials (HTTP Basic, RFC
   * 6749 section 2.3.1).
   *
   * @param clientId the gateway's client id
   * @param clientSecret its secret
   * @return a changed copy
   */
  public IntrospectionAuth clientCredentials(String clientId, String clientSecret) {
    return new IntrospectionAuth(endpoint, Names.notBlank("clientId", clientId),
        Objects.requireNonNull(clientSecret, "clientSecret"), cacheSize, maxCacheTtl, inactiveCacheTtl, timeout, rolesClaim);
  }

  /**
   * How many tokens the cache holds at most. Defaults to 10,000; 0 disables the cache.
   *
   * @param size zero or more
   * @return a changed copy
   */
  public IntrospectionAuth cacheSize(int size) {
    Check.atLeast("cacheSize", size, 0);
    return new IntrospectionAuth(endpoint, clientId, clientSecret, size, maxCacheTtl, inactiveCacheTtl, timeout, rolesClaim);
  }

  /**
   * The longest an active token's answer is cached, even if it expires later. Defaults to 5 minutes.
   *
   * @param ttl more than zero
   * @return a changed copy
   */
  public IntrospectionAuth maxCacheTtl(Duration ttl) {
    return new IntrospectionAuth(endpoint, clientId, clientSecret, cacheSize, Check.positive("maxCacheTtl", ttl),
        inactiveCacheTtl, timeout, rolesClaim);
  }

  /**
   * How long an inactive token's answer is cached. Defaults to 30 seconds.
   *
   * @param ttl zero (not cached) or more
   * @return a changed copy
   */
  public IntrospectionAuth inactiveCacheTtl(Duration ttl) {
    return new IntrospectionAuth(endpoint, clientId, clientSecret, cacheSize, maxCacheTtl,
        Check.notNegative("inactiveCacheTtl", ttl), timeout, rolesClaim);
  }

  /**
   * How long one introspection call may take. Defaults to 5 seconds.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public IntrospectionAuth timeout(Duration timeout) {
    return new IntrospectionAuth(endpoint, clientId, clientSecret, cacheSize, maxCacheTtl, inactiveCacheTtl,
        Check.positive("timeout", timeout), rolesClaim);
  }

  /**
   * Where the principal's roles are in the introspection answer: a member name or a dotted path.
   * Defaults to {@code roles}.
   *
   * @param path the member path
   * @return a changed copy
   */
  public IntrospectionAuth rolesClaim(String path) {
    return new IntrospectionAuth(endpoint, clientId, clientSecret, cacheSize, maxCacheTtl, inactiveCacheTtl, timeout,
        Names.notBlank("rolesClaim", path));
  }

  /**
   * The introspection endpoint.
   *
   * @return the URL
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * The gateway's client id, if credentials are set.
   *
   * @return the client id
   */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /**
   * The gateway's client secret, if credentials are set.
   *
   * @return the secret
   */
  public Optional<String> clientSecret() {
    return Optional.ofNullable(clientSecret);
  }

  /**
   * The cache capacity in tokens.
   *
   * @return the size
   */
  public int cacheSize() {
    return cacheSize;
  }

  /**
   * The longest an active answer is cached.
   *
   * @return the duration
   */
  public Duration maxCacheTtl() {
    return maxCacheTtl;
  }

  /**
   * How long an inactive answer is cached.
   *
   * @return the duration
   */
  public Duration inactiveCacheTtl() {
    return inactiveCacheTtl;
  }

  /**
   * The timeout of one call.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The member path of the roles.
   *
   * @return the path
   */
  public String rolesClaim() {
    return rolesClaim;
  }

  @Override
  public String toString() {
    return "Auth.introspection(" + endpoint + ")";
  }
}
