package io.gatehouse.impl.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginHeadersTest {
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Forwarded", "X-Forwarded-For", "x-real-ip", "X-Original-URL", "True-Client-IP",
      "X-Forwarded-Anything", "x-forwarded-", "X-Envoy-Internal", "x-envoy-", "X-ENVOY-ORIGINAL-PATH"})
  void names_and_families_are_origin_headers_in_any_case(String name) {
    assertThat(OriginHeaders.isOriginHeader(name)).isTrue();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"Accept", "X-Forwarded", "X-Envoy", "Forwarded-For", "X-Forwardedfor", "A-X-Forwarded-For",
      "X-Request-Id", ""})
  void other_names_are_not(String name) {
    assertThat(OriginHeaders.isOriginHeader(name)).isFalse();
  }

  @Test
  void an_untrusted_peer_keeps_none() {
    HttpHeaders headers = HttpHeaders.of("Accept", "*/*", "X-Forwarded-For", "1.2.3.4", "X-Real-IP", "1.2.3.4",
        "forwarded", "for=x", "X-Forwarded-For", "5.6.7.8");
    HttpHeaders.Builder into = headers.toBuilder();

    assertThat(OriginHeaders.strip(headers, into, false)).isTrue();
    assertThat(into.build()).isEqualTo(HttpHeaders.of("Accept", "*/*"));
  }

  @Test
  void a_trusted_proxy_keeps_the_forwarding_headers_in_any_case() {
    HttpHeaders headers = HttpHeaders.of("X-FORWARDED-FOR", "1.2.3.4", "X-Forwarded-Proto", "https",
        "X-Forwarded-Host", "h", "X-Forwarded-Port", "443", "X-Forwarded-Prefix", "/p", "Forwarded", "for=x",
        "X-Real-IP", "1.2.3.4", "X-Forwarded-Ssl", "on");
    HttpHeaders.Builder into = headers.toBuilder();

    assertThat(OriginHeaders.strip(headers, into, true)).isTrue();
    assertThat(into.build().names()).containsExactly("X-FORWARDED-FOR", "X-Forwarded-Proto", "X-Forwarded-Host",
        "X-Forwarded-Port", "X-Forwarded-Prefix", "Forwarded");
  }

  @Test
  void strip_says_whether_it_removed_any() {
    HttpHeaders kept = HttpHeaders.of("Accept", "*/*", "X-Forwarded-For", "1.2.3.4");

    assertThat(OriginHeaders.strip(kept, kept.toBuilder(), true)).isFalse();
    assertThat(OriginHeaders.strip(HttpHeaders.of("Accept", "*/*"), HttpHeaders.builder(), false)).isFalse();
  }
}
