package io.gatehouse.examples.auth;

import io.gatehouse.Gateway;
import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import io.gatehouse.auth.PasswordHash;
import java.time.Duration;

/** Each auth kind in a small gateway; the README quotes these and their tests run them. */
public final class SecuredGateways {
  private SecuredGateways() {}

  /**
   * JWTs from an identity provider's JWKS, with scopes per method.
   *
   * @param idp the identity provider's base URL, such as {@code https://idp.example.com}
   * @param ordersUrl where the orders service listens
   * @return the builder
   */
  // tag::jwt[]
  public static Gateway.Builder jwt(String idp, String ordersUrl) {
    return Gateway.builder()
        .auth(Auth.jwt()
            .jwks(idp + "/.well-known/jwks.json")         // fetched off-thread, cached, refreshed
            .issuer(idp)
            .audience("shop")
            .rolesClaim("realm_access.roles")
            .leeway(Duration.ofSeconds(30)))
        .identityHeaders(IdentityHeaders.defaults().claim("email", "X-User-Email"))
        .route("orders", r -> r
            .path("/orders/**")
            .require(AccessRule.scopes("orders:read").on("GET", "HEAD"))
            .require(AccessRule.scopes("orders:write").on("POST", "PUT", "DELETE"))
            .upstream(ordersUrl))
        .route("health", r -> r
            .path("/health")
            .auth(Auth.none())                              // public
            .respond(200, "application/json", "{\"status\":\"up\"}"));
  }
  // end::jwt[]

  /**
   * HS256 tokens signed with a secret the issuer shares with the gateway; such tokens usually
   * carry no {@code kid}.
   *
   * @param secret the shared secret, at least 32 bytes (keep it out of code: read it from your secret store)
   * @param ordersUrl where the orders service listens
   * @return the builder
   */
  // tag::hs256[]
  public static Gateway.Builder sharedSecret(byte[] secret, String ordersUrl) {
    return Gateway.builder()
        .auth(Auth.jwt()
            .keys(JwtKey.secret(secret, JwtAlgorithm.HS256))  // no kid: verifies tokens without one
            .issuer("https://login.example.com"))
        .route("orders", r -> r
            .path("/orders/**")
            .upstream(ordersUrl));
  }
  // end::hs256[]

  /**
   * Partners with API keys, one plan each.
   *
   * @param acmeKey Acme's API key (keep keys out of code: read them from your secret store)
   * @param reportsUrl where the reports service listens
   * @return the builder
   */
  // tag::api-keys[]
  public static Gateway.Builder apiKeys(String acmeKey, String reportsUrl) {
    return Gateway.builder()
        .consumer(ApiConsumer.builder("acme")
            .groups("partners")
            .plan("pro")
            .apiKey(acmeKey)                                // only its SHA-256 is kept
            .build())
        .route("reports", r -> r
            .path("/reports/**")
            .auth(Auth.apiKey().header("X-API-Key"))       // removed before the request goes upstream
            .requireRoles("partners")                       // groups are roles
            .upstream(reportsUrl));                         // sees X-Consumer-Id: acme, X-Consumer-Plan: pro
  }
  // end::api-keys[]

  /**
   * Internal tools on Basic auth, or an API key, whichever the caller has.
   *
   * @param opsPasswordHash the stored PBKDF2 hash of the ops user's password
   * @param opsKey the ops user's API key
   * @param adminUrl where the admin service listens
   * @return the builder
   */
  // tag::basic[]
  public static Gateway.Builder basicOrKey(PasswordHash opsPasswordHash, String opsKey, String adminUrl) {
    return Gateway.builder()
        .consumer(ApiConsumer.builder("ops").groups("admins")
            .password(opsPasswordHash)                      // PasswordHash.of(password), or parse(stored)
            .apiKey(opsKey)
            .build())
        .route("admin", r -> r
            .path("/admin/**")
            .auth(Auth.anyOf(Auth.basic().realm("admin"), Auth.apiKey()))
            .requireRoles("admins")
            .upstream(adminUrl));
  }
  // end::basic[]

  /**
   * Opaque tokens checked at an OAuth2 introspection endpoint.
   *
   * @param idp the identity provider's base URL
   * @param gatewaySecret the gateway's client secret at the identity provider
   * @param ordersUrl where the orders service listens
   * @return the builder
   */
  // tag::introspection[]
  public static Gateway.Builder introspection(String idp, String gatewaySecret, String ordersUrl) {
    return Gateway.builder()
        .auth(Auth.introspection(idp + "/oauth2/introspect")
            .clientCredentials("gateway", gatewaySecret)
            .cacheSize(50_000)                              // answers cached until exp, at most
            .maxCacheTtl(Duration.ofMinutes(5)))            // five minutes
        .route("orders", r -> r
            .path("/orders/**")
            .requireScopes("orders:read")
            .require(AccessRule.check("a tenant's orders only", (principal, request) ->
                request.path().startsWith("/orders/" + principal.claim("tenant").orElse("-") + "/")))
            .upstream(ordersUrl));
  }
  // end::introspection[]
}
