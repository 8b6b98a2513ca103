package io.gatehouse.edge;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CORS as a user tests it, with the fixtures: a browser app on {@code https://app.example.com}
 * calls a JWT-protected API through the gateway. Preflights never reach the stub upstream and need
 * no token; the API's answers, and the gateway's own 401, 429 and 502, carry the CORS headers the
 * page needs to read them; another site's page gets none.
 */
class CorsTest {
  private static final String API = "http://api:8080";
  private static final String APP = "https://app.example.com";
  private static final TestKey KEY = TestKeys.hmac("k1");
  private GatewayTester tester;

  @BeforeEach
  void start() {
    tester = GatewayTester.of(Gateway.builder()
        .auth(Auth.jwt().keys(KEY.jwtKey()))
        .cors(Cors.allowOrigins(APP).allowHeaders("Authorization", "Content-Type")
            .exposeHeaders("X-Request-Id").allowCredentials(true).maxAge(Duration.ofMinutes(5)))
        .route("orders", r -> r.path("/orders/**").methods("GET", "POST").upstream(API))
        .route("reports", r -> r.path("/reports/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofHours(1)))
            .upstream(API))
        .route("status", r -> r.path("/status").auth(Auth.none()).cors(Cors.allowAnyOrigin())
            .respond(200, "text/plain", "up")));
    tester.stubUpstream(API, stub -> stub.respond(Response.builder(200).header("Access-Control-Allow-Origin", "*")
        .header("Vary", "Accept-Encoding").build()));
  }

  @AfterEach
  void close() {
    tester.close();
  }

  private String token() {
    return TestTokens.valid(KEY, "alice");
  }

  @Test
  void a_preflight_is_answered_without_a_token_and_without_the_upstream() {
    assertThat(tester.request("OPTIONS", "/orders/7").header("Origin", APP)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type").send())
        .hasStatus(204).wasRoutedTo("orders").wasNotProxied()
        .hasHeader("Access-Control-Allow-Origin", APP)
        .hasHeader("Access-Control-Allow-Credentials", "true")
        .hasHeader("Access-Control-Allow-Methods", "POST")
        .hasHeader("Access-Control-Allow-Headers", "authorization, content-type")
        .hasHeader("Access-Control-Max-Age", "300")
        .hasHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  }

  @Test
  void a_preflight_from_another_site_gets_403_without_cors_headers() {
    assertThat(tester.request("OPTIONS", "/orders/7").header("Origin", "https://evil.example.net")
        .header("Access-Control-Request-Method", "POST").send())
        .hasStatus(403).isProblem().wasNotProxied()
        .doesNotHaveHeader("Access-Control-Allow-Origin")
        .doesNotHaveHeader("Access-Control-Allow-Credentials")
        .doesNotHaveHeader("Access-Control-Allow-Methods");
  }

  @Test
  void the_apis_answer_carries_the_gateways_cors_headers_instead_of_the_upstreams() {
    assertThat(tester.get("/orders/7").header("Origin", APP).bearer(token()).send())
        .hasStatus(200).upstreamSawHeader("Origin", APP)
        .hasHeader("Access-Control-Allow-Origin", APP)
        .hasHeader("Access-Control-Allow-Credentials", "true")
        .hasHeader("Access-Control-Expose-Headers", "X-Request-Id")
        .hasHeader("Vary", "Accept-Encoding, Origin");
  }

  @Test
  void another_sites_request_is_proxied_but_earns_no_cors_headers() {
    assertThat(tester.get("/orders/7").header("Origin", "https://app.example.com.evil.net").bearer(token()).send())
        .hasStatus(200).upstreamCalls(1)
        .doesNotHaveHeader("Access-Control-Allow-Origin")
        .doesNotHaveHeader("Access-Control-Allow-Credentials")
        .doesNotHaveHeader("Access-Control-Expose-Headers")
        .hasHeader("Vary", "Accept-Encoding, Origin");
  }

  @Test
  void the_gateways_401_is_readable_by_the_page() {
    assertThat(tester.get("/orders/7").header("Origin", APP).send())
        .hasStatus(401).isProblem().wasNotProxied()
        .hasHeader("WWW-Authenticate")
        .hasHeader("Access-Control-Allow-Origin", APP)
        .hasHeader("Access-Control-Allow-Credentials", "true")
        .hasHeader("Vary", "Origin");
  }

  @Test
  void the_gateways_429_is_readable_by_the_page() {
    assertThat(tester.get("/reports/1").header("Origin", APP).bearer(token()).send()).hasStatus(200);
    assertThat(tester.get("/reports/1").header("Origin", APP).bearer(token()).send())
        .hasStatus(429).isProblem().wasNotProxied()
        .hasHeader("Access-Control-Allow-Origin", APP)
        .hasHeader("Vary", "Origin");
  }

  @Test
  void the_gateways_502_is_readable_by_the_page() {
    tester.upstream(API).fail(UpstreamException.Kind.CONNECT_REFUSED);

    assertThat(tester.get("/orders/7").header("Origin", APP).bearer(token()).send())
        .hasStatus(502).isProblem()
        .hasHeader("Access-Control-Allow-Origin", APP)
        .hasHeader("Vary", "Origin");
  }

  @Test
  void a_route_policy_replaces_the_gateways() {
    assertThat(tester.get("/status").header("Origin", "https://anyone.test").send())
        .hasStatus(200).hasBody("up")
        .hasHeader("Access-Control-Allow-Origin", "*")
        .doesNotHaveHeader("Access-Control-Allow-Credentials")
        .doesNotHaveHeader("Access-Control-Expose-Headers");
    assertThat(tester.request("OPTIONS", "/status").header("Origin", "https://anyone.test")
        .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "authorization").send())
        .hasStatus(403).doesNotHaveHeader("Access-Control-Allow-Origin");
  }

  @Test
  void explain_shows_where_a_preflight_goes() {
    var explained = tester.request("OPTIONS", "/orders/7").header("Origin", APP)
        .header("Access-Control-Request-Method", "GET").explain();

    org.assertj.core.api.Assertions.assertThat(explained.matchedRoute()).hasValue("orders");
    org.assertj.core.api.Assertions.assertThat(explained.chain()).first().isEqualTo("cors stage of route 'orders'");
  }
}
