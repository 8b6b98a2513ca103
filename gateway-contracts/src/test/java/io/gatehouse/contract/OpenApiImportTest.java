package io.gatehouse.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an import refuses, each problem named by its JSON Pointer in the spec, and what it resolves. */
class OpenApiImportTest {

  private static String spec(String paths) {
    return "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{" + paths + "}}";
  }

  private static String problems(String spec) {
    try {
      OpenApiRoutes.parse(spec);
    } catch (OpenApiException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected the import to fail");
  }

  @Test
  void a_spec_that_does_not_parse_or_has_another_version_is_refused() {
    assertThat(problems("{\"openapi\": ")).startsWith("openapi the spec text: #: does not parse (expected: JSON or YAML)");
    assertThat(problems("{\"swagger\":\"2.0\"}")).isEqualTo("openapi the spec text: #/openapi: '' (expected: 3.0.x or 3.1.x)");
    assertThat(problems("[1]")).isEqualTo("openapi the spec text: #: ARRAY (expected: an object)");
  }

  @Test
  void every_unsupported_feature_is_named_by_its_pointer_all_at_once() {
    String spec = spec("\"/pets\":{\"get\":{\"operationId\":\"list\",\"parameters\":["
        + "{\"name\":\"filter\",\"in\":\"query\",\"style\":\"deepObject\",\"schema\":{\"type\":\"object\"}},"
        + "{\"name\":\"q\",\"in\":\"query\",\"content\":{\"application/json\":{\"schema\":{}}}},"
        + "{\"name\":\"o\",\"in\":\"query\",\"schema\":{\"type\":\"object\"}}],"
        + "\"responses\":{\"200\":{\"description\":\"ok\"}}},"
        + "\"post\":{\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
        + "\"/files/{name}.json\":{\"get\":{\"operationId\":\"file\","
        + "\"parameters\":[{\"name\":\"name\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}],"
        + "\"responses\":{\"200\":{\"description\":\"ok\"}}}},"
        + "\"/x\":{\"get\":{\"operationId\":\"has space\",\"responses\":{\"200\":{\"description\":\"ok\"}}}}");

    assertThat(problems(spec)).isEqualTo("openapi the spec text: 6 problems:\n"
        + "  #/paths/~1pets/get/parameters/0/style: deepObject (expected: form for a query parameter; other styles are not supported yet)\n"
        + "  #/paths/~1pets/get/parameters/1/content: a parameter with content (expected: a schema; not supported yet)\n"
        + "  #/paths/~1pets/get/parameters/2/schema: an object parameter (expected: a primitive or an array; not supported yet)\n"
        + "  #/paths/~1pets/post/operationId: missing (expected: an id, which names the route)\n"
        + "  #/paths/~1files~1{name}.json: segment '{name}.json' (expected: a literal or one whole parameter such as '{id}')\n"
        + "  #/paths/~1x/get/operationId: 'has space' (expected: 1 to 128 of letters, digits, '.', '_', '-', as a route id)");
  }

  @Test
  void a_ref_that_points_nowhere_is_named() {
    assertThat(problems(spec("\"/pets\":{\"get\":{\"operationId\":\"list\",\"parameters\":["
        + "{\"$ref\":\"#/components/parameters/missing\"}],\"responses\":{\"200\":{\"description\":\"ok\"}}}}")))
        .endsWith("#/paths/~1pets/get/parameters/0/$ref: '#/components/parameters/missing' points nowhere");
  }

  @Test
  void swagger_parser_findings_are_reported() {
    String spec = "{\"openapi\":\"3.0.3\",\"paths\":{\"/a\":{\"get\":{\"operationId\":\"a\"}}}}";
    assertThat(problems(spec)).contains("#: invalid OpenAPI: attribute info is missing");
  }

  @Test
  void a_ref_to_a_url_is_refused_and_never_fetched() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(300);
      String url = "http://127.0.0.1:" + listener.getLocalPort() + "/pet.json";
      String spec = spec("\"/pets\":{\"post\":{\"operationId\":\"add\",\"requestBody\":{\"content\":{\"application/json\":"
          + "{\"schema\":{\"$ref\":\"" + url + "\"}}}},\"responses\":{\"200\":{\"description\":\"ok\"}}}}");

      assertThat(problems(spec)).isEqualTo("openapi the spec text: "
          + "#/paths/~1pets/post/requestBody/content/application~1json/schema/$ref: '" + url
          + "' (expected: '#/...'; nothing is fetched)");
      assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void a_file_spec_resolves_schemas_in_files_beside_it_but_not_outside_its_directory(@TempDir Path dir) throws IOException {
    Path api = Files.createDirectories(dir.resolve("api"));
    Files.writeString(api.resolve("pet.yaml"), "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n");
    Files.writeString(dir.resolve("secret.json"), "{}");
    Path good = api.resolve("good.json");
    Files.writeString(good, spec("\"/pets\":{\"post\":{\"operationId\":\"add\",\"requestBody\":{\"required\":true,"
        + "\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"pet.yaml\"}}}},\"responses\":{\"200\":{\"description\":\"ok\"}}}}"));
    Path bad = api.resolve("bad.json");
    Files.writeString(bad, spec("\"/pets\":{\"post\":{\"operationId\":\"add\",\"requestBody\":{"
        + "\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"../secret.json\"}}}},\"responses\":{\"200\":{\"description\":\"ok\"}}}}"));

    assertThat(OpenApiRoutes.from(good).operation("add").orElseThrow().requestContentTypes()).containsExactly("application/json");
    assertThatThrownBy(() -> OpenApiRoutes.from(bad)).isInstanceOf(OpenApiException.class)
        .hasMessageEndingWith("#/paths/~1pets/post/requestBody/content/application~1json/schema/$ref: "
            + "'../secret.json' (expected: a file in the spec's directory or below)");
  }

  @Test
  void a_yaml_spec_and_a_31_spec_import() {
    OpenApiRoutes yaml = OpenApiRoutes.parse("""
        openapi: 3.1.0
        info: {title: t, version: '1'}
        paths:
          /items/{item-id}:
            get:
              operationId: getItem
              parameters:
                - {name: item-id, in: path, required: true, schema: {type: [integer, 'null']}}
              responses: {'200': {description: ok}}
        """);

    assertThat(yaml.operations()).singleElement().satisfies(op -> {
      assertThat(op.routePath()).isEqualTo("/items/*");
      assertThat(op.path()).isEqualTo("/items/{item-id}");
    });
  }

  @Test
  void routes_need_an_upstream_and_setters_check_at_once() {
    OpenApiRoutes api = OpenApiRoutes.parse(spec(""));
    assertThatThrownBy(api::routes).isInstanceOf(IllegalStateException.class)
        .hasMessage("openapi the spec text: upstream: none (expected: upstream(...) before routes())");
    assertThatThrownBy(() -> api.basePath("api/"))
        .hasMessage("openapi: basePath: 'api/' (expected: empty, or starting with '/' and not ending with '/', without '{' or '*')");
    assertThatThrownBy(() -> api.maxBodyBytes(-1)).hasMessage("openapi: maxBodyBytes: -1 (expected: 0 to 2147483639)");
  }
}
