package io.gatehouse.impl;

import static io.gatehouse.impl.ConfigValidationTest.builder;
import static io.gatehouse.impl.ConfigValidationTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.auth.Auth;
import io.gatehouse.ratelimit.RateLimit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every feature checks before any builds: one exception lists the mistakes of all of them, feature by feature. */
class CompileProtocolTest {

  @Test
  void the_mistakes_of_every_feature_are_reported_together_feature_by_feature() {
    GatewayConfigException e = failure(builder()
        .trustedProxies("10.1")
        .rateLimit(RateLimit.perConsumer(10).per(Duration.ofSeconds(1)).beforeAuth())
        .route("a", r -> r.path("/a//b").methods("get").upstream("ftp://a:1").auth(Auth.jwt()))
        .route("a", r -> r.path("/c").methods("fetch").upstream("http://c:1")) // only its id is reported
        .route("b", r -> r.path("/b").rewritePath("^/b/(.*)$", "/$2").methods("Put").respond(200, "text/plain", "b")
            .timeout(Duration.ofSeconds(1))));

    assertThat(e.violations()).extracting(ConfigViolation::toString).containsExactly(
        "gateway: trustedProxies: '10.1' has 2 parts (an IPv4 address has 4) (expected: a canonical IP address or CIDR block"
            + " such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)",
        "route 'a': path: path: '/a//b' (expected: no empty segment ('//'))",
        "route 'a': id: 'a' is declared twice (expected: unique route ids)",
        "route 'a': methods: 'get' (expected: one of CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE,"
            + " or a method named in Gateway.Builder.extensionMethods(...); methods are case-sensitive)",
        "route 'b': methods: 'Put' (expected: one of CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE,"
            + " or a method named in Gateway.Builder.extensionMethods(...); methods are case-sensitive)",
        "route 'a': upstream: 'ftp://a:1' has scheme 'ftp' (expected: an absolute http or https URL such as"
            + " http://orders:8080, without query, fragment or user info)",
        "route 'b': rewritePath: replacement '/$2' refers to group $2, but regex '^/b/(.*)$' has 1 group (expected: $0 to $1)",
        "route 'b': timeout: set on a route that answers by itself (expected: only on routes with an upstream)",
        "route 'a': auth: Auth.jwt() has no keys (expected: keys(...), jwks(url) or both)",
        "gateway: rateLimit: RateLimit[consumer: 10 per PT1S per consumer, burst 10, before auth] is keyed per consumer"
            + " (expected: a client IP, route, header, cookie or query parameter key before auth, where no principal is known yet)");
  }
}
