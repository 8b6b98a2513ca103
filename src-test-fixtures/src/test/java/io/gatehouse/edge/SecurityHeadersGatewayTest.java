package io.gatehouse.edge;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Security headers in a whole gateway, in memory: what the defaults put on an upstream's answer
 * and on the gateway's own, which of the upstream's values win, HSTS over TLS only, and a route's
 * value replacing the gateway's.
 */
class SecurityHeadersGatewayTest {
  private static final String UP = "http://up:8080";
  private static final String BARE = "http://bare:8080";

  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester tester(Gateway.Builder builder) {
    tester = GatewayTester.of(builder)
        .stubUpstream(UP, s -> s.respond(Response.builder(200).headers(HttpHeaders.of(
            "Content-Type", "text/html", "Server", "Apache/2.4.1 (Unix)", "X-Powered-By", "PHP/5.4.0",
            "Referrer-Policy", "origin", "X-Frame-Options", "SAMEORIGIN",
            "Content-Security-Policy", "default-src 'self'", "Strict-Transport-Security", "max-age=60",
            "X-Content-Type-Options", "sniff-away")).build()))
        .stubUpstream(BARE, s -> s.respond(200, "text/plain", "ok"));
    return tester;
  }

  private static Gateway.Builder defaults() {
    return Gateway.builder().securityHeaders(SecurityHeaders.defaults())
        .route("up", r -> r.path("/up/**").upstream(UP))
        .route("bare", r -> r.path("/bare/**").upstream(BARE));
  }

  private static void hasTheDefaults(TestResponse res, boolean hsts) {
    assertThat(res).hasHeader("X-Content-Type-Options", "nosniff").hasHeader("Referrer-Policy", "no-referrer")
        .hasHeader("X-Frame-Options", "DENY").hasHeader("Content-Security-Policy", "frame-ancestors 'none'")
        .doesNotHaveHeader("Server").doesNotHaveHeader("X-Powered-By");
    if (hsts) {
      assertThat(res).hasHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    } else {
      assertThat(res).doesNotHaveHeader("Strict-Transport-Security");
    }
  }

  @Test
  void the_defaults_go_on_an_upstream_answer_that_has_none_of_them_with_hsts_only_over_tls() {
    tester(defaults());

    hasTheDefaults(tester.get("/bare/x").scheme("https").send(), true);
    hasTheDefaults(tester.get("/bare/x").send(), false);
  }

  @Test
  void the_upstream_keeps_its_referrer_framing_and_policy_while_hsts_nosniff_and_the_banners_are_the_gateway_s() {
    tester(defaults());

    TestResponse res = tester.get("/up/x").scheme("https").send();

    assertThat(res).hasStatus(200)
        .hasHeader("Referrer-Policy", "origin").hasHeader("X-Frame-Options", "SAMEORIGIN")
        .hasHeader("Content-Security-Policy", "default-src 'self'")
        .hasHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        .hasHeader("X-Content-Type-Options", "nosniff")
        .doesNotHaveHeader("Server").doesNotHaveHeader("X-Powered-By");
    assertThat(res.headers().all("Content-Security-Policy")).as("no second policy that would narrow the upstream's")
        .hasSize(1);
    assertThat(res.headers().all("Strict-Transport-Security")).hasSize(1);
    assertThat(tester.get("/up/x").send()).as("over plain HTTP the upstream's HSTS is left as it is")
        .hasHeader("Strict-Transport-Security", "max-age=60");
  }

  @Test
  void blank_upstream_values_count_as_none() {
    tester = GatewayTester.of(Gateway.builder().securityHeaders(SecurityHeaders.defaults())
            .route("up", r -> r.path("/**").upstream(UP)))
        .stubUpstream(UP, s -> s.respond(Response.builder(200).headers(HttpHeaders.of(
            "Referrer-Policy", "", "X-Frame-Options", " ", "Content-Security-Policy", "")).build()));

    assertThat(tester.get("/x").send()).hasHeader("Referrer-Policy", "no-referrer").hasHeader("X-Frame-Options", "DENY")
        .hasHeader("Content-Security-Policy", "frame-ancestors 'none'");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "no route               | /nowhere   | 404",
      "bad path               | /bare/%00  | 400",
      "unauthenticated        | /locked/x  | 401",
      "rate limited           | /limited/x | 429",
      "upstream failed        | /broken/x  | 502",
      "static response        | /static    | 200"})
  void the_gateway_own_answers_carry_them_too(String what, String path, int status) {
    tester(defaults()
        .consumer(ApiConsumer.builder("acme").apiKey("k-acme-0123456789abcdef").build())
        .route("locked", r -> r.path("/locked/**").auth(Auth.apiKey()).upstream(BARE))
        .route("limited", r -> r.path("/limited/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofHours(1)).named("one"))
            .respond(200, "text/plain", "fine"))
        .route("broken", r -> r.path("/broken/**").upstream("http://broken:8080"))
        .route("static", r -> r.path("/static").respond(200, "text/plain", "static")));
    tester.stubUpstream("http://broken:8080", s -> s.fail(UpstreamException.Kind.CONNECT_REFUSED));
    if (path.startsWith("/limited")) {
      tester.get(path).send();
    }

    TestResponse res = tester.get(path).scheme("https").send();

    assertThat(res).as(what).hasStatus(status);
    hasTheDefaults(res, true);
  }

  @Test
  void a_route_value_replaces_the_gateway_value_and_none_turns_them_off() {
    tester(Gateway.builder().securityHeaders(SecurityHeaders.defaults())
        .route("framed", r -> r.path("/framed/**").upstream(BARE)
            .securityHeaders(SecurityHeaders.defaults().frameOptions(SecurityHeaders.FrameOptions.SAMEORIGIN)
                .referrerPolicy("strict-origin-when-cross-origin").hsts(Duration.ofDays(730), true, true)))
        .route("legacy", r -> r.path("/legacy/**").upstream(UP).securityHeaders(SecurityHeaders.none()))
        .route("banner", r -> r.path("/banner/**").upstream(UP).securityHeaders(SecurityHeaders.defaults()
            .keepServerHeader().withoutHsts().withoutContentTypeOptions())));

    assertThat(tester.get("/framed/x").scheme("https").send()).hasHeader("X-Frame-Options", "SAMEORIGIN")
        .hasHeader("Content-Security-Policy", "frame-ancestors 'self'")
        .hasHeader("Referrer-Policy", "strict-origin-when-cross-origin")
        .hasHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload");
    assertThat(tester.get("/legacy/x").scheme("https").send()).as("untouched")
        .hasHeader("Server", "Apache/2.4.1 (Unix)").hasHeader("X-Powered-By", "PHP/5.4.0")
        .hasHeader("Strict-Transport-Security", "max-age=60").hasHeader("X-Content-Type-Options", "sniff-away");
    assertThat(tester.get("/banner/x").scheme("https").send())
        .hasHeader("Server", "Apache/2.4.1 (Unix)").doesNotHaveHeader("X-Powered-By")
        .hasHeader("Strict-Transport-Security", "max-age=60").hasHeader("X-Content-Type-Options", "sniff-away");
    assertThat(tester.get("/nowhere").scheme("https").send()).as("no route: the gateway's").hasStatus(404)
        .hasHeader("X-Frame-Options", "DENY");
  }

  @Test
  void a_route_can_have_them_when_the_gateway_has_none() {
    tester(Gateway.builder()
        .route("secured", r -> r.path("/secured/**").upstream(BARE).securityHeaders(SecurityHeaders.defaults()))
        .route("plain", r -> r.path("/plain/**").upstream(UP)));

    hasTheDefaults(tester.get("/secured/x").scheme("https").send(), true);
    assertThat(tester.get("/plain/x").send()).hasHeader("Server", "Apache/2.4.1 (Unix)");
    assertThat(tester.get("/nowhere").send()).hasStatus(404).doesNotHaveHeader("X-Frame-Options");
  }

  @Test
  void a_route_response_header_change_counts_as_the_upstream_own_value() {
    tester(Gateway.builder().securityHeaders(SecurityHeaders.defaults())
        .route("r", r -> r.path("/**").upstream(BARE).setResponseHeader("Referrer-Policy", "same-origin")
            .setResponseHeader("Content-Security-Policy", "default-src 'none'")));

    assertThat(tester.get("/x").send()).hasHeader("Referrer-Policy", "same-origin")
        .hasHeader("Content-Security-Policy", "default-src 'none'").hasHeader("X-Frame-Options", "DENY");
  }

  @ParameterizedTest(name = "peer {0}, X-Forwarded-Proto {1} -> HSTS {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "10.0.0.1    | https        | true",
      "10.0.0.1    | HTTPS        | true",
      "10.0.0.1    | 'https, http' | true",
      "10.0.0.1    | http         | false",
      "10.0.0.1    | 'http, https' | false",
      "10.0.0.1    | NONE         | false",
      "10.0.0.1    | ''           | false",
      "198.51.100.1 | https       | false"})
  void a_trusted_proxy_says_whether_the_client_came_over_tls(String peer, String proto, boolean hsts) {
    tester(defaults().trustedProxies("10.0.0.0/8"));
    var request = tester.get("/bare/x").from(peer);
    if (proto != null) {
      request.header("X-Forwarded-Proto", proto);
    }

    TestResponse res = request.send();

    if (hsts) {
      assertThat(res).hasHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    } else {
      assertThat(res).doesNotHaveHeader("Strict-Transport-Security");
    }
  }
}
