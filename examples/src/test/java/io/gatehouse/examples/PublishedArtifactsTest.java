package io.gatehouse.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What users import: gatehouse-bom lists every published module of the parent pom at the parent's
 * version and nothing else, and every jar names its automatic module. The BOM has no parent (so
 * that it exports no third-party versions), so nothing but this test keeps the two in step.
 */
class PublishedArtifactsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  /** Built and tested, never published. */
  private static final List<String> UNPUBLISHED = List.of("gateway-examples", "gateway-benchmarks");

  record Module(String directory, Element pom) {
    String artifactId() {
      return text(pom, "artifactId").orElseThrow();
    }

    @Override
    public String toString() {
      return directory;
    }
  }

  static List<Module> modules() throws Exception {
    List<Module> modules = new ArrayList<>();
    for (Element module : children(child(parentPom(), "modules").orElseThrow(), "module")) {
      String directory = module.getTextContent().trim();
      if (!directory.equals("gatehouse-bom")) {
        modules.add(new Module(directory, read(ROOT.resolve(directory).resolve("pom.xml"))));
      }
    }
    assertThat(modules).as("modules of the parent pom").hasSizeGreaterThanOrEqualTo(9);
    return modules;
  }

  @Test
  void bom_is_a_module_of_the_parent_without_inheriting_from_it() throws Exception {
    Element bom = bom();
    assertThat(children(child(parentPom(), "modules").orElseThrow(), "module"))
        .extracting(m -> m.getTextContent().trim()).contains("gatehouse-bom");
    assertThat(child(bom, "parent")).as("<parent> of gatehouse-bom").isEmpty();
    assertThat(text(bom, "packaging")).hasValue("pom");
    assertThat(text(bom, "artifactId")).hasValue("gatehouse-bom");
  }

  @Test
  void bom_has_the_parents_group_and_version() throws Exception {
    Element parent = parentPom();
    Element bom = bom();
    assertThat(text(bom, "groupId")).as("gatehouse-bom groupId").isEqualTo(text(parent, "groupId"));
    assertThat(text(bom, "version")).as("gatehouse-bom version (expected: the parent's)").isEqualTo(text(parent, "version"));
  }

  @Test
  void bom_manages_every_published_module_at_the_project_version() throws Exception {
    List<String> published = modules().stream().map(Module::artifactId)
        .filter(a -> !UNPUBLISHED.contains(a)).collect(Collectors.toList());
    Map<String, String> managed = new TreeMap<>();
    for (Element dependency : managedDependencies(bom())) {
      assertThat(text(dependency, "groupId")).as("groupId of %s", text(dependency, "artifactId")).hasValue("io.gatehouse");
      managed.put(text(dependency, "artifactId").orElseThrow(), text(dependency, "version").orElse("(none)"));
      assertThat(child(dependency, "scope")).as("scope of %s", text(dependency, "artifactId")).isEmpty();
      assertThat(child(dependency, "type")).as("type of %s", text(dependency, "artifactId")).isEmpty();
    }
    assertThat(managed.keySet()).as("artifacts in gatehouse-bom").containsExactlyInAnyOrderElementsOf(published);
    assertThat(managed.values()).as("versions in gatehouse-bom").containsOnly("${project.version}");
  }

  @Test
  void bom_pins_nothing_else() throws Exception {
    Element bom = bom();
    for (String section : List.of("dependencies", "properties", "repositories", "profiles", "modules")) {
      assertThat(child(bom, section)).as("<%s> in gatehouse-bom", section).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void every_jar_names_its_automatic_module(Module module) {
    Optional<String> name = child(module.pom(), "properties").flatMap(p -> text(p, "gatehouse.module.name"));
    assertThat(name).as("gatehouse.module.name of %s", module).isPresent();
    assertThat(name.orElseThrow()).matches("io\\.gatehouse(\\.[a-z][a-z0-9]*)+");
  }

  @Test
  void automatic_module_names_are_unique() throws Exception {
    List<String> names = modules().stream()
        .map(m -> child(m.pom(), "properties").flatMap(p -> text(p, "gatehouse.module.name")).orElse(m.directory()))
        .collect(Collectors.toList());
    assertThat(names).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modules")
  void every_module_has_a_name_and_a_description(Module module) {
    assertThat(text(module.pom(), "name")).as("<name> of %s", module).isPresent();
    assertThat(text(module.pom(), "description")).as("<description> of %s", module).isPresent();
  }

  private static Element parentPom() throws Exception {
    return read(ROOT.resolve("pom.xml"));
  }

  private static Element bom() throws Exception {
    return read(ROOT.resolve("gatehouse-bom").resolve("pom.xml"));
  }

  private static List<Element> managedDependencies(Element pom) {
    return child(pom, "dependencyManagement").flatMap(dm -> child(dm, "dependencies"))
        .map(d -> children(d, "dependency")).orElse(List.of());
  }

  private static Element read(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
  }

  /** The direct children named {@code name}, so that a dependency's version is not the project's. */
  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        found.add(e);
      }
    }
    return found;
  }

  private static Optional<Element> child(Element parent, String name) {
    return children(parent, name).stream().findFirst();
  }

  private static Optional<String> text(Element parent, String name) {
    return child(parent, name).map(e -> e.getTextContent().trim()).filter(t -> !t.isEmpty());
  }
}
