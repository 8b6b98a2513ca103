package io.gatehouse.examples.ratelimit;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.ratelimit.RateLimit;
import java.time.Duration;

/** Rate limits of each kind in one gateway; the README quotes it and its test runs it. */
public final class LimitedGateway {
  private LimitedGateway() {}

  /**
   * A partner API with a burst and an hourly limit per consumer, and a public search limited per
   * client address.
   *
   * @param partnerKey the partner's API key
   * @param apiUrl where the API service listens
   * @return the builder
   */
  // tag::limits[]
  public static Gateway.Builder gateway(String partnerKey, String apiUrl) {
    RequestKey tenant = RequestKey.custom("tenant", exchange -> exchange.request().headers().first("X-Tenant"));
    return Gateway.builder()
        .trustedProxies("10.0.0.0/8")                       // X-Forwarded-For counts only from these
        .consumer(ApiConsumer.builder("partner").apiKey(partnerKey).build())
        .rateLimit(RateLimit.perConsumer(10).per(Duration.ofSeconds(1)).named("burst"))
        .rateLimit(RateLimit.perConsumer(1_000).per(Duration.ofHours(1)).named("hourly"))
        .route("api", r -> r
            .path("/api/**")
            .auth(Auth.apiKey())
            .rateLimit(RateLimit.keyedBy(tenant, 100).per(Duration.ofMinutes(1)).named("tenant"))
            .upstream(apiUrl))
        .route("search", r -> r
            .path("/search")
            .rateLimit(RateLimit.perClientIp(5).per(Duration.ofSeconds(1)).burst(10).named("search"))
            .rateLimit(RateLimit.perRoute(500).per(Duration.ofSeconds(1)).named("search-total"))
            .upstream(apiUrl));
  }
  // end::limits[]
}
