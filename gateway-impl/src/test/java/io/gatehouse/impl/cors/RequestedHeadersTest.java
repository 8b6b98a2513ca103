package io.gatehouse.impl.cors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Access-Control-Request-Headers} as browsers send it and as other clients might: field
 * lines joined, elements trimmed, empty ones ignored, names lower-cased and kept once; a non-token
 * element makes the list malformed.
 */
class RequestedHeadersTest {

  private static Arguments row(List<String> fieldLines, List<String> names) {
    return Arguments.of(fieldLines, names);
  }

  static Stream<Arguments> well_formed() {
    return Stream.of(
        row(List.of(), List.of()),
        row(List.of("content-type,x-tenant"), List.of("content-type", "x-tenant")),
        row(List.of("content-type"), List.of("content-type")),
        row(List.of(""), List.of()),
        row(List.of(" "), List.of()),
        row(List.of(","), List.of()),
        row(List.of(",,, ,\t,"), List.of()),
        row(List.of("X-Tenant, Content-Type"), List.of("x-tenant", "content-type")),
        row(List.of("  x-a ,\tx-b\t"), List.of("x-a", "x-b")),
        row(List.of("x-a,,x-b,"), List.of("x-a", "x-b")),
        row(List.of(",x-a"), List.of("x-a")),
        row(List.of("x-a,X-A,x-A"), List.of("x-a")),
        row(List.of("x-b,x-a,x-b"), List.of("x-b", "x-a")),
        row(List.of("x-a", "x-b"), List.of("x-a", "x-b")),
        row(List.of("x-a", "X-A"), List.of("x-a")),
        row(List.of("x-a", ""), List.of("x-a")),
        row(List.of("x-a, x-b", "x-c,x-a"), List.of("x-a", "x-b", "x-c")),
        row(List.of("!#$%&'*+-.^_`|~09AZaz"), List.of("!#$%&'*+-.^_`|~09azaz")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("well_formed")
  void a_list_is_read_as_rfc_9110_reads_lists(List<String> fieldLines, List<String> names) {
    assertThat(RequestedHeaders.parse(fieldLines)).hasValue(names);
  }

  static Stream<List<String>> malformed() {
    return Stream.of(
        List.of("x-a;x-b"),
        List.of("x-a x-b"),
        List.of("x-a,x b"),
        List.of("x-a:1"),
        List.of("\"x-a\""),
        List.of("x-a,(x)"),
        List.of("x-a/b"),
        List.of("x-ä"),
        List.of("x-a\u000bx"),
        List.of("x-a\u00a0"),
        List.of("x-a", "x-b;"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void an_element_that_is_not_a_token_makes_the_list_malformed(List<String> fieldLines) {
    assertThat(RequestedHeaders.parse(fieldLines)).isEmpty();
  }

  @Test
  void the_names_are_a_read_only_list() {
    List<String> names = RequestedHeaders.parse(List.of("x-a")).orElseThrow();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> names.add("x-b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
