package io.gatehouse.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Cors} is an immutable value: setters return changed copies, equality is by value, none() takes no settings. */
class CorsValueTest {
  private static Cors everything() {
    return Cors.allowOrigins("https://app.example.com", "https://*.example.com").allowMethods("PUT", "DELETE")
        .allowHeaders("Content-Type", "X-Tenant").exposeHeaders("X-Request-Id").allowCredentials(true)
        .maxAge(Duration.ofMinutes(10));
  }

  @Test
  void every_setting_is_read_back_as_given() {
    Cors cors = everything();

    assertThat(cors.enabled()).isTrue();
    assertThat(cors.origins()).containsExactly("https://app.example.com", "https://*.example.com");
    assertThat(cors.allowsAnyOrigin()).isFalse();
    assertThat(cors.methods()).containsExactly("PUT", "DELETE");
    assertThat(cors.headers()).containsExactly("Content-Type", "X-Tenant");
    assertThat(cors.allowsAnyHeader()).isFalse();
    assertThat(cors.exposedHeaders()).containsExactly("X-Request-Id");
    assertThat(cors.allowsCredentials()).isTrue();
    assertThat(cors.maxAge()).hasValue(Duration.ofMinutes(10));
  }

  @Test
  void the_presets_have_the_documented_defaults() {
    Cors listed = Cors.allowOrigins("https://app.example.com");
    Cors any = Cors.allowAnyOrigin();
    Cors none = Cors.none();

    assertThat(listed.enabled()).isTrue();
    assertThat(listed.methods()).isEmpty();
    assertThat(listed.headers()).isEmpty();
    assertThat(listed.allowsAnyHeader()).isFalse();
    assertThat(listed.exposedHeaders()).isEmpty();
    assertThat(listed.allowsCredentials()).isFalse();
    assertThat(listed.maxAge()).isEmpty();
    assertThat(any.enabled()).isTrue();
    assertThat(any.allowsAnyOrigin()).isTrue();
    assertThat(any.origins()).isEmpty();
    assertThat(none.enabled()).isFalse();
    assertThat(none.origins()).isEmpty();
    assertThat(none.allowsAnyOrigin()).isFalse();
    assertThat(none).isSameAs(Cors.none()).hasToString("Cors.none()");
  }

  @Test
  void allow_any_header_replaces_the_listed_headers_and_listing_replaces_any() {
    Cors any = Cors.allowAnyOrigin().allowHeaders("X-A").allowAnyHeader();
    Cors listed = any.allowHeaders("X-B");

    assertThat(any.allowsAnyHeader()).isTrue();
    assertThat(any.headers()).isEmpty();
    assertThat(listed.allowsAnyHeader()).isFalse();
    assertThat(listed.headers()).containsExactly("X-B");
  }

  @Test
  void a_setter_replaces_what_was_set_before_and_leaves_the_original_alone() {
    Cors first = Cors.allowAnyOrigin().allowMethods("PUT");
    Cors second = first.allowMethods("DELETE");

    assertThat(first.methods()).containsExactly("PUT");
    assertThat(second.methods()).containsExactly("DELETE");
  }

  @Test
  void the_lists_are_read_only_and_do_not_follow_the_callers_array() {
    String[] origins = {"https://a.example.com"};
    Cors cors = Cors.allowOrigins(origins);
    origins[0] = "https://evil.example";

    assertThat(cors.origins()).containsExactly("https://a.example.com");
    assertThatThrownBy(() -> cors.origins().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> everything().methods().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> everything().headers().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> everything().exposedHeaders().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void equal_settings_make_equal_values_with_the_same_hash_and_text() {
    assertThat(everything()).isEqualTo(everything()).hasSameHashCodeAs(everything())
        .hasToString(everything().toString()).isNotEqualTo(null).isNotEqualTo("cors");
    assertThat(everything().toString()).isEqualTo("Cors[origins=[https://app.example.com, https://*.example.com],"
        + " methods=[PUT, DELETE], headers=[Content-Type, X-Tenant], exposedHeaders=[X-Request-Id], credentials=true,"
        + " maxAge=PT10M]");
    assertThat(Cors.allowAnyOrigin().allowAnyHeader().toString()).isEqualTo("Cors[origins=any, methods=route's,"
        + " headers=any, exposedHeaders=[], credentials=false, maxAge=none]");
  }

  static Stream<Arguments> one_setting_changed() {
    return Stream.of(
        Arguments.of("origins", (UnaryOperator<Cors>) c -> Cors.allowOrigins("https://other.example.com")
            .allowMethods("PUT", "DELETE").allowHeaders("Content-Type", "X-Tenant").exposeHeaders("X-Request-Id")
            .allowCredentials(true).maxAge(Duration.ofMinutes(10))),
        Arguments.of("any origin", (UnaryOperator<Cors>) c -> Cors.allowAnyOrigin()
            .allowMethods("PUT", "DELETE").allowHeaders("Content-Type", "X-Tenant").exposeHeaders("X-Request-Id")
            .allowCredentials(true).maxAge(Duration.ofMinutes(10))),
        Arguments.of("none", (UnaryOperator<Cors>) c -> Cors.none()),
        Arguments.of("methods", (UnaryOperator<Cors>) c -> c.allowMethods("PUT")),
        Arguments.of("headers", (UnaryOperator<Cors>) c -> c.allowHeaders("Content-Type")),
        Arguments.of("any header", (UnaryOperator<Cors>) c -> c.allowAnyHeader()),
        Arguments.of("exposed", (UnaryOperator<Cors>) c -> c.exposeHeaders("X-Other")),
        Arguments.of("credentials", (UnaryOperator<Cors>) c -> c.allowCredentials(false)),
        Arguments.of("max age", (UnaryOperator<Cors>) c -> c.maxAge(Duration.ofMinutes(11))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("one_setting_changed")
  void values_differing_in_one_setting_are_not_equal(String setting, UnaryOperator<Cors> change) {
    Cors changed = change.apply(everything());

    assertThat(changed).isNotEqualTo(everything());
    assertThat(changed.hashCode()).isNotEqualTo(everything().hashCode());
    assertThat(changed.toString()).isNotEqualTo(everything().toString());
  }

  @Test
  void a_negative_max_age_is_refused_at_once() {
    assertThatThrownBy(() -> Cors.allowAnyOrigin().maxAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("cors: maxAge: PT-1S (expected: >= 0)");
    assertThat(Cors.allowAnyOrigin().maxAge(Duration.ZERO).maxAge()).hasValue(Duration.ZERO);
  }

  @Test
  void nulls_are_refused_at_once_naming_what_is_null() {
    assertThatThrownBy(() -> Cors.allowOrigins((String[]) null)).isInstanceOf(NullPointerException.class).hasMessage("origins");
    assertThatThrownBy(() -> Cors.allowOrigins("https://a.example.com", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("origin");
    assertThatThrownBy(() -> Cors.allowAnyOrigin().allowMethods((String) null)).hasMessage("method");
    assertThatThrownBy(() -> Cors.allowAnyOrigin().allowHeaders((String) null)).hasMessage("header");
    assertThatThrownBy(() -> Cors.allowAnyOrigin().exposeHeaders((String) null)).hasMessage("header");
    assertThatThrownBy(() -> Cors.allowAnyOrigin().maxAge(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("cors: maxAge");
  }

  static Stream<Arguments> settings() {
    return Stream.of(
        Arguments.of("allowMethods", (UnaryOperator<Cors>) c -> c.allowMethods("PUT")),
        Arguments.of("allowHeaders", (UnaryOperator<Cors>) c -> c.allowHeaders("X-A")),
        Arguments.of("allowAnyHeader", (UnaryOperator<Cors>) Cors::allowAnyHeader),
        Arguments.of("exposeHeaders", (UnaryOperator<Cors>) c -> c.exposeHeaders("X-A")),
        Arguments.of("allowCredentials", (UnaryOperator<Cors>) c -> c.allowCredentials(true)),
        Arguments.of("maxAge", (UnaryOperator<Cors>) c -> c.maxAge(Duration.ofSeconds(5))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void none_takes_no_settings(String setting, UnaryOperator<Cors> change) {
    assertThatThrownBy(() -> change.apply(Cors.none())).isInstanceOf(IllegalStateException.class)
        .hasMessage("cors: " + setting + " on Cors.none() (expected: a policy made by Cors.allowOrigins(...) or"
            + " Cors.allowAnyOrigin())");
  }

  @Test
  void origins_are_kept_as_written_for_build_to_check() {
    assertThat(Cors.allowOrigins("HTTPS://App.Example.com/", "*", "null").origins())
        .isEqualTo(List.of("HTTPS://App.Example.com/", "*", "null"));
  }
}
