package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Java snippet in the README is marked {@code <!-- snippet: FILE#TAG -->} and must equal the
 * tagged region of that file in this module, so the README shows code that compiles and is tested.
 */
class ReadmeSnippetsTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  record Snippet(String file, String tag, String text) {
    @Override
    public String toString() {
      return file + "#" + tag;
    }
  }

  static List<Snippet> snippets() throws IOException {
    String readme = Files.readString(MODULE.resolveSibling("README.md"));
    List<Snippet> found = new ArrayList<>();
    Matcher m = SNIPPET.matcher(readme);
    while (m.find()) {
      found.add(new Snippet(m.group(1), m.group(2), m.group(3)));
    }
    assertThat(found).as("README snippets").hasSizeGreaterThanOrEqualTo(3);
    return found;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snippets")
  void readme_snippet_is_the_tagged_code(Snippet snippet) throws IOException {
    List<String> lines = Files.readAllLines(MODULE.resolve(snippet.file()));
    int start = indexOf(lines, "// tag::" + snippet.tag() + "[]");
    int end = indexOf(lines, "// end::" + snippet.tag() + "[]");
    assertThat(start).as("tag %s in %s", snippet.tag(), snippet.file()).isNotNegative();
    assertThat(end).as("end tag %s in %s", snippet.tag(), snippet.file()).isGreaterThan(start);
    assertThat(normalize(snippet.text())).isEqualTo(normalize(String.join("\n", lines.subList(start + 1, end))));
  }

  private static int indexOf(List<String> lines, String marker) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(marker)) {
        return i;
      }
    }
    return -1;
  }

  /** Removes the common indentation and trailing blank lines. */
  private static String normalize(String text) {
    List<String> lines = text.lines().collect(Collectors.toList());
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n")).strip();
  }
}
