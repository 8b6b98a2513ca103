package io.gatehouse.impl.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.UnderscoreHeaders;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parts of {@link IngressChecks} that the gateway-level IngressTest cannot tell apart. */
class IngressChecksTest {
  private static IngressChecks checks(UnderscoreHeaders underscores, List<String> identityHeaders) {
    return new IngressChecks(RequestLimits.defaults(), underscores, peer -> false, identityHeaders);
  }

  private static Request request(String... namesAndValues) {
    return Request.builder("GET", "/a").headers(HttpHeaders.of(namesAndValues))
        .remoteAddress(new InetSocketAddress("127.0.0.1", 40000)).build();
  }

  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource({"'', 0", "a, 1", "a=1&b=2, 2", "&, 0", "&&, 0", "a&, 1", "&a, 1", "&&a&&b&&, 2", "a&&b, 2", "ab, 1"})
  void query_parameters_are_the_non_empty_parts(String query, int count) {
    assertThat(IngressChecks.queryParameters(query)).isEqualTo(count);
  }

  @Test
  void a_connection_token_cannot_remove_an_identity_header_in_any_case() {
    Request request = request("X-User-Id", "alice", "X-A", "1", "Connection", "x-user-id, X-A");

    Request cleaned = checks(UnderscoreHeaders.REJECT, List.of("X-User-ID")).cleaned(request);

    assertThat(cleaned.headers()).isEqualTo(HttpHeaders.of("X-User-Id", "alice"));
    assertThat(checks(UnderscoreHeaders.REJECT, List.of()).cleaned(request).headers()).isEqualTo(HttpHeaders.of());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"DROP", "REJECT"})
  void a_request_with_nothing_to_clean_is_passed_as_is(UnderscoreHeaders policy) {
    Request request = request("Accept", "*/*", "X-Id", "7");

    assertThat(checks(policy, List.of()).cleaned(request)).isSameAs(request);
  }

  @Test
  void underscore_names_are_dropped_only_under_drop() {
    Request request = request("X_A", "1", "Accept", "*/*", "x_a", "2");

    assertThat(checks(UnderscoreHeaders.DROP, List.of()).cleaned(request).headers())
        .isEqualTo(HttpHeaders.of("Accept", "*/*"));
    assertThat(checks(UnderscoreHeaders.REJECT, List.of()).cleaned(request)).isSameAs(request);
  }

  @Test
  void the_refusal_names_the_first_underscore_header() {
    Request request = request("Accept", "*/*", "X_First", "1", "X_Second", "2");

    IngressChecks.Rejected rejected = checks(UnderscoreHeaders.REJECT, List.of()).rejection(request, "r-1").orElseThrow();

    assertThat(rejected.response().status()).isEqualTo(400);
    assertThat(new String(rejected.response().body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
        .contains("header name 'X_First' contains '_' (expected: names without '_')");
    assertThat(checks(UnderscoreHeaders.DROP, List.of()).rejection(request, "r-1")).isEmpty();
  }

  @Test
  void the_refusal_names_the_first_control_byte() {
    Request request = request("X-A", "ok", "X-B", "a\u0001b", "X-C", "\u0002");

    IngressChecks.Rejected rejected = checks(UnderscoreHeaders.DROP, List.of()).rejection(request, "r-1").orElseThrow();

    assertThat(new String(rejected.response().body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
        .contains("header 'X-B' has a control byte 0x01 in its value (expected: none but HTAB)");
  }
}
