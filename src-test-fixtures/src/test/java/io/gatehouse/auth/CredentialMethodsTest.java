package io.gatehouse.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestResponse;
import io.gatehouse.testing.TestTokens;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One credential, in one place (RFC 6750 section 2): a request with more than one gets 400
 * {@code invalid_request}, and a query token is read only where the route allows it and then never
 * reaches the upstream.
 */
class CredentialMethodsTest {
  private static final ManualClock CLOCK = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private static final TestKey KEY = TestKeys.rsa("k1");
  private static final String TOKEN = TestTokens.signedBy(KEY).clock(CLOCK).subject("alice").mint();
  private static final String OTHER = TestTokens.signedBy(KEY).clock(CLOCK).subject("bob").mint();
  private static GatewayTester tester;

  @BeforeAll
  static void gateway() {
    JwtAuth jwt = Auth.jwt().keys(KEY.jwtKey());
    tester = GatewayTester.of(Gateway.builder().time(CLOCK)
        .consumer(ApiConsumer.builder("ops").apiKey("ops-key-0123456789abcdef").build())
        .route("header-only", r -> r.path("/h/**").auth(jwt).upstream("http://up:1"))
        .route("query-too", r -> r.path("/q/**").auth(jwt.allowQueryToken()).upstream("http://up:1"))
        .route("basic", r -> r.path("/b/**").auth(Auth.basic()).upstream("http://up:1")));
    tester.stubUpstream("http://up:1", s -> s.respond(200, "ok"));
  }

  @AfterAll
  static void close() {
    tester.close();
  }

  static Stream<Arguments> ambiguous() {
    return Stream.of(
        Arguments.of("header and query", "/q/x?access_token=" + OTHER, true),
        Arguments.of("header and query on a header-only route", "/h/x?access_token=" + OTHER, true),
        Arguments.of("header and an empty query token", "/q/x?access_token=", true),
        Arguments.of("header and a bare access_token name", "/q/x?access_token", true),
        Arguments.of("header and ACCESS_TOKEN", "/q/x?ACCESS_TOKEN=" + OTHER, true),
        Arguments.of("header and Access_Token", "/q/x?a=1&Access_Token=" + OTHER, true),
        Arguments.of("header and access%5Ftoken", "/q/x?access%5Ftoken=" + OTHER, true),
        Arguments.of("header and access%5ftoken", "/q/x?access%5ftoken=" + OTHER, true),
        Arguments.of("header and %61ccess_token", "/q/x?%61ccess_token=" + OTHER, true),
        Arguments.of("two query tokens", "/q/x?access_token=" + TOKEN + "&access_token=" + OTHER, false),
        Arguments.of("two query tokens, one encoded", "/q/x?access_token=" + TOKEN + "&access%5Ftoken=" + TOKEN, false),
        Arguments.of("two query tokens, one empty", "/q/x?access_token=" + TOKEN + "&access_token=", false),
        Arguments.of("two query tokens on a header-only route", "/h/x?access_token=" + TOKEN + "&access_token=" + TOKEN, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguous")
  void more_than_one_access_token_is_400_invalid_request(String name, String target, boolean header) {
    var request = tester.get(target);
    if (header) {
      request.bearer(TOKEN);
    }
    TestResponse response = request.send();
    assertThat(response).hasStatus(400).isProblem().wasNotProxied()
        .hasHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_request\", error_description=\"the"
            + " request carries more than one access token (expected: one method, RFC 6750 section 2)\"");
  }

  static Stream<Arguments> malformedAuthorization() {
    return Stream.of(
        Arguments.of("/h/x", new String[] {"Bearer " + TOKEN, "Bearer " + TOKEN}, "several Authorization headers"),
        Arguments.of("/h/x", new String[] {"Bearer " + TOKEN, "Basic b3BzOnB3"}, "several Authorization headers"),
        Arguments.of("/h/x", new String[] {"Bearer " + TOKEN, ""}, "several Authorization headers"),
        Arguments.of("/b/x", new String[] {"Basic b3BzOnB3", "Basic b3BzOnB3"}, "several Authorization headers"),
        Arguments.of("/h/x", new String[] {"Bearer " + TOKEN + ", Basic b3BzOnB3"}, "more than one scheme"),
        Arguments.of("/h/x", new String[] {"Bearer " + TOKEN + " Bearer " + OTHER}, "more than one scheme"),
        Arguments.of("/h/x", new String[] {"Bearer " + TOKEN + ",Bearer " + OTHER}, "more than one scheme"),
        Arguments.of("/b/x", new String[] {"Basic b3BzOnB3, Bearer " + TOKEN}, "more than one scheme"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("malformedAuthorization")
  void several_authorization_headers_or_schemes_are_400(String target, String[] values, String detail) {
    var request = tester.get(target);
    for (String value : values) {
      request.header("Authorization", value);
    }
    assertThat(request.send()).hasStatus(400).isProblem().wasNotProxied().bodyContains(detail);
  }

  @Test
  void a_query_token_is_read_where_the_route_allows_it_and_removed_before_the_upstream() {
    assertThat(tester.get("/q/x?a=1&access_token=" + TOKEN + "&b=2").send())
        .hasStatus(200).upstreamSawQuery("a=1&b=2").upstreamSawHeader("X-Consumer-Id", "alice");
    assertThat(tester.get("/q/x?access%5Ftoken=" + TOKEN).send())
        .hasStatus(200).upstreamSawPath("/q/x");
    assertThat(tester.get("/q/x?ACCESS_TOKEN=" + TOKEN + "&z").send())
        .hasStatus(200).upstreamSawQuery("z");
  }

  @Test
  void a_header_token_on_a_query_route_leaves_other_parameters_alone() {
    assertThat(tester.get("/q/x?access_tokens=1&my_access_token=2").bearer(TOKEN).send())
        .hasStatus(200).upstreamSawQuery("access_tokens=1&my_access_token=2");
  }

  @Test
  void a_query_token_where_the_route_does_not_allow_it_is_no_credential() {
    assertThat(tester.get("/h/x?access_token=" + TOKEN).send()).hasStatus(401).wasNotProxied();
    assertThat(tester.get("/q/x?access_token=").send()).hasStatus(401).wasNotProxied();
  }
}
