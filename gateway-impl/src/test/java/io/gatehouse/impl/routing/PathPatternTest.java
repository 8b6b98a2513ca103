package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PathPatternTest {

  static Stream<Arguments> validPatterns() {
    return Stream.of(
        arguments("/", List.of()),
        arguments("/**", List.of()),
        arguments("/*", List.of()),
        arguments("/a", List.of()),
        arguments("/a/", List.of()),
        arguments("/api/orders/{id}", List.of("id")),
        arguments("/{a}/{b}/x/{c}", List.of("a", "b", "c")),
        arguments("/{_x$1}/**", List.of("_x$1")),
        arguments("/{id}/", List.of("id")),
        arguments("/a/*/b/**", List.of()),
        arguments("/caf%C3%A9/a%20b", List.of()),
        arguments("/%7B/%2A", List.of()),
        arguments("/.well-known/~x/a.b/...", List.of()),
        arguments("/a:b@c!$&'()+,=", List.of()),
        arguments("/API/Orders", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validPatterns")
  void parses_a_valid_pattern(String pattern, List<String> variables) {
    PathPattern p = PathPattern.parse(pattern);
    assertThat(p.pattern()).isEqualTo(pattern);
    assertThat(p.toString()).isEqualTo(pattern);
    assertThat(p.variableNames()).isEqualTo(variables);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"                 | path: '' (expected: starting with '/')",
      "a/b                  | path: 'a/b' (expected: starting with '/')",
      "**                   | path: '**' (expected: starting with '/')",
      "/a//b                | path: '/a//b' (expected: no empty segment ('//'))",
      "//                   | path: '//' (expected: no empty segment ('//'))",
      "//a                  | path: '//a' (expected: no empty segment ('//'))",
      "/a/**/b              | path: '/a/**/b' (expected: '**' only as the last segment)",
      "/**/                 | path: '/**/' (expected: '**' only as the last segment)",
      "/a/***               | path: '/a/***' (expected: '*' and '**' only as a whole segment)",
      "/a*b                 | path: '/a*b' (expected: '*' and '**' only as a whole segment)",
      "/a/b*                | path: '/a/b*' (expected: '*' and '**' only as a whole segment)",
      "/a/**x               | path: '/a/**x' (expected: '*' and '**' only as a whole segment)",
      "/files/{name}.json   | path: '/files/{name}.json' (expected: '{' and '}' only around a whole segment, as in '/files/{name}')",
      "/files/x{name}       | path: '/files/x{name}' (expected: '{' and '}' only around a whole segment",
      "/files/{name         | path: '/files/{name' (expected: '{' and '}' only around a whole segment",
      "/files/name}         | path: '/files/name}' (expected: '{' and '}' only around a whole segment",
      "/{a}{b}              | path: '/{a}{b}' (expected: a variable name that is a Java identifier, but was 'a}{b')",
      "/{}                  | path: '/{}' (expected: a variable name that is a Java identifier, but was '')",
      "/{1x}                | path: '/{1x}' (expected: a variable name that is a Java identifier, but was '1x')",
      "/{a-b}               | path: '/{a-b}' (expected: a variable name that is a Java identifier, but was 'a-b')",
      "/{ id }              | path: '/{ id }' (expected: a variable name that is a Java identifier, but was ' id ')",
      "/{id}/x/{id}         | path: '/{id}/x/{id}' (expected: distinct variable names, but 'id' repeats)",
      "/a/../b              | path: '/a/../b' (expected: no '.' or '..' segment)",
      "/a/./b               | path: '/a/./b' (expected: no '.' or '..' segment)",
      "/a/..                | path: '/a/..' (expected: no '.' or '..' segment)",
      "/a;b                 | path: '/a;b' (expected: segments a request path may have, but path parameter ';' in path)",
      "/%2F                 | path: '/%2F' (expected: segments a request path may have, but encoded '/' (%2F) in path)",
      "/%5c                 | path: '/%5c' (expected: segments a request path may have, but encoded '\\' (%5C) in path)",
      "/%zz                 | path: '/%zz' (expected: segments a request path may have, but invalid percent-encoding)",
      "/a b                 | path: '/a b' (expected: segments a request path may have, but character U+0020 not allowed in path)",
      "/a?x=1               | path: '/a?x=1' (expected: segments a request path may have, but character '?' not allowed in path)",
      "/%61dmin             | path: '/%61dmin' (expected: segments in normal form, 'admin' instead of '%61dmin')",
      "/%2e%2e/x            | path: '/%2e%2e/x' (expected: no '.' or '..' segment)",
      "/a/%2e               | path: '/a/%2e' (expected: no '.' or '..' segment)",
      "/a/.%2E/b            | path: '/a/.%2E/b' (expected: no '.' or '..' segment)",
      "/a/%2e.txt           | path: '/a/%2e.txt' (expected: segments in normal form, '..txt' instead of '%2e.txt')",
      "/caf%c3%a9           | path: '/caf%c3%a9' (expected: segments in normal form, 'caf%C3%A9' instead of 'caf%c3%a9')",
  })
  void rejects_an_invalid_pattern_naming_it(String pattern, String message) {
    assertThatThrownBy(() -> PathPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rejects_a_pattern_longer_than_8192_characters() {
    String pattern = "/" + "a".repeat(8192);
    assertThatThrownBy(() -> PathPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(expected: at most 8192 characters)");
  }

  @Test
  void equal_when_the_text_is_equal() {
    assertThat(PathPattern.parse("/a/{id}")).isEqualTo(PathPattern.parse("/a/{id}"))
        .hasSameHashCodeAs(PathPattern.parse("/a/{id}"))
        .isNotEqualTo(PathPattern.parse("/a/{x}"));
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "/**          | /                | true",
      "/**          | /a/b/c/          | true",
      "/**          | /**              | true",
      "/**          | /{x}/**          | true",
      "/api/**      | /api/{id}/x      | true",
      "/api/**      | /api/**          | true",
      "/api/**      | /api             | true",
      "/api/**      | /api/            | true",
      "/api/**      | /api/*/**        | true",
      "/api/**      | /**              | false",
      "/api/**      | /apix            | false",
      "/api/**      | /                | false",
      "/api/x/**    | /api/**          | false",
      "/api/x/**    | /api             | false",
      "/api/*/**    | /api/x           | true",
      "/api/*/**    | /api             | false",
      "/api/*/**    | /api/            | false",
      "/*/**        | /                | false",
      "/*/**        | /a               | true",
      "/a/*         | /a/{id}          | true",
      "/a/*         | /a/b             | true",
      "/a/*         | /a/*             | true",
      "/a/*         | /a/              | false",
      "/a/*         | /a/**            | false",
      "/a/*         | /a/b/c           | false",
      "/a/*         | /a               | false",
      "/a/{x}       | /a/*             | true",
      "/a/{x}       | /a/{y}           | true",
      "/a/b         | /a/*             | false",
      "/a/b         | /a/b             | true",
      "/a/b         | /a/b/            | false",
      "/a/b/        | /a/b             | false",
      "/a/b/        | /a/b/            | true",
      "/a/b         | /A/b             | false",
      "/            | /                | true",
      "/            | /*               | false",
      "/*           | /                | false",
      "/{x}/{y}     | /a/b             | true",
      "/{x}/b       | /a/{y}           | false",
      "/a/**        | /a/b/**          | true",
      "/a/b/**      | /a/**            | false",
      "/a           | /a/**            | false",
      "/a/**        | /b/**            | false",
  })
  void covers_exactly_the_patterns_it_shadows(String a, String b, boolean expected) {
    assertThat(PathPattern.parse(a).covers(PathPattern.parse(b))).isEqualTo(expected);
  }

  private static final List<String> POOL = List.of("/", "/**", "/*", "/*/", "/a", "/a/", "/b",
      "/a/b", "/a/b/", "/a/*", "/a/{x}", "/a/*/", "/a/**", "/a/b/**", "/a/*/**", "/*/b", "/*/*",
      "/*/**", "/{x}/{y}/**", "/a/b/c", "/*/b/*", "/a/*/c", "/b/**");

  private static final List<String> TAILS = List.of("", "/", "/zz", "/zz/", "/zz/zz", "/zz/zz/zz/zz");

  /** Paths that {@code pattern} matches, enough to tell it from any pattern that does not cover it. */
  private static List<String> witnesses(String pattern) {
    String[] tokens = pattern.substring(1).split("/", -1);
    boolean rest = tokens[tokens.length - 1].equals("**");
    StringBuilder base = new StringBuilder();
    for (int i = 0; i < (rest ? tokens.length - 1 : tokens.length); i++) {
      String t = tokens[i];
      base.append('/').append(t.equals("*") || t.startsWith("{") ? "zz" : t);
    }
    List<String> paths = new ArrayList<>();
    if (!rest) {
      paths.add(base.toString());
    } else {
      for (String tail : TAILS) {
        String path = base + tail;
        paths.add(path.isEmpty() ? "/" : path);
      }
    }
    return paths;
  }

  @Test
  void covers_agrees_with_matching_on_every_pair_of_a_pool() {
    for (String a : POOL) {
      for (String b : POOL) {
        List<String> paths = witnesses(b);
        assertThat(paths).allSatisfy(p -> assertThat(ReferenceMatcher.matches(b, p)).as(b + " ~ " + p).isTrue());
        boolean allMatched = paths.stream().allMatch(p -> ReferenceMatcher.matches(a, p));
        assertThat(PathPattern.parse(a).covers(PathPattern.parse(b)))
            .as("%s covers %s (witnesses %s)", a, b, paths)
            .isEqualTo(allMatched);
      }
    }
  }
}
