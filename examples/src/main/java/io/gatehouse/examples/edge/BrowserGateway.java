package io.gatehouse.examples.edge;

import io.gatehouse.Gateway;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtKey;
import io.gatehouse.edge.Cors;
import java.time.Duration;

/** A gateway that single-page apps call from the browser (CORS); the README quotes it and its test runs it. */
public final class BrowserGateway {
  private BrowserGateway() {}

  /**
   * An API for the shop's web apps, with credentials, a public status any page may read, and a
   * legacy route whose upstream answers its own CORS (and so its own preflights).
   *
   * @param key the key the identity provider signs tokens with
   * @param apiUrl where the API service listens
   * @return the builder
   */
  // tag::cors[]
  public static Gateway.Builder gateway(JwtKey key, String apiUrl) {
    return Gateway.builder()
        .auth(Auth.jwt().keys(key))
        .cors(Cors.allowOrigins("https://shop.example.com", "https://*.shop.example.com")
            .allowMethods("PUT", "DELETE")                      // GET, HEAD, POST are always allowed
            .allowHeaders("Authorization", "Content-Type")       // what the pages send
            .exposeHeaders("X-Request-Id")                       // what the pages may read
            .allowCredentials(true)
            .maxAge(Duration.ofMinutes(10)))                     // browsers cache the preflight
        .route("orders", r -> r
            .path("/api/orders/**").methods("GET", "POST", "PUT", "DELETE")
            .upstream(apiUrl))                                   // preflights never reach it
        .route("status", r -> r
            .path("/status").auth(Auth.none())
            .cors(Cors.allowAnyOrigin())                         // public, no credentials
            .respond(200, "text/plain", "up"))
        .route("legacy", r -> r
            .path("/legacy/**").auth(Auth.none())                // its upstream checks credentials
            .cors(Cors.none())                                   // and answers CORS itself
            .upstream(apiUrl));
  }
  // end::cors[]
}
