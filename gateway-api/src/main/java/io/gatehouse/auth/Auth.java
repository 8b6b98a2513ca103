package io.gatehouse.auth;

import java.util.List;

/**
 * How a route authenticates its callers. Set a default for the whole gateway with
 * {@code Gateway.Builder.auth(...)} and override it per route with {@code RouteBuilder.auth(...)};
 * {@link #none()} makes a route public.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .auth(Auth.jwt().jwks("https://idp.example.com/jwks.json").issuer("https://idp.example.com").audience("shop"))
 *     .consumer(ApiConsumer.builder("billing").apiKey(billingKey).build())
 *     .route("orders", r -> r.path("/orders/**")
 *         .auth(Auth.anyOf(Auth.jwt().jwks("https://idp.example.com/jwks.json"), Auth.apiKey()))
 *         .requireScopes("orders:read")
 *         .upstream("http://orders:8080"))
 *     .route("health", r -> r.path("/health").auth(Auth.none()).respond(200, "text/plain", "up"));
 * }</pre>
 *
 * <p>Every kind is an immutable value: each setter returns a changed copy. What a kind cannot
 * check alone (a URL, a conflict with the route) is checked at {@code build()}.
 *
 * @since 0.1
 */
public sealed interface Auth permits NoAuth, ApiKeyAuth, JwtAuth, IntrospectionAuth, BasicAuth, AnyOfAuth,
    ClientCertificateAuth {

  /**
   * No authentication: the route is public. Identity headers sent by the client are still removed.
   *
   * @return the public marker
   */
  static NoAuth none() {
    return NoAuth.INSTANCE;
  }

  /**
   * API keys of the gateway's consumers, from the {@code X-API-Key} header by default.
   *
   * @return API-key authentication with the defaults
   */
  static ApiKeyAuth apiKey() {
    return ApiKeyAuth.DEFAULTS;
  }

  /**
   * Bearer JWTs, verified with configured keys or a JWKS.
   *
   * @return JWT authentication without keys yet
   */
  static JwtAuth jwt() {
    return JwtAuth.DEFAULTS;
  }

  /**
   * Opaque bearer tokens, checked against an OAuth2 introspection endpoint (RFC 7662).
   *
   * @param endpoint the introspection URL, such as {@code https://idp.example.com/oauth2/introspect}
   * @return introspection authentication for that endpoint
   */
  static IntrospectionAuth introspection(String endpoint) {
    return IntrospectionAuth.of(endpoint);
  }

  /**
   * HTTP Basic (RFC 7617) against the consumers' passwords: for internal and legacy clients.
   *
   * @return Basic authentication with the realm {@code gatehouse}
   */
  static BasicAuth basic() {
    return BasicAuth.DEFAULTS;
  }

  /**
   * The client certificate that the server verified in the TLS handshake (mutual TLS): its
   * subject, by default, becomes the principal's id. The server must ask for client certificates
   * (with the Undertow adapter, {@code TlsConfig.clientAuth(...)}); certificates claimed in
   * headers count for nothing.
   *
   * @return client-certificate authentication with the defaults
   * @since 0.2
   */
  static ClientCertificateAuth clientCertificate() {
    return ClientCertificateAuth.DEFAULTS;
  }

  /**
   * Accepts a request that any of these accepts. The alternatives whose credentials the request
   * carries are tried in order; the first that accepts wins. A request without any gets 401
   * with a challenge for each.
   *
   * @param alternatives two or more kinds, none of them {@link #none()}
   * @return the combination
   */
  static AnyOfAuth anyOf(Auth... alternatives) {
    return AnyOfAuth.of(List.of(alternatives));
  }
}
