package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal packages stay internal across the build: no module but gateway-impl names
 * {@code io.gatehouse.impl} in its main sources (adapters and optional modules reach the
 * implementation through gateway-api's {@code io.gatehouse.spi} and {@code io.gatehouse.adapter},
 * found with {@code ServiceLoader}), and no module but gateway-api names gateway-api's
 * {@code io.gatehouse.internal} in its main sources. An import, a qualified name, a doc link and a
 * {@code META-INF/services} line all count. The modules are those the parent POM lists, so
 * a new module is checked from its first commit.
 */
class ModuleBoundariesTest {
  private static final Pattern IMPL = Pattern.compile("\\bio\\s*\\.\\s*gatehouse\\s*\\.\\s*impl\\b");
  private static final Pattern INTERNAL = Pattern.compile("\\bio\\s*\\.\\s*gatehouse\\s*\\.\\s*internal\\b");
  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

  private static Path root() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
  }

  static List<String> modules(Path root) throws IOException {
    List<String> modules = new ArrayList<>();
    Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8));
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }

  /** Each line under {@code dir} (Java sources and service files) that matches, as {@code path:line: text}. */
  static List<String> references(Path root, Path dir, Pattern pattern) {
    List<String> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(ModuleBoundariesTest::isChecked).sorted().toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          if (pattern.matcher(lines.get(i)).find()) {
            found.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static boolean isChecked(Path file) {
    return Files.isRegularFile(file)
        && (file.toString().endsWith(".java") || file.getParent().endsWith(Path.of("META-INF", "services")));
  }

  @Test
  void no_module_but_gateway_impl_names_io_gatehouse_impl_in_its_main_sources() throws IOException {
    Path root = root();
    List<String> modules = modules(root);
    assertThat(modules).as("the modules of %s", root).contains("gateway-impl", "gateway-api",
        "gateway-undertow-adapter", "gateway-servlet-adapter", "gateway-redis", "gateway-micrometer",
        "gateway-opentelemetry", "src-test-fixtures", "examples");
    for (String adapter : List.of("gateway-undertow-adapter", "gateway-servlet-adapter")) {
      Path sources = root.resolve(adapter).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(sources)) {
        assertThat(files.filter(f -> f.toString().endsWith(".java")).count())
            .as("the adapter's sources under %s", sources).isGreaterThan(5);
      }
    }

    List<String> found = new ArrayList<>();
    for (String module : modules) {
      if (!module.equals("gateway-impl")) {
        found.addAll(references(root, root.resolve(module).resolve("src/main"), IMPL));
      }
    }

    assertThat(found)
        .as("reach the implementation through gateway-api (io.gatehouse.spi, io.gatehouse.adapter) instead")
        .isEmpty();
  }

  @Test
  void no_module_but_gateway_api_names_io_gatehouse_internal_in_its_main_sources() throws IOException {
    Path root = root();
    List<String> found = new ArrayList<>();
    for (String module : modules(root)) {
      if (!module.equals("gateway-api")) {
        found.addAll(references(root, root.resolve(module).resolve("src/main"), INTERNAL));
      }
    }

    assertThat(found)
        .as("io.gatehouse.internal is gateway-api's own: copy what you need, or propose it as API")
        .isEmpty();
  }

  @Test
  void the_check_finds_imports_qualified_names_doc_links_and_service_files(@TempDir Path dir) throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("java/io/gatehouse/redis"));
    Files.writeString(pkg.resolve("Imports.java"), String.join("\n",
        "package io.gatehouse.redis;",
        "import io.gatehouse.impl.problem.RetryAfter;",
        "import static io.gatehouse.impl.problem.Problems.response;",
        "/** See {@link io.gatehouse.impl.admin.AdminDocuments} and {@link io.gatehouse.internal.Check}. */",
        "class Imports {",
        "  Object o = io.gatehouse.impl.problem.Problems.CONTENT_TYPE;",
        "  Object spaced = io.gatehouse . impl.X.Y;",
        "  String fine = \"io.gatehouse.important\"; // io.gatehouse.adapter, io.gatehouse.implementation",
        "  String alsoFine = \"io.gatehouse.internals\";",
        "}"));
    Path services = Files.createDirectories(dir.resolve("resources/META-INF/services"));
    Files.writeString(services.resolve("io.gatehouse.spi.GatewayCompiler"), "io.gatehouse.impl.compile.Compiler\n");
    Files.writeString(dir.resolve("resources/notes.txt"), "io.gatehouse.impl is not scanned in plain resources\n");

    assertThat(references(dir, dir, IMPL)).containsExactly(
        "java/io/gatehouse/redis/Imports.java:2: import io.gatehouse.impl.problem.RetryAfter;",
        "java/io/gatehouse/redis/Imports.java:3: import static io.gatehouse.impl.problem.Problems.response;",
        "java/io/gatehouse/redis/Imports.java:4: /** See {@link io.gatehouse.impl.admin.AdminDocuments} and "
            + "{@link io.gatehouse.internal.Check}. */",
        "java/io/gatehouse/redis/Imports.java:6: Object o = io.gatehouse.impl.problem.Problems.CONTENT_TYPE;",
        "java/io/gatehouse/redis/Imports.java:7: Object spaced = io.gatehouse . impl.X.Y;",
        "resources/META-INF/services/io.gatehouse.spi.GatewayCompiler:1: io.gatehouse.impl.compile.Compiler");
    assertThat(references(dir, dir, INTERNAL)).extracting(line -> line.substring(0, line.indexOf(": ")))
        .containsExactly("java/io/gatehouse/redis/Imports.java:4");
  }
}
