package io.gatehouse.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestKeyTest {
  private static final Function<Exchange, Optional<String>> TENANT = e -> e.request().headers().first("X-Tenant");

  static Stream<Arguments> keys() {
    return Stream.of(
        Arguments.of(RequestKey.header("X-User"), RequestKey.Kind.HEADER, "X-User", "header 'X-User'", false),
        Arguments.of(RequestKey.cookie("session"), RequestKey.Kind.COOKIE, "session", "cookie 'session'", false),
        Arguments.of(RequestKey.queryParameter("user id"), RequestKey.Kind.QUERY_PARAMETER, "user id",
            "query parameter 'user id'", false),
        Arguments.of(RequestKey.clientIp(), RequestKey.Kind.CLIENT_IP, null, "client ip", false),
        Arguments.of(RequestKey.consumer(), RequestKey.Kind.CONSUMER, null, "consumer", true),
        Arguments.of(RequestKey.route(), RequestKey.Kind.ROUTE, null, "route", false),
        Arguments.of(RequestKey.custom("tenant", TENANT), RequestKey.Kind.CUSTOM, "tenant", "custom 'tenant'", true));
  }

  @ParameterizedTest
  @MethodSource("keys")
  void each_factory_states_its_kind_name_description_and_whether_it_needs_the_principal(RequestKey key,
      RequestKey.Kind kind, String name, String description, boolean needsPrincipal) {
    assertThat(key.kind()).isEqualTo(kind);
    assertThat(key.name()).isEqualTo(Optional.ofNullable(name));
    assertThat(key.describe()).isEqualTo(description);
    assertThat(key.needsPrincipal()).isEqualTo(needsPrincipal);
    assertThat(key.function().isPresent()).isEqualTo(kind == RequestKey.Kind.CUSTOM);
    assertThat(key).hasToString("RequestKey[kind=" + kind + ", name=" + (name == null ? "none" : name) + "]");
  }

  @Test
  void keys_reading_the_same_value_are_equal() {
    assertThat(RequestKey.header("X-User")).isEqualTo(RequestKey.header("X-User")).hasSameHashCodeAs(RequestKey.header("X-User"))
        .isNotEqualTo(RequestKey.header("X-Other")).isNotEqualTo(RequestKey.cookie("X-User"));
    assertThat(RequestKey.clientIp()).isEqualTo(RequestKey.clientIp()).isNotEqualTo(RequestKey.consumer());
    assertThat(RequestKey.custom("tenant", TENANT)).isEqualTo(RequestKey.custom("tenant", TENANT))
        .isNotEqualTo(RequestKey.custom("other", TENANT))
        .isNotEqualTo(RequestKey.custom("tenant", e -> Optional.empty()));
  }

  @Test
  void a_client_network_key_keeps_its_prefix_lengths_and_a_client_ip_key_keeps_every_bit() {
    RequestKey network = RequestKey.clientNetwork(24, 56);

    assertThat(network.kind()).isEqualTo(RequestKey.Kind.CLIENT_IP);
    assertThat(network.ipv4PrefixLength()).isEqualTo(24);
    assertThat(network.ipv6PrefixLength()).isEqualTo(56);
    assertThat(network.name()).isEmpty();
    assertThat(network.needsPrincipal()).isFalse();
    assertThat(network.describe()).isEqualTo("client network /24 (IPv4), /56 (IPv6)");
    assertThat(network).hasToString("RequestKey[kind=CLIENT_IP, ipv4PrefixLength=24, ipv6PrefixLength=56]");
    assertThat(network).isEqualTo(RequestKey.clientNetwork(24, 56)).hasSameHashCodeAs(RequestKey.clientNetwork(24, 56))
        .isNotEqualTo(RequestKey.clientNetwork(24, 64)).isNotEqualTo(RequestKey.clientNetwork(16, 56))
        .isNotEqualTo(RequestKey.clientIp());
    assertThat(RequestKey.clientIp().ipv4PrefixLength()).isEqualTo(32);
    assertThat(RequestKey.clientIp().ipv6PrefixLength()).isEqualTo(128);
    assertThat(RequestKey.clientNetwork(32, 128)).as("every bit is the address").isEqualTo(RequestKey.clientIp())
        .hasToString(RequestKey.clientIp().toString());
    assertThat(RequestKey.clientNetwork(32, 64).describe()).isEqualTo("client network /32 (IPv4), /64 (IPv6)");
    assertThat(RequestKey.header("X-A").ipv4PrefixLength()).isEqualTo(32);
  }

  @ParameterizedTest(name = "clientNetwork({0}, {1})")
  @CsvSource({"7, 64, ipv4PrefixLength: 7 (expected: 8 to 32)", "33, 64, ipv4PrefixLength: 33 (expected: 8 to 32)",
      "0, 64, ipv4PrefixLength: 0 (expected: 8 to 32)", "-1, 64, ipv4PrefixLength: -1 (expected: 8 to 32)",
      "24, 15, ipv6PrefixLength: 15 (expected: 16 to 128)", "24, 129, ipv6PrefixLength: 129 (expected: 16 to 128)"})
  void a_client_network_prefix_outside_its_range_is_refused(int ipv4, int ipv6, String message) {
    assertThatThrownBy(() -> RequestKey.clientNetwork(ipv4, ipv6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clientNetwork: " + message);
  }

  @ParameterizedTest(name = "clientNetwork({0}, {1}) is accepted")
  @CsvSource({"8, 16", "32, 128", "24, 64"})
  void a_client_network_prefix_at_its_bounds_is_accepted(int ipv4, int ipv6) {
    assertThat(RequestKey.clientNetwork(ipv4, ipv6).ipv4PrefixLength()).isEqualTo(ipv4);
  }

  static Stream<Arguments> nonsense() {
    return Stream.of(
        Arguments.of((Runnable) () -> RequestKey.header(""), "header: '' (expected: a header name)"),
        Arguments.of((Runnable) () -> RequestKey.header("X User"), "header: 'X User' (expected: a header name)"),
        Arguments.of((Runnable) () -> RequestKey.header("X:User"), "header: 'X:User' (expected: a header name)"),
        Arguments.of((Runnable) () -> RequestKey.cookie(""), "cookie: '' (expected: a cookie name)"),
        Arguments.of((Runnable) () -> RequestKey.cookie("a=b"), "cookie: 'a=b' (expected: a cookie name)"),
        Arguments.of((Runnable) () -> RequestKey.cookie("a;b"), "cookie: 'a;b' (expected: a cookie name)"),
        Arguments.of((Runnable) () -> RequestKey.queryParameter(""), "queryParameter: '' (expected: a parameter name)"),
        Arguments.of((Runnable) () -> RequestKey.custom("", TENANT),
            "custom key: name: '' (expected: 1 to 64 of letters, digits, '.', '_', '-')"),
        Arguments.of((Runnable) () -> RequestKey.custom("a b", TENANT),
            "custom key: name: 'a b' (expected: 1 to 64 of letters, digits, '.', '_', '-')"),
        Arguments.of((Runnable) () -> RequestKey.custom("x".repeat(65), TENANT),
            "custom key: name: '" + "x".repeat(65) + "' (expected: 1 to 64 of letters, digits, '.', '_', '-')"));
  }

  @ParameterizedTest
  @MethodSource("nonsense")
  void factories_reject_nonsense_naming_the_field_and_value(Runnable factory, String message) {
    assertThatThrownBy(factory::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void nulls_are_refused_by_name() {
    assertThatThrownBy(() -> RequestKey.header(null)).hasMessage("name");
    assertThatThrownBy(() -> RequestKey.custom("tenant", null)).hasMessage("function");
    assertThatThrownBy(() -> RateLimit.keyedBy(null, 1)).hasMessage("key");
  }

  @Test
  void the_rate_limit_shortcuts_are_keyed_by_request_keys() {
    Duration second = Duration.ofSeconds(1);
    assertThat(RateLimit.perConsumer(5).per(second)).isEqualTo(RateLimit.keyedBy(RequestKey.consumer(), 5).per(second));
    assertThat(RateLimit.perClientIp(5).per(second)).as("IPv6 clients by their /64")
        .isEqualTo(RateLimit.keyedBy(RequestKey.clientNetwork(32, 64), 5).per(second))
        .isNotEqualTo(RateLimit.keyedBy(RequestKey.clientIp(), 5).per(second));
    assertThat(RateLimit.perRoute(5).per(second)).isEqualTo(RateLimit.keyedBy(RequestKey.route(), 5).per(second));
    assertThat(RateLimit.perHeader("X-Tenant", 5).per(second))
        .isEqualTo(RateLimit.keyedBy(RequestKey.header("X-Tenant"), 5).per(second));
    assertThat(RateLimit.perHeader("X-Tenant", 5).per(second).key()).isEqualTo(RequestKey.header("X-Tenant"));
    assertThatThrownBy(() -> RateLimit.perHeader("X Tenant", 5)).hasMessage("header: 'X Tenant' (expected: a header name)");
  }

  @Test
  void a_limit_names_itself_after_its_key_kind_and_prints_header_cookie_and_query_names() {
    Duration second = Duration.ofSeconds(1);
    assertThat(RateLimit.keyedBy(RequestKey.cookie("session"), 5).per(second))
        .hasToString("RateLimit[cookie: 5 per PT1S per cookie session, burst 5]");
    assertThat(RateLimit.keyedBy(RequestKey.queryParameter("user"), 5).per(second).name()).isEqualTo("query-parameter");
    assertThat(RateLimit.keyedBy(RequestKey.custom("tenant", TENANT), 5).per(second))
        .hasToString("RateLimit[custom: 5 per PT1S per custom, burst 5]");
    assertThat(RateLimit.perClientIp(5).per(second)).hasToString("RateLimit[client-ip: 5 per PT1S per client_ip, burst 5]");
  }

  @Test
  void split_rules_take_header_and_cookie_keys_only() {
    Upstream a = Upstream.of("http://a:1");
    assertThatThrownBy(() -> new TrafficSplit.Rule(RequestKey.clientIp(), "x", a))
        .hasMessage("split rule key: CLIENT_IP (expected: HEADER or COOKIE)");
    assertThat(TrafficSplit.of(a, 1).whenCookie("beta", "on", a).rules().get(0).key()).isEqualTo(RequestKey.cookie("beta"));
  }
}
