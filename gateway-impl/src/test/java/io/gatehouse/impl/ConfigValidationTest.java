package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidationTest {

  static Gateway.Builder builder() {
    return Gateway.builder().transport(RecordingTransport.answering(200));
  }

  static GatewayConfigException failure(Gateway.Builder builder) {
    try {
      builder.build().close();
    } catch (GatewayConfigException e) {
      return e;
    }
    throw new AssertionError("expected build() to fail");
  }

  @Test
  void a_version_label_is_kept_and_a_bad_one_is_refused_at_once() {
    try (Gateway g = builder().version("2026.11.25-r3").route("a", r -> r.path("/a").upstream("http://a:1")).build()) {
      assertThat(g.version()).isEqualTo("2026.11.25-r3");
      assertThat(g.toString()).isEqualTo("Gateway[1 routes, version 2026.11.25-r3]");
    }
    assertThatThrownBy(() -> builder().version("release 3"))
        .hasMessage("version: 'release 3' (expected: 1 to 64 printable ASCII characters, no space)");
  }

  @Test
  void duplicate_route_ids_are_named() {
    GatewayConfigException e = failure(builder()
        .route("a", r -> r.path("/a").upstream("http://a:1"))
        .route("a", r -> r.path("/b").upstream("http://a:1")));
    assertThat(e.violations()).extracting(ConfigViolation::toString)
        .containsExactly("route 'a': id: 'a' is declared twice (expected: unique route ids)");
  }

  @Test
  void a_route_without_terminal_is_rejected() {
    assertThatThrownBy(() -> builder().route("x", r -> r.path("/x")).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'x': upstream: none (expected: an upstream(url), a respond(...) or an aggregate(...) terminal)");
  }

  @Test
  void a_route_with_two_terminals_is_rejected() {
    assertThatThrownBy(() -> builder().route("x", r -> r.path("/x").upstream("http://a:1").respond(200, "text/plain", "")).build())
        .hasMessageContaining("route 'x': upstream: both an upstream and a static response are set (expected: exactly one terminal)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "orders:8080          | has scheme 'orders'",
      "ftp://orders:21      | has scheme 'ftp'",
      "http://              | is malformed",
      "http://o:1/x?y=1     | has a query or fragment",
      "http://u:p@o:1       | has user info",
      "http://o:1/#frag     | has a query or fragment",
      "/relative            | has scheme ''",
      "http://o k:1         | is malformed"})
  void malformed_upstream_urls_are_named(String url, String problem) {
    assertThatThrownBy(() -> builder().route("orders", r -> r.path("/o").upstream(url)).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'orders': upstream: '" + url + "' " + problem);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/a/**/b",
      "a/b",
      "/files/{name}.json",
      "/a//b",
      "/a/{x}/{x}"})
  void malformed_path_patterns_are_named(String pattern) {
    assertThatThrownBy(() -> builder().route("p", r -> r.path(pattern).upstream("http://a:1")).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'p': path: ");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "^/a/(.*)$       | /b/$2        | refers to group $2, but regex '^/a/(.*)$' has 1 group (expected: $0 to $1)",
      "^/a/.*$         | /b/$1        | refers to group $1, but regex '^/a/.*$' has 0 groups (expected: $0 to $0)",
      "^/a/(?<x>.*)$   | /b/${y}      | refers to group ${y}, which regex '^/a/(?<x>.*)$' does not have (expected: one of [x])",
      "^/a/(.*)$       | /b/${y}      | refers to group ${y}, which regex '^/a/(.*)$' does not have (expected: one of [])",
      "^/a/(.*)$       | /b/$         | ends with an unpaired $",
      "^/a/(.*)$       | /b/$x        | has a $ not followed by a group number or {name}",
      "^/a/(.*)$       | /b/\\      | ends with an unpaired \\",
  })
  void rewrite_group_references_the_regex_lacks_fail_at_build(String regex, String replacement, String problem) {
    GatewayConfigException e = failure(builder().route("w", r -> r.path("/a/**").rewritePath(regex, replacement)
        .upstream("http://a:1")));
    assertThat(e.violations()).extracting(ConfigViolation::toString).singleElement().asString()
        .startsWith("route 'w': rewritePath: replacement '" + replacement + "' " + problem);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "^/a/(.*)$            | /b/$1",
      "^/a/(.*)$            | /b/$0",
      "^/a/(.*)/(.*)$       | /b/$2/$1",
      "^/a/(?<rest>.*)$     | /b/${rest}",
      "^/a/(.*)$            | /b/\\$1",
  })
  void rewrite_group_references_the_regex_has_build(String regex, String replacement) {
    builder().route("w", r -> r.path("/a/**").rewritePath(regex, replacement).upstream("http://a:1")).build().close();
  }

  @Test
  void malformed_host_patterns_are_named() {
    assertThatThrownBy(() -> builder().route("h", r -> r.host("api.*.com").upstream("http://a:1")).build())
        .hasMessageContaining("route 'h': host: ");
  }

  @Test
  void regexes_that_do_not_compile_are_named() {
    GatewayConfigException e = failure(builder()
        .route("r", r -> r.path("/r").headerMatches("X-V", "(").queryMatches("q", "[").upstream("http://a:1"))
        .route("w", r -> r.path("/w/{id}").rewritePath("*", "/x").upstream("http://a:1")));
    assertThat(e.violations()).extracting(ConfigViolation::toString).anySatisfy(v ->
        assertThat(v).startsWith("route 'r': header: 'X-V' regex '(' does not compile"));
    assertThat(e.violations()).extracting(ConfigViolation::toString).anySatisfy(v ->
        assertThat(v).startsWith("route 'r': query: 'q' regex '[' does not compile"));
    assertThat(e.violations()).extracting(ConfigViolation::toString).anySatisfy(v ->
        assertThat(v).startsWith("route 'w': rewritePath: regex '*' does not compile"));
  }

  @Test
  void a_rewrite_that_uses_an_unknown_variable_is_named() {
    assertThatThrownBy(() -> builder()
        .route("u", r -> r.path("/users/{id}").rewritePath("^.*$", "/people/{name}").upstream("http://a:1")).build())
        .hasMessageContaining("route 'u': rewritePath: replacement uses {name} (expected: a variable of every path pattern");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/**          | /api/orders",
      "/api/**      | /api/orders/{id}",
      "/a/*         | /a/{id}",
      "/a/{x}       | /a/b"})
  void a_route_an_earlier_route_fully_shadows_is_rejected(String earlier, String later) {
    assertThatThrownBy(() -> builder()
        .route("first", r -> r.path(earlier).upstream("http://a:1"))
        .route("second", r -> r.path(later).upstream("http://b:1")).build())
        .hasMessageContaining("route 'second': path: never matches: route 'first', declared earlier, matches every request it would");
  }

  @Test
  void an_earlier_route_with_predicates_or_fewer_methods_does_not_shadow() {
    UnaryOperator<Gateway.Builder> second = b -> b.route("second", r -> r.path("/a/b").upstream("http://b:1"));
    second.apply(builder().route("first", r -> r.path("/a/**").header("X-Beta").upstream("http://a:1"))).build().close();
    second.apply(builder().route("first", r -> r.path("/a/**").methods("GET").upstream("http://a:1"))).build().close();
    second.apply(builder().route("first", r -> r.path("/a/*/c").upstream("http://a:1"))).build().close();
  }

  @Test
  void bad_trusted_proxies_are_named() {
    assertThatThrownBy(() -> builder().trustedProxies("10.0.0.0/33", "proxy.example.com")
        .route("a", r -> r.path("/a").upstream("http://a:1")).build())
        .hasMessageContaining("gateway: trustedProxies: '10.0.0.0/33' prefix length '33' is not a decimal from 0 to 32 (expected: a canonical IP address or CIDR block")
        .hasMessageContaining("gateway: trustedProxies: 'proxy.example.com' has 3 parts (an IPv4 address has 4) (expected: a canonical IP address or CIDR block");
  }

  @ParameterizedTest(name = "trustedProxies(\"{0}\")")
  @CsvSource(delimiter = '|', value = {
      "010.0.0.1      | '010.0.0.1' part '010' has a leading zero",
      "10.1           | '10.1' has 2 parts (an IPv4 address has 4)",
      "0x7f.1         | '0x7f.1' has 2 parts (an IPv4 address has 4)",
      "167772161      | '167772161' has 1 part (an IPv4 address has 4)",
      "'10.0.0.1 '    | '10.0.0.1 ' part '1 ' is not a decimal number",
      "10.0.0.1/8     | '10.0.0.1/8' host bits set (expected: 10.0.0.0/8)",
      "10.0.0.0/08    | '10.0.0.0/08' prefix length '08' is not a decimal from 0 to 32",
      "[::1]          | '[::1]' is in brackets",
      "fe80::1%eth0   | 'fe80::1%eth0' has a zone id",
      "1::2::3        | '1::2::3' has more than one '::'"})
  void trusted_proxies_accept_only_canonical_literals_and_name_the_bad_entry(String entry, String message) {
    assertThatThrownBy(() -> builder().trustedProxies(entry).route("a", r -> r.path("/a").upstream("http://a:1")).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("gateway: trustedProxies: " + message);
  }

  @Test
  void all_violations_are_reported_together() {
    GatewayConfigException e = failure(builder()
        .route("a", r -> r.path("/a"))
        .route("b", r -> r.path("/b//c").upstream("nope")));
    assertThat(e.violations()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(e.violations()).extracting(ConfigViolation::routeId)
        .contains(Optional.of("a"), Optional.of("b"));
    assertThat(e).hasMessageStartingWith("invalid gateway configuration, ");
  }

  @Test
  void an_empty_gateway_is_rejected() {
    assertThatThrownBy(() -> builder().build())
        .hasMessageContaining("gateway: routes: none (expected: at least one route)");
  }

  @Test
  void setters_reject_nonsense_at_once() {
    assertThatThrownBy(() -> Gateway.builder().route("bad id", r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route id: 'bad id' (expected: 1 to 128 of letters, digits, '.', '_', '-')");
    assertThatThrownBy(() -> Gateway.builder().route("a", r -> r.stripPrefix(-1)))
        .hasMessageContaining("route 'a': stripPrefix: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Gateway.builder().route("a", r -> r.responseTimeout(Duration.ofSeconds(-1))))
        .hasMessageContaining("route 'a': responseTimeout: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> Gateway.builder().route("a", r -> r.setRequestHeader("Bad Header", "x")))
        .hasMessageContaining("header name: 'Bad Header' (expected: an RFC 9110 token)");
    assertThatThrownBy(() -> Gateway.builder().route("a", r -> r.setRequestHeader("X", "a\r\nEvil: 1")))
        .hasMessageContaining("value contains CR, LF or NUL");
    assertThatThrownBy(() -> Gateway.builder().route("a", r -> r.respond(99, "text/plain", "")))
        .hasMessageContaining("status: 99 (expected: 100 to 599)");
  }
}
