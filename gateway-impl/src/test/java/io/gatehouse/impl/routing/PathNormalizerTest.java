package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

  static Stream<Arguments> securityCases() {
    return Stream.of(
        arguments("/public/../admin", "/admin"),
        arguments("/%61dmin", "/admin"),
        arguments("//admin", "/admin"),
        arguments("/ADMIN", "/ADMIN"),
        arguments("/a/%2e%2e/admin", "/admin"),
        arguments("/caf%c3%a9", "/caf%C3%A9"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("securityCases")
  void closes_known_routing_bypasses(String raw, String expected) {
    assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
  }

  static Stream<Arguments> securityRejections() {
    return Stream.of(
        arguments("/admin;x=y", "path parameter ';' in path"),
        arguments("/%2e%2e/admin", "'..' above the root"),
        arguments("/%2Fadmin", "encoded '/' (%2F) in path"),
        arguments("/%5cadmin", "encoded '\\' (%5C) in path"),
        arguments("/%00", "encoded NUL (%00) in path"),
        arguments("/%zz", "invalid percent-encoding"),
        arguments("/%4", "invalid percent-encoding"),
        arguments("/%", "invalid percent-encoding"),
        arguments("/a\\b", "backslash '\\' in path"),
        arguments("/a b", "character U+0020 not allowed in path"),
        // an upstream that decodes %3B before it strips path parameters reads these as
        // /public/../admin and /admin
        arguments("/public/..%3B/admin", "encoded ';' (%3B) in path"),
        arguments("/public/..%3b/admin", "encoded ';' (%3B) in path"),
        arguments("/admin%3Bx/users", "encoded ';' (%3B) in path"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("securityRejections")
  void refuses_known_routing_bypasses(String raw, String reason) {
    assertThatThrownBy(() -> PathNormalizer.normalize(raw))
        .isInstanceOf(InvalidPathException.class)
        .satisfies(e -> assertThat(((InvalidPathException) e).reason()).isEqualTo(reason));
  }

  static Stream<Arguments> normalizations() {
    return Stream.of(
        // repeated slashes
        arguments("//", "/"),
        arguments("///", "/"),
        arguments("/a///b", "/a/b"),
        arguments("/a//", "/a/"),
        arguments("//a//b//", "/a/b/"),
        // dot segments
        arguments("/.", "/"),
        arguments("/./", "/"),
        arguments("/a/./b", "/a/b"),
        arguments("/a/b/../c", "/a/c"),
        arguments("/a/b/..", "/a/"),
        arguments("/a/b/.", "/a/b/"),
        arguments("/a/..", "/"),
        arguments("/a/../", "/"),
        arguments("/a/b/../../c", "/c"),
        arguments("/a/./../b", "/b"),
        arguments("/a//../b", "/b"),
        arguments("/a/.b/..c/...", "/a/.b/..c/..."),
        arguments("/%2e/a", "/a"),
        arguments("/a/%2E%2e/b", "/b"),
        arguments("/a/.%2e/b", "/b"),
        arguments("/a/%2e./b", "/b"),
        // percent-encoding
        arguments("/%7euser", "/~user"),
        arguments("/%41%5A%30%2D%5F", "/AZ0-_"),
        arguments("/a%20b", "/a%20b"),
        arguments("/%c3%a9", "/%C3%A9"),
        arguments("/%C3%A9", "/%C3%A9"),
        arguments("/%25", "/%25"),
        arguments("/%252e%252e", "/%252e%252e"),
        arguments("/%3f%23", "/%3F%23"),
        arguments("/%ff", "/%FF"),
        // the first byte past ASCII: kept encoded, never looked up as an unreserved character
        arguments("/%80", "/%80"),
        // kept as is
        arguments("/a/", "/a/"),
        arguments("/A/b", "/A/b"),
        arguments("/a:b@c!$&'()*+,=~", "/a:b@c!$&'()*+,=~"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("normalizations")
  void normalizes(String raw, String expected) {
    assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/api/orders/7", "/a/", "/a/b/c/", "/caf%C3%A9", "/%20", "/a.b/.c/c./...",
      "/x-y_z~/!$&'()*+,=:@"})
  void returns_the_same_instance_when_already_normal(String raw) {
    assertThat(PathNormalizer.normalize(raw)).isSameAs(raw);
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        arguments("", "path does not start with '/'"),
        arguments("a/b", "path does not start with '/'"),
        arguments("*", "path does not start with '/'"),
        arguments("http://h/a", "path does not start with '/'"),
        arguments("/..", "'..' above the root"),
        arguments("/../a", "'..' above the root"),
        arguments("/a/../..", "'..' above the root"),
        arguments("/a/../../b", "'..' above the root"),
        arguments("//..", "'..' above the root"),
        arguments("/%2E%2E", "'..' above the root"),
        arguments("/a;", "path parameter ';' in path"),
        arguments("/a;jsessionid=1/b", "path parameter ';' in path"),
        arguments("/a%2fb", "encoded '/' (%2F) in path"),
        arguments("/a%2Fb", "encoded '/' (%2F) in path"),
        arguments("/a%5Cb", "encoded '\\' (%5C) in path"),
        arguments("/a%3bb", "encoded ';' (%3B) in path"),
        arguments("/a%3Bb", "encoded ';' (%3B) in path"),
        arguments("/%3b", "encoded ';' (%3B) in path"),
        arguments("/%3B/a", "encoded ';' (%3B) in path"),
        arguments("/a/b%3B", "encoded ';' (%3B) in path"),
        arguments("/a/%3b../b", "encoded ';' (%3B) in path"),
        arguments("/a?b%3B", "character '?' not allowed in path"),
        arguments("/a%2F%3B", "encoded '/' (%2F) in path"),
        arguments("/a%3B%2F", "encoded ';' (%3B) in path"),
        arguments("/a%3B%zz", "encoded ';' (%3B) in path"),
        arguments("/a%3;", "invalid percent-encoding"),
        arguments("/a%01", "encoded control character (%01) in path"),
        arguments("/a%0a", "encoded control character (%0A) in path"),
        arguments("/a%1F", "encoded control character (%1F) in path"),
        arguments("/a%7f", "encoded control character (%7F) in path"),
        arguments("/%%41", "invalid percent-encoding"),
        arguments("/%4g", "invalid percent-encoding"),
        arguments("/%g4", "invalid percent-encoding"),
        arguments("/a%", "invalid percent-encoding"),
        arguments("/a?b", "character '?' not allowed in path"),
        arguments("/a#b", "character '#' not allowed in path"),
        arguments("/a\"b", "character '\"' not allowed in path"),
        arguments("/a<b", "character '<' not allowed in path"),
        arguments("/a>b", "character '>' not allowed in path"),
        arguments("/a^b", "character '^' not allowed in path"),
        arguments("/a`b", "character '`' not allowed in path"),
        arguments("/a{b", "character '{' not allowed in path"),
        arguments("/a|b", "character '|' not allowed in path"),
        arguments("/a}b", "character '}' not allowed in path"),
        arguments("/a[b", "character '[' not allowed in path"),
        arguments("/a]b", "character ']' not allowed in path"),
        arguments("/a\tb", "character U+0009 not allowed in path"),
        arguments("/a\nb", "character U+000A not allowed in path"),
        arguments("/a\u0000b", "character U+0000 not allowed in path"),
        arguments("/a\u007Fb", "character U+007F not allowed in path"),
        arguments("/caf\u00e9", "character U+00E9 not allowed in path"),
        arguments("/a\u0080b", "character U+0080 not allowed in path"),
        arguments("/\u212Aelvin", "character U+212A not allowed in path"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("rejections")
  void rejects(String raw, String reason) {
    assertThatThrownBy(() -> PathNormalizer.normalize(raw))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(((InvalidPathException) e).reason()).isEqualTo(reason));
  }

  /**
   * A dot segment, in every spelling, followed by an encoded {@code ;}: {@code .} or {@code ..}
   * spelt plain, encoded, half encoded, in either case; then {@code %3B} or {@code %3b}, once or
   * twice, with or without a parameter after it; the segment first, in the middle, last, and last
   * with a trailing slash. Every one is refused before anything is forwarded: an upstream that
   * decodes {@code %3B} and then strips path parameters would read the segment as a dot segment.
   */
  static Stream<Arguments> dotSegmentsWithAnEncodedSemicolon() {
    String[] dots = {".", "..", "%2e", "%2E", "%2e%2e", "%2E%2E", "%2e%2E", "%2e.", "%2E.", ".%2e", ".%2E"};
    String[] semicolons = {"%3b", "%3B", "%3b%3b", "%3B%3b", "%3b%3B"};
    String[] tails = {"", "x", "x=1", "jsessionid=1", "%2e%2e", ".."};
    String[] positions = {"/%s/b", "/a/%s/b", "/a/b/%s", "/a/%s/", "/%s"};
    List<Arguments> cases = new ArrayList<>();
    for (String dot : dots) {
      for (String semicolon : semicolons) {
        for (String tail : tails) {
          for (String position : positions) {
            cases.add(arguments(String.format(position, dot + semicolon + tail)));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dotSegmentsWithAnEncodedSemicolon")
  void rejects_a_dot_segment_followed_by_an_encoded_semicolon(String raw) {
    assertThat(catchInvalid(raw).reason()).isEqualTo("encoded ';' (%3B) in path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a%3bb", "/a%3Bb", "/%3b", "/%3B", "/a/%3b", "/admin%3B/x", "/a%3B%3B/b",
      "/%3b%2e%2e/b", "/a/b%3bc/d", "/%61%3B", "/caf%C3%A9%3B"})
  void rejects_an_encoded_semicolon_anywhere_in_the_path(String raw) {
    assertThatThrownBy(() -> PathNormalizer.normalize(raw))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining("(encoded ';' (%3B) in path)")
        .satisfies(e -> assertThat(((InvalidPathException) e).reason()).isEqualTo("encoded ';' (%3B) in path"));
  }

  @Test
  void an_encoded_semicolon_is_refused_by_the_first_offending_character() {
    assertThat(catchInvalid("/a;%3B").reason()).isEqualTo("path parameter ';' in path");
    assertThat(catchInvalid("/a%3B;").reason()).isEqualTo("encoded ';' (%3B) in path");
    assertThat(catchInvalid("/..%3B").reason()).isEqualTo("encoded ';' (%3B) in path");
    assertThat(catchInvalid("/a/..%3B/../..").reason()).isEqualTo("encoded ';' (%3B) in path");
  }

  @Test
  void a_semicolon_encoded_twice_stays_encoded_and_is_not_a_path_parameter() {
    // %253B decodes once to the text %3B, never to ';': the upstream decodes once too.
    assertThat(PathNormalizer.normalize("/a/..%253B/b")).isEqualTo("/a/..%253B/b");
  }

  @Test
  void accepts_a_path_of_8192_characters() {
    String path = "/" + "a".repeat(PathNormalizer.MAX_LENGTH - 1);
    assertThat(PathNormalizer.normalize(path)).isSameAs(path);
  }

  @Test
  void rejects_a_path_longer_than_8192_characters() {
    String path = "/" + "a".repeat(PathNormalizer.MAX_LENGTH);
    assertThatThrownBy(() -> PathNormalizer.normalize(path))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining("path longer than 8192 characters");
  }

  @Test
  void rejection_has_no_stack_trace() {
    InvalidPathException e = catchInvalid("/%2F");
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e.getCause()).isNull();
  }

  @Test
  void rejection_message_names_the_path_with_control_characters_escaped() {
    InvalidPathException e = catchInvalid("/a\r\nX-Forged: 1");
    assertThat(e.getMessage())
        .isEqualTo("path: '/a\\u000D\\u000AX-Forged: 1' (character U+000D not allowed in path)")
        .doesNotContain("\r", "\n");
  }

  @Test
  void rejection_message_cuts_a_long_path() {
    InvalidPathException e = catchInvalid("/" + "a".repeat(500) + ";");
    assertThat(e.getMessage()).hasSizeLessThan(200).contains("...' (path parameter ';' in path)");
  }

  @Test
  void reason_never_quotes_the_path() {
    InvalidPathException e = catchInvalid("/secret-token/%zz");
    assertThat(e.reason()).isEqualTo("invalid percent-encoding").doesNotContain("secret");
  }

  /**
   * Random paths built from the troublesome pieces: whatever is accepted must come out in normal
   * form, and normalizing it again must return it unchanged (the same instance).
   */
  @Test
  void output_is_normal_and_a_fixed_point() {
    String[] pieces = {"/", "/", "//", "a", "B", ".", "..", "%2e", "%2E", "%61", "%7e", "%c3%a9",
        "%20", "%25", "~", "-", "%2F", ";", "%", "%4", " ", "%00", "%3b", "%3B"};
    Random random = new Random(42);
    int accepted = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder b = new StringBuilder("/");
      int count = random.nextInt(8);
      for (int k = 0; k < count; k++) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      String raw = b.toString();
      String normal;
      try {
        normal = PathNormalizer.normalize(raw);
      } catch (InvalidPathException e) {
        continue;
      }
      accepted++;
      assertThat(PathNormalizer.normalize(normal)).as(raw).isSameAs(normal);
      assertThat(normal).as(raw).startsWith("/").doesNotContain("//", "/./", "/../")
          .doesNotEndWith("/.").doesNotEndWith("/..").doesNotContainIgnoringCase("%2e", "%61", "%7e")
          .doesNotContain("%c3", "%a9")
          .doesNotContain(";").doesNotContainIgnoringCase("%3b");
      for (String segment : segments(normal)) {
        assertThat(segment).as(raw).isNotIn(".", "..");
      }
    }
    assertThat(accepted).isGreaterThan(1000);
  }

  private static List<String> segments(String path) {
    return new ArrayList<>(List.of(path.substring(1).split("/", -1)));
  }

  private static InvalidPathException catchInvalid(String raw) {
    try {
      PathNormalizer.normalize(raw);
    } catch (InvalidPathException e) {
      return e;
    }
    throw new AssertionError("accepted: " + raw);
  }
}
