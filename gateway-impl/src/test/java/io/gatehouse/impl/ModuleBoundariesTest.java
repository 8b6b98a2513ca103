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
 * a new module is checked from its first commit. The plug-in modules ({@link #PLUG_INS}) depend on
 * gateway-api alone of Gatehouse's artifacts (tests aside): a user adds them beside whatever
 * implementation and adapter they run, and a hook they need belongs in gateway-api as an SPI.
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

  /** The optional modules a user adds beside the implementation: each needs gateway-api alone of Gatehouse's artifacts. */
  static final List<String> PLUG_INS = List.of("gateway-redis", "gateway-micrometer", "gateway-opentelemetry",
      "gateway-contracts");
  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  /** The io.gatehouse artifacts a pom depends on outside the test scope. */
  static List<String> gatehouseDependencies(String pom) {
    List<String> found = new ArrayList<>();
    Matcher m = DEPENDENCY.matcher(pom);
    while (m.find()) {
      String d = m.group(1);
      if (d.contains("<groupId>io.gatehouse</groupId>") && !d.contains("<scope>test</scope>")) {
        Matcher artifact = Pattern.compile("<artifactId>\\s*([^<\\s]+)\\s*</artifactId>").matcher(d);
        if (artifact.find()) {
          found.add(artifact.group(1));
        }
      }
    }
    return found;
  }

  @Test
  void plug_in_modules_depend_on_gateway_api_alone() throws IOException {
    Path root = root();
    assertThat(modules(root)).containsAll(PLUG_INS);
    for (String module : PLUG_INS) {
      String pom = Files.readString(root.resolve(module).resolve("pom.xml"), StandardCharsets.UTF_8);
      assertThat(gatehouseDependencies(pom)).as("%s's Gatehouse dependencies outside tests", module)
          .containsExactly("gateway-api");
    }
  }

  @Test
  void the_pom_check_sees_main_dependencies_and_skips_test_ones() {
    assertThat(gatehouseDependencies("<dependencies>"
        + "<dependency><groupId>io.gatehouse</groupId><artifactId>gateway-api</artifactId></dependency>"
        + "<dependency>\n  <groupId>io.gatehouse</groupId>\n  <artifactId>gateway-impl</artifactId>\n</dependency>"
        + "<dependency><groupId>io.gatehouse</groupId><artifactId>gateway-test-fixtures</artifactId><scope>test</scope></dependency>"
        + "<dependency><groupId>com.example</groupId><artifactId>gateway-impl</artifactId></dependency>"
        + "</dependencies>")).containsExactly("gateway-api", "gateway-impl");
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
