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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Java or XML snippet in the README is marked {@code <!-- snippet: FILE#TAG -->} and must
 * equal the tagged region of that file in this module ({@code // tag::TAG[]} in Java,
 * {@code <!-- tag::TAG[] -->} in XML), so the README shows code that compiles and is tested.
 * XML snippets come from {@code src/it/getting-started}, which the build runs as a user's project;
 * the {@code @project.version@} it is filtered with reads as the project's version in the README.
 */
class ReadmeSnippetsTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\s*```(java|xml)\\n(.*?)```", Pattern.DOTALL);

  record Snippet(String file, String tag, String language, String text) {
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
      found.add(new Snippet(m.group(1), m.group(2), m.group(3), m.group(4)));
    }
    assertThat(found).as("README snippets").hasSizeGreaterThanOrEqualTo(3);
    return found;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snippets")
  void readme_snippet_is_the_tagged_code(Snippet snippet) throws IOException {
    List<String> lines = Files.readAllLines(MODULE.resolve(snippet.file()));
    boolean xml = snippet.language().equals("xml");
    int start = indexOf(lines, xml ? "<!-- tag::" + snippet.tag() + "[] -->" : "// tag::" + snippet.tag() + "[]");
    int end = indexOf(lines, xml ? "<!-- end::" + snippet.tag() + "[] -->" : "// end::" + snippet.tag() + "[]");
    assertThat(start).as("tag %s in %s", snippet.tag(), snippet.file()).isNotNegative();
    assertThat(end).as("end tag %s in %s", snippet.tag(), snippet.file()).isGreaterThan(start);
    String tagged = String.join("\n", lines.subList(start + 1, end));
    if (xml) {
      tagged = tagged.replace("@project.version@", projectVersion());
    }
    assertThat(normalize(snippet.text())).isEqualTo(normalize(tagged));
  }

  @Test
  void readme_shows_the_getting_started_project() throws IOException {
    assertThat(snippets()).extracting(Snippet::toString).contains(
        "src/it/getting-started/pom.xml#dependencies",
        "src/it/getting-started/src/main/java/com/example/App.java#first-route");
  }

  private static String projectVersion() throws IOException {
    Matcher version = Pattern.compile("<artifactId>gatehouse-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(MODULE.resolve("pom.xml")));
    assertThat(version.find()).as("the parent's version in examples/pom.xml").isTrue();
    return version.group(1);
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
