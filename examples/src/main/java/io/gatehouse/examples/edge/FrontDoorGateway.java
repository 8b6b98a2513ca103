package io.gatehouse.examples.edge;

import io.gatehouse.Gateway;
import io.gatehouse.edge.IpRules;
import io.gatehouse.edge.SecurityHeaders;

/** IP rules and security headers in one gateway; the README quotes it and its test runs it. */
public final class FrontDoorGateway {
  private FrontDoorGateway() {}

  /**
   * A public API behind load balancers, with an admin route open only to the office and the VPN,
   * and security headers on every response.
   *
   * @param apiUrl where the API service listens
   * @param adminUrl where the admin service listens
   * @return the builder
   */
  // tag::front-door[]
  public static Gateway.Builder gateway(String apiUrl, String adminUrl) {
    return Gateway.builder()
        .trustedProxies("10.0.0.0/8")                              // the load balancers
        .ipRules(IpRules.any().deny("198.51.100.0/24"))            // every route: one block refused
        .securityHeaders(SecurityHeaders.defaults())               // HSTS over TLS, nosniff, no framing...
        .route("admin", r -> r
            .path("/admin/**")
            .ipRules(IpRules.allow("192.0.2.0/24", "2001:db8:5::/48").deny("192.0.2.66"))
            .upstream(adminUrl))
        .route("api", r -> r
            .path("/api/**")
            .securityHeaders(SecurityHeaders.defaults().withoutFrameOptions().referrerPolicy("same-origin"))
            .upstream(apiUrl));
  }
  // end::front-door[]
}
