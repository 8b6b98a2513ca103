package io.gatehouse.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter reaches the gateway through gateway-api alone ({@code io.gatehouse},
 * {@code io.gatehouse.http}, {@code io.gatehouse.adapter}): its main sources name nothing in
 * {@code io.gatehouse.impl}, not in an import, a qualified name or a doc link. What an adapter
 * needs from the implementation belongs in {@code io.gatehouse.adapter}, for every adapter.
 */
class AdapterStaysThinTest {
  private static final Pattern IMPL = Pattern.compile("\\bio\\s*\\.\\s*gatehouse\\s*\\.\\s*impl\\b");

  private static Path mainSources() {
    return Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
  }

  /** Each line that names {@code io.gatehouse.impl}, as {@code path:line: text}. */
  static List<String> implReferences(Path root) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          if (IMPL.matcher(lines.get(i)).find()) {
            found.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  @Test
  void the_adapters_main_sources_name_nothing_in_gateway_impl() throws IOException {
    Path root = mainSources();
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(f -> f.toString().endsWith(".java")).count())
          .as("the adapter's sources under %s", root.toAbsolutePath()).isGreaterThan(5);
    }

    assertThat(implReferences(root))
        .as("move what the adapter needs into gateway-api's io.gatehouse.adapter instead")
        .isEmpty();
  }

  @Test
  void the_check_finds_imports_qualified_names_and_doc_links(@TempDir Path dir) throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("io/gatehouse/servlet"));
    Files.writeString(pkg.resolve("Imports.java"), String.join("\n",
        "package io.gatehouse.servlet;",
        "import io.gatehouse.impl.problem.RetryAfter;",
        "import static io.gatehouse.impl.problem.Problems.response;",
        "/** See {@link io.gatehouse.impl.admin.AdminDocuments}. */",
        "class Imports {",
        "  Object o = io.gatehouse.impl.problem.Problems.CONTENT_TYPE;",
        "  Object spaced = io.gatehouse . impl.X.Y;",
        "  String fine = \"io.gatehouse.important\"; // io.gatehouse.adapter, io.gatehouse.implementation",
        "}"));

    assertThat(implReferences(dir)).extracting(line -> line.substring(line.indexOf(':') + 1, line.indexOf(':', line.indexOf(':') + 1)))
        .containsExactly("2", "3", "4", "6", "7");
  }
}
