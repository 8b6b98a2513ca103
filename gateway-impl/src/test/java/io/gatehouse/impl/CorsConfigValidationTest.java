package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.edge.Cors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every mistake in a CORS policy fails build(), naming the route (or the gateway) and the field, all at once. */
class CorsConfigValidationTest {

  private static Gateway.Builder builder() {
    return Gateway.builder().transport(RecordingTransport.answering(200));
  }

  private static List<String> violations(Gateway.Builder builder) {
    try {
      builder.build().close();
    } catch (GatewayConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected build() to fail");
  }

  @Test
  void every_mistake_is_reported_with_its_route_and_field() {
    assertThat(violations(builder()
        .cors(Cors.allowAnyOrigin().allowCredentials(true))
        .route("a", r -> r.path("/a").cors(Cors.allowOrigins("https://App.example.com", "https://ok.example.com/",
            "https://*.com")).upstream("http://o:1"))
        .route("b", r -> r.path("/b").cors(Cors.allowOrigins("null").allowCredentials(true)
            .allowMethods("get", "TRACE", "*", "PROPFIND", "G T")
            .allowHeaders("*", "X Bad", "X-Good").exposeHeaders("*", "X:Bad")).upstream("http://o:1"))))
        .containsExactly(
            "gateway: cors.allowCredentials: true with Cors.allowAnyOrigin() (expected: the origins listed with"
                + " Cors.allowOrigins(...); the Fetch standard refuses '*' with credentials)",
            "route 'a': cors.allowOrigins: 'https://App.example.com' has upper-case letters (expected:"
                + " 'https://app.example.com', in lower case as browsers send it)",
            "route 'a': cors.allowOrigins: 'https://ok.example.com/' has more than scheme://host[:port] (expected:"
                + " 'https://ok.example.com', without a path, query or trailing '/')",
            "route 'a': cors.allowOrigins: 'https://*.com' lets '*' stand for more than subdomains (expected: at least"
                + " two labels after '*.', as in 'https://*.example.com')",
            "route 'b': cors.allowMethods: 'get' (expected: GET; methods are case-sensitive, and browsers send the"
                + " standard ones in upper case)",
            "route 'b': cors.allowMethods: 'TRACE' (expected: not CONNECT, TRACE or TRACK, which browsers never send)",
            "route 'b': cors.allowMethods: '*' (expected: methods by name; without allowMethods every method the route"
                + " takes is allowed)",
            "route 'b': cors.allowMethods: 'PROPFIND' (expected: one of CONNECT, DELETE, GET, HEAD, OPTIONS, PATCH,"
                + " POST, PUT, TRACE, or a method named in Gateway.Builder.extensionMethods(...))",
            "route 'b': cors.allowMethods: 'G T' (expected: an RFC 9110 token)",
            "route 'b': cors.allowHeaders: '*' (expected: header names; Cors.allowAnyHeader() for any)",
            "route 'b': cors.allowHeaders: 'X Bad' (expected: an RFC 9110 token)",
            "route 'b': cors.exposeHeaders: '*' with allowCredentials(true) (expected: header names; with credentials"
                + " browsers read '*' as a header named '*')",
            "route 'b': cors.exposeHeaders: 'X:Bad' (expected: an RFC 9110 token)",
            "route 'b': cors.allowCredentials: true with origin 'null' (expected: no credentials for 'null', which any"
                + " page can send from a sandboxed frame)");
  }

  @Test
  void a_policy_without_origins_is_refused() {
    assertThat(violations(builder().route("a", r -> r.path("/a").cors(Cors.allowOrigins()).upstream("http://o:1"))))
        .containsExactly("route 'a': cors.allowOrigins: none (expected: at least one origin, or Cors.allowAnyOrigin())");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {"track", "Track", "CONNECT", "connect", "TRACK"})
  void the_forbidden_methods_are_refused_in_any_case(String method) {
    assertThat(violations(builder().route("a", r -> r.path("/a").cors(Cors.allowAnyOrigin().allowMethods(method))
        .upstream("http://o:1"))))
        .containsExactly("route 'a': cors.allowMethods: '" + method
            + "' (expected: not CONNECT, TRACE or TRACK, which browsers never send)");
  }

  @Test
  void a_gateway_policy_is_checked_even_when_every_route_replaces_it() {
    assertThat(violations(builder().cors(Cors.allowOrigins("*"))
        .route("a", r -> r.path("/a").cors(Cors.none()).upstream("http://o:1"))))
        .containsExactly("gateway: cors.allowOrigins: '*' is not an origin (expected: an origin such as"
            + " 'https://app.example.com'; Cors.allowAnyOrigin() for any)");
  }

  @Test
  void what_the_fetch_standard_allows_builds() {
    Gateway gateway = builder().extensionMethods("PROPFIND")
        .cors(Cors.allowOrigins("https://app.example.com", "https://*.example.com", "http://localhost:3000",
                "http://[::1]:8080", "capacitor://localhost", "null")
            .allowMethods("PUT", "DELETE", "PROPFIND", "GET").allowHeaders("Content-Type", "x-tenant")
            .exposeHeaders("*", "X-Request-Id").maxAge(java.time.Duration.ofHours(1)))
        .route("a", r -> r.path("/a").cors(Cors.allowOrigins("https://app.example.com").allowCredentials(true)
            .allowAnyHeader().exposeHeaders("X-Request-Id")).upstream("http://o:1"))
        .route("b", r -> r.path("/b").upstream("http://o:1"))
        .build();
    gateway.close();

    assertThat(gateway.chains().get("a")).startsWith("cors stage of route 'a'", "auth stage of route 'a'");
    assertThat(gateway.chains().get("b")).startsWith("cors stage of route 'b'");
  }

  @Test
  void a_route_without_a_policy_has_no_cors_stage() {
    Gateway gateway = builder().cors(Cors.allowAnyOrigin())
        .route("off", r -> r.path("/off").cors(Cors.none()).upstream("http://o:1"))
        .route("never", r -> r.path("/never").upstream("http://o:1"))
        .build();
    gateway.close();
    Gateway plain = builder().route("plain", r -> r.path("/p").upstream("http://o:1")).build();
    plain.close();

    assertThat(gateway.chains().get("off")).noneMatch(stage -> stage.startsWith("cors"));
    assertThat(gateway.chains().get("never")).first().isEqualTo("cors stage of route 'never'");
    assertThat(plain.chains().get("plain")).noneMatch(stage -> stage.startsWith("cors"));
  }

  @Test
  void a_global_filter_runs_after_the_cors_stage() {
    Gateway gateway = builder().cors(Cors.allowAnyOrigin()).filter((exchange, chain) -> chain.proceed(exchange))
        .route("a", r -> r.path("/a").upstream("http://o:1")).build();
    gateway.close();

    assertThat(gateway.chains().get("a").get(0)).isEqualTo("cors stage of route 'a'");
    assertThat(gateway.chains().get("a").get(1)).startsWith("global filter #1 (");
  }

  @Test
  void a_negative_max_age_never_reaches_build() {
    assertThatThrownBy(() -> Cors.allowOrigins("https://app.example.com").maxAge(java.time.Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cors: maxAge: PT-0.001S (expected: >= 0)");
  }
}
