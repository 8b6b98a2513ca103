package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.route.RouteSpec;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The security headers value: its defaults, each setter's copy, and the values refused at once. */
class SecurityHeadersTest {

  @Test
  void the_defaults_are_hsts_for_a_year_nosniff_no_referrer_deny_framing_and_no_banners() {
    SecurityHeaders d = SecurityHeaders.defaults();

    assertThat(d.hsts()).contains("max-age=31536000; includeSubDomains");
    assertThat(d.contentTypeOptions()).isTrue();
    assertThat(d.referrerPolicy()).contains("no-referrer");
    assertThat(d.frameOptions()).contains(SecurityHeaders.FrameOptions.DENY);
    assertThat(d.removedHeaders()).containsExactly("Server", "X-Powered-By");
    assertThat(d.isNone()).isFalse();
    assertThat(d).hasToString("SecurityHeaders[hsts=max-age=31536000; includeSubDomains, contentTypeOptions=true, "
        + "referrerPolicy=no-referrer, frameOptions=DENY, removedHeaders=[Server, X-Powered-By]]");
  }

  @Test
  void none_changes_nothing_and_removing_everything_from_the_defaults_is_none() {
    SecurityHeaders none = SecurityHeaders.none();

    assertThat(none.hsts()).isEmpty();
    assertThat(none.contentTypeOptions()).isFalse();
    assertThat(none.referrerPolicy()).isEmpty();
    assertThat(none.frameOptions()).isEmpty();
    assertThat(none.removedHeaders()).isEmpty();
    assertThat(none.isNone()).isTrue();
    SecurityHeaders stripped = SecurityHeaders.defaults().withoutHsts().withoutContentTypeOptions()
        .withoutReferrerPolicy().withoutFrameOptions().keepServerHeader().keepPoweredByHeader();
    assertThat(stripped).isEqualTo(none).hasSameHashCodeAs(none);
    assertThat(stripped.isNone()).isTrue();
  }

  @Test
  void every_setter_returns_a_changed_copy_and_leaves_the_original_alone() {
    SecurityHeaders d = SecurityHeaders.defaults();

    assertThat(d.hsts(Duration.ofDays(730), true, true).hsts()).contains("max-age=63072000; includeSubDomains; preload");
    assertThat(d.hsts(Duration.ofSeconds(300), false, false).hsts()).contains("max-age=300");
    assertThat(d.hsts(Duration.ZERO, false, false).hsts()).as("zero tells browsers to forget").contains("max-age=0");
    assertThat(d.withoutHsts().hsts()).isEmpty();
    assertThat(d.withoutContentTypeOptions().contentTypeOptions()).isFalse();
    assertThat(d.referrerPolicy("same-origin").referrerPolicy()).contains("same-origin");
    assertThat(d.withoutReferrerPolicy().referrerPolicy()).isEmpty();
    assertThat(d.frameOptions(SecurityHeaders.FrameOptions.SAMEORIGIN).frameOptions())
        .contains(SecurityHeaders.FrameOptions.SAMEORIGIN);
    assertThat(d.withoutFrameOptions().frameOptions()).isEmpty();
    assertThat(d.keepServerHeader().removedHeaders()).containsExactly("X-Powered-By");
    assertThat(d.keepPoweredByHeader().removedHeaders()).containsExactly("Server");
    assertThat(SecurityHeaders.none().frameOptions(SecurityHeaders.FrameOptions.DENY).frameOptions())
        .contains(SecurityHeaders.FrameOptions.DENY);
    assertThat(d).isEqualTo(SecurityHeaders.defaults());
    assertThat(d.referrerPolicy("no-referrer")).isEqualTo(d);
    assertThat(d.keepServerHeader()).isNotEqualTo(d);
  }

  @Test
  void the_frame_options_say_the_same_in_both_headers() {
    assertThat(SecurityHeaders.FrameOptions.DENY.headerValue()).isEqualTo("DENY");
    assertThat(SecurityHeaders.FrameOptions.DENY.contentSecurityPolicy()).isEqualTo("frame-ancestors 'none'");
    assertThat(SecurityHeaders.FrameOptions.SAMEORIGIN.headerValue()).isEqualTo("SAMEORIGIN");
    assertThat(SecurityHeaders.FrameOptions.SAMEORIGIN.contentSecurityPolicy()).isEqualTo("frame-ancestors 'self'");
  }

  @ParameterizedTest(name = "max-age {0}, includeSubDomains {1}, preload {2}")
  @CsvSource(delimiter = '|', value = {
      "PT-1S         | false | false | securityHeaders.hsts.maxAge: PT-1S (expected: >= 0)",
      "PT0.5S        | false | false | securityHeaders.hsts.maxAge: PT0.5S (expected: whole seconds)",
      "PT8760H0.001S | true  | true  | securityHeaders.hsts.maxAge: PT8760H0.001S (expected: whole seconds)",
      "PT8759H59M59S | true  | true  | securityHeaders.hsts.preload: max-age=31535999; includeSubDomains (expected: max-age >= 31536000 and includeSubDomains, as the browsers' preload lists require)",
      "PT8760H       | false | true  | securityHeaders.hsts.preload: max-age=31536000 (expected: max-age >= 31536000 and includeSubDomains, as the browsers' preload lists require)",
      "PT0S          | true  | true  | securityHeaders.hsts.preload: max-age=0; includeSubDomains (expected: max-age >= 31536000 and includeSubDomains, as the browsers' preload lists require)"})
  void hsts_refuses_a_negative_or_fractional_max_age_and_a_preload_the_lists_would_refuse(Duration maxAge,
      boolean includeSubDomains, boolean preload, String message) {
    assertThatThrownBy(() -> SecurityHeaders.defaults().hsts(maxAge, includeSubDomains, preload))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void hsts_preload_with_exactly_a_year_and_subdomains_is_taken() {
    assertThat(SecurityHeaders.none().hsts(Duration.ofDays(365), true, true).hsts())
        .contains("max-age=31536000; includeSubDomains; preload");
    assertThatThrownBy(() -> SecurityHeaders.none().hsts(null, true, false)).isInstanceOf(NullPointerException.class)
        .hasMessage("securityHeaders.hsts.maxAge");
  }

  @ParameterizedTest(name = "''{0}'' -> {1}")
  @CsvSource(delimiter = '|', value = {
      "no-referrer                                     | no-referrer",
      "no-referrer-when-downgrade                      | no-referrer-when-downgrade",
      "same-origin                                     | same-origin",
      "origin                                          | origin",
      "strict-origin                                   | strict-origin",
      "origin-when-cross-origin                        | origin-when-cross-origin",
      "strict-origin-when-cross-origin                 | strict-origin-when-cross-origin",
      "unsafe-url                                      | unsafe-url",
      "'no-referrer,strict-origin-when-cross-origin'   | no-referrer, strict-origin-when-cross-origin",
      "'no-referrer , \tsame-origin'                   | no-referrer, same-origin",
      "' origin\t'                                     | origin"})
  void a_referrer_policy_is_one_or_more_w3c_tokens(String policy, String value) {
    assertThat(SecurityHeaders.defaults().referrerPolicy(policy).referrerPolicy()).contains(value);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", " ", "No-Referrer", "NO-REFERRER", "no_referrer", "noreferrer", "no-referrer;",
      "no-referrer,", ",no-referrer", "no-referrer,,origin", "no-referrer origin", "no-referrer\r\nSet-Cookie: a=b",
      "no-referrer\n", "\u000bno-referrer", "no-referrer\u00a0", "\u3000no-referrer", "strict-origin-when-cross-origin-x",
      "*"})
  void a_referrer_policy_that_is_not_w3c_tokens_is_refused_at_once(String policy) {
    assertThatThrownBy(() -> SecurityHeaders.defaults().referrerPolicy(policy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("securityHeaders.referrerPolicy: '" + policy + "' (expected: one or more of no-referrer, "
            + "no-referrer-when-downgrade, same-origin, origin, strict-origin, origin-when-cross-origin, "
            + "strict-origin-when-cross-origin, unsafe-url, separated by commas)");
  }

  @Test
  void null_arguments_are_refused_with_their_name() {
    assertThatThrownBy(() -> SecurityHeaders.defaults().referrerPolicy(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("policy");
    assertThatThrownBy(() -> SecurityHeaders.defaults().frameOptions(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("options");
    assertThatThrownBy(() -> Gateway.builder().securityHeaders(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("headers");
    assertThatThrownBy(() -> RouteSpec.builder("r").securityHeaders(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("headers");
  }

  @Test
  void the_gateway_and_route_values_survive_to_builder() {
    SecurityHeaders framed = SecurityHeaders.defaults().frameOptions(SecurityHeaders.FrameOptions.SAMEORIGIN);
    Gateway.Builder builder = Gateway.builder().securityHeaders(SecurityHeaders.defaults())
        .route("r", r -> r.path("/r").securityHeaders(framed).respond(200, "text/plain", "ok"));

    assertThat(builder.spec().ingress().securityHeaders()).isEqualTo(SecurityHeaders.defaults());
    assertThat(builder.spec().routes().get(0).rewrite().securityHeaders()).contains(framed);
    assertThat(builder.spec().toBuilder().spec()).isEqualTo(builder.spec());
    assertThat(builder.spec().routes().get(0).toBuilder().build()).isEqualTo(builder.spec().routes().get(0));
    assertThat(Gateway.builder().spec().ingress().securityHeaders()).isEqualTo(SecurityHeaders.none());
    assertThat(RouteSpec.builder("r").build().rewrite().securityHeaders()).isEqualTo(Optional.empty());
    assertThat(builder.spec().routes().get(0).rewrite().toString()).endsWith("securityHeaders=" + framed + "]");
    assertThat(builder.spec().ingress().toString()).contains(", securityHeaders=SecurityHeaders[hsts=max-age=31536000;");
  }
}
