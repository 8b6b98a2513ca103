package io.gatehouse.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.validation.RequestValidation;
import io.gatehouse.validation.Violation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Routes imported from an OpenAPI 3.0 or 3.1 spec: one route per operation, its id the
 * {@code operationId}, its path the spec's template (under an optional base path) and its method
 * the operation's, each validating its requests against the operation ({@link ApiOperation}) and
 * sending them to one upstream. Decorate the routes with the DSL as any other.
 *
 * <pre>{@code
 * OpenApiRoutes petstore = OpenApiRoutes.from(Path.of("petstore.json"))
 *     .basePath("/api/v3").upstream("http://pets:8080");
 * Gateway.Builder gateway = Gateway.builder();
 * petstore.routes((operation, route) -> route.timeout(Duration.ofSeconds(2))).forEach(gateway::route);
 * }</pre>
 *
 * <p><b>Validation.</b> Parameters in the path, query, headers and cookies, styles {@code simple}
 * and {@code form}, exploded or not, primitives and arrays of them, {@code required}; the request
 * body's presence and content type (415 when the operation does not take it); a JSON body against
 * its media type's schema (see {@link JsonSchema} for the parsing rules). Bodies of other media
 * types pass unread.
 *
 * <p><b>What is refused at import</b>, each problem named by its JSON Pointer in the spec (see
 * {@link OpenApiException}): a spec that is not JSON or YAML or that swagger-parser finds invalid;
 * a version other than 3.0.x or 3.1.x; an operation without an {@code operationId} or whose id is
 * not a route id; a parameter with {@code content}, an object schema, or a style other than
 * {@code simple} and {@code form}; a path segment with a template inside other text; a
 * {@code $ref} that points nowhere. <b>References</b>: only within the spec and, for a spec read
 * from a file, to files in the spec's directory (or below), for schemas; nothing is fetched from a
 * URL, so a spec cannot make the gateway call out at build. Security schemes are not applied:
 * declare the routes' auth with the DSL.
 *
 * <p>Immutable: every setter returns a copy.
 *
 * @since 0.2
 */
public final class OpenApiRoutes {
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  /** The largest spec read from a URL. */
  static final int MAX_SPEC_BYTES = 16 << 20;

  private final String source;
  private final List<ApiOperation> operations;
  private final String basePath;
  private final Optional<Upstream> upstream;
  private final long maxBodyBytes;

  private OpenApiRoutes(String source, List<ApiOperation> operations, String basePath, Optional<Upstream> upstream,
      long maxBodyBytes) {
    this.source = source;
    this.operations = operations;
    this.basePath = basePath;
    this.upstream = upstream;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Imports a spec file. Its schemas may refer to files in its directory or below.
   *
   * @param file the spec, JSON or YAML
   * @return the routes, without an upstream yet
   * @throws OpenApiException when the spec cannot be imported
   * @throws UncheckedIOException when the file cannot be read
   */
  public static OpenApiRoutes from(Path file) {
    Objects.requireNonNull(file, "file");
    Path absolute = file.toAbsolutePath().normalize();
    String text;
    try {
      text = Files.readString(absolute, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi '" + file + "': cannot be read", e);
    }
    return load(text, "'" + file + "'", Optional.of(absolute));
  }

  /**
   * Imports a spec from a URL: the spec itself is read (at most 16 MiB), but nothing it refers to.
   *
   * @param url the spec's address
   * @return the routes, without an upstream yet
   * @throws OpenApiException when the spec cannot be imported
   * @throws UncheckedIOException when the URL cannot be read
   */
  public static OpenApiRoutes from(URL url) {
    Objects.requireNonNull(url, "url");
    try (InputStream in = url.openStream()) {
      byte[] bytes = in.readNBytes(MAX_SPEC_BYTES + 1);
      if (bytes.length > MAX_SPEC_BYTES) {
        throw new OpenApiException("'" + url + "'", List.of(new OpenApiException.Problem("#",
            "more than " + MAX_SPEC_BYTES + " bytes (expected: <= " + MAX_SPEC_BYTES + ")")));
      }
      return load(new String(bytes, StandardCharsets.UTF_8), "'" + url + "'", Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException("openapi '" + url + "': cannot be read", e);
    }
  }

  /**
   * Imports a spec from its text. It may not refer to other files.
   *
   * @param spec the spec, JSON or YAML
   * @return the routes, without an upstream yet
   * @throws OpenApiException when the spec cannot be imported
   */
  public static OpenApiRoutes parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    return load(spec, "the spec text", Optional.empty());
  }

  /**
   * The same routes under a base path, such as the path of the spec's server URL: {@code /api/v3}
   * makes {@code /pet/{petId}} the route {@code /api/v3/pet/{petId}}. The upstream sees the same
   * path (strip it with the DSL if it should not).
   *
   * @param path {@code ""} or a path starting with {@code /}, without a trailing {@code /}
   * @return the copy
   */
  public OpenApiRoutes basePath(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.isEmpty() && (!path.startsWith("/") || path.endsWith("/") || path.contains("{") || path.contains("*"))) {
      throw new IllegalArgumentException("openapi: basePath: '" + path
          + "' (expected: empty, or starting with '/' and not ending with '/', without '{' or '*')");
    }
    return new OpenApiRoutes(source, operations, path, upstream, maxBodyBytes);
  }

  /**
   * The same routes, sending to this upstream.
   *
   * @param url an absolute {@code http} or {@code https} URL, checked at {@code build()}
   * @return the copy
   */
  public OpenApiRoutes upstream(String url) {
    return upstream(Upstream.of(Objects.requireNonNull(url, "url")));
  }

  /**
   * The same routes, sending to this upstream.
   *
   * @param upstream the upstream
   * @return the copy
   */
  public OpenApiRoutes upstream(Upstream upstream) {
    return new OpenApiRoutes(source, operations, basePath, Optional.of(Objects.requireNonNull(upstream, "upstream")),
        maxBodyBytes);
  }

  /**
   * The same routes with another body cap for validation ({@link RequestValidation#maxBodyBytes(long)}).
   *
   * @param bytes 0 to {@link RequestValidation#MAX_BODY_BYTES}
   * @return the copy
   */
  public OpenApiRoutes maxBodyBytes(long bytes) {
    if (bytes < 0 || bytes > RequestValidation.MAX_BODY_BYTES) {
      throw new IllegalArgumentException("openapi: maxBodyBytes: " + bytes + " (expected: 0 to "
          + RequestValidation.MAX_BODY_BYTES + ")");
    }
    return new OpenApiRoutes(source, operations, basePath, upstream, bytes);
  }

  /** {@return the operations, in spec order (paths, then methods get, put, post, delete, options, head, patch, trace)} */
  public List<ApiOperation> operations() {
    return operations;
  }

  /**
   * An operation by id.
   *
   * @param operationId the id
   * @return the operation; empty when the spec has none with that id
   */
  public Optional<ApiOperation> operation(String operationId) {
    Objects.requireNonNull(operationId, "operationId");
    return operations.stream().filter(o -> o.id().equals(operationId)).findFirst();
  }

  /**
   * One route per operation.
   *
   * @return the routes, in the order of {@link #operations()}
   * @throws IllegalStateException when no upstream was set
   */
  public List<RouteSpec> routes() {
    return routes((operation, route) -> { });
  }

  /**
   * One route per operation, each decorated before it is built.
   *
   * <p>{@code api.routes((op, r) -> { if (op.method().equals("GET")) r.cache(catalog); })}
   *
   * @param decorate called with each operation and its route's builder
   * @return the routes, in the order of {@link #operations()}
   * @throws IllegalStateException when no upstream was set
   */
  public List<RouteSpec> routes(BiConsumer<ApiOperation, RouteBuilder> decorate) {
    Objects.requireNonNull(decorate, "decorate");
    Upstream target = upstream.orElseThrow(() -> new IllegalStateException(
        "openapi " + source + ": upstream: none (expected: upstream(...) before routes())"));
    List<RouteSpec> routes = new ArrayList<>(operations.size());
    for (ApiOperation operation : operations) {
      RouteBuilder route = RouteSpec.builder(operation.id())
          .path(basePath + operation.routePath())
          .methods(operation.method())
          .upstream(target)
          .validate(RequestValidation.of(operation.validator()).maxBodyBytes(maxBodyBytes));
      decorate.accept(operation, route);
      routes.add(route.build());
    }
    return List.copyOf(routes);
  }

  @Override
  public String toString() {
    return "OpenApiRoutes[" + source + ", " + operations.size() + " operations]";
  }

  // ---- import ----

  private static OpenApiRoutes load(String text, String source, Optional<Path> file) {
    List<OpenApiException.Problem> problems = new ArrayList<>();
    JsonNode root;
    try {
      root = Json.readDocument(text);
    } catch (IOException e) {
      throw new OpenApiException(source, List.of(problem("#", "does not parse (expected: JSON or YAML): " + cut(String.valueOf(e.getMessage())))));
    }
    if (!root.isObject()) {
      throw new OpenApiException(source, List.of(problem("#", root.getNodeType() + " (expected: an object)")));
    }
    String version = root.path("openapi").asText("");
    Dialect dialect;
    if (version.startsWith("3.0.")) {
      dialect = Dialects.getOpenApi30();
    } else if (version.startsWith("3.1.")) {
      dialect = Dialects.getOpenApi31();
    } else {
      throw new OpenApiException(source, List.of(problem("#/openapi",
          "'" + cut(version) + "' (expected: 3.0.x or 3.1.x)")));
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(false); // references are checked below and resolved by the validator; nothing is fetched
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
    if (parsed.getMessages() != null) {
      for (String message : parsed.getMessages()) {
        problems.add(problem("#", "invalid OpenAPI: " + message));
      }
    }
    Optional<Path> directory = file.map(Path::getParent);
    checkRefs(root, root, "", directory, problems);
    if (!problems.isEmpty()) {
      throw new OpenApiException(source, problems);
    }
    String documentIri = SchemaEngine.BASE + file.map(f -> escapeFileName(f.getFileName().toString())).orElse("openapi.json");
    String documentJson = root.toString();
    SchemaEngine engine = new SchemaEngine(dialect, iri -> resource(iri, documentIri, documentJson, directory));
    List<ApiOperation> operations = new ArrayList<>();
    Map<String, String> ids = new LinkedHashMap<>();
    JsonNode paths = root.path("paths");
    for (Map.Entry<String, JsonNode> entry : paths.properties()) {
      String path = entry.getKey();
      String pathPointer = "/paths/" + escape(path);
      JsonNode item = entry.getValue();
      if (item.has("$ref")) {
        problems.add(problem("#" + pathPointer + "/$ref", "a path item reference (expected: the path item inline)"));
        continue;
      }
      List<String> template = new ArrayList<>();
      Optional<String> routePath = routePath(path, pathPointer, template, problems);
      for (String method : METHODS) {
        JsonNode operation = item.get(method);
        if (operation == null) {
          continue;
        }
        String pointer = pathPointer + "/" + method;
        String id = operation.path("operationId").asText("");
        if (id.isEmpty()) {
          problems.add(problem("#" + pointer + "/operationId", "missing (expected: an id, which names the route)"));
          continue;
        }
        if (!ROUTE_ID.matcher(id).matches()) {
          problems.add(problem("#" + pointer + "/operationId",
              "'" + cut(id) + "' (expected: 1 to 128 of letters, digits, '.', '_', '-', as a route id)"));
          continue;
        }
        String earlier = ids.putIfAbsent(id, pointer);
        if (earlier != null) {
          problems.add(problem("#" + pointer + "/operationId", "'" + id + "' repeats (expected: unique; #" + earlier + " has it)"));
          continue;
        }
        int before = problems.size();
        List<ParameterRule> parameters = parameters(root, item, pathPointer, operation, pointer, engine, documentIri, problems);
        List<String> mediaTypes = new ArrayList<>();
        Optional<OperationValidator.BodyRule> body = body(root, operation, pointer, engine, documentIri, mediaTypes, problems);
        if (problems.size() > before || routePath.isEmpty()) {
          continue;
        }
        operations.add(new ApiOperation(id, method.toUpperCase(Locale.ROOT), path, routePath.get(), "#" + pointer,
            mediaTypes, new OperationValidator(id, template, parameters, body)));
      }
    }
    if (!problems.isEmpty()) {
      throw new OpenApiException(source, problems);
    }
    return new OpenApiRoutes(source, List.copyOf(operations), "", Optional.empty(), RequestValidation.DEFAULT_MAX_BODY_BYTES);
  }

  /** The route pattern of a spec path; the template's segments go to {@code template}. */
  private static Optional<String> routePath(String path, String pointer, List<String> template,
      List<OpenApiException.Problem> problems) {
    if (!path.startsWith("/")) {
      problems.add(problem("#" + pointer, "'" + cut(path) + "' (expected: a path starting with '/')"));
      return Optional.empty();
    }
    StringBuilder route = new StringBuilder();
    String[] segments = path.substring(1).split("/", -1);
    for (String segment : segments) {
      template.add(segment);
      route.append('/');
      boolean whole = segment.startsWith("{") && segment.endsWith("}") && segment.indexOf('{', 1) < 0;
      if (whole) {
        String name = segment.substring(1, segment.length() - 1);
        route.append(isJavaIdentifier(name) ? segment : "*");
      } else if (segment.contains("{") || segment.contains("}") || segment.equals("*") || segment.equals("**")) {
        problems.add(problem("#" + pointer, "segment '" + cut(segment)
            + "' (expected: a literal or one whole parameter such as '{id}')"));
        return Optional.empty();
      } else {
        route.append(segment);
      }
    }
    return Optional.of(route.toString());
  }

  private static boolean isJavaIdentifier(String name) {
    if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
      return false;
    }
    return name.chars().allMatch(Character::isJavaIdentifierPart);
  }

  private static List<ParameterRule> parameters(JsonNode root, JsonNode item, String pathPointer, JsonNode operation,
      String pointer, SchemaEngine engine, String documentIri, List<OpenApiException.Problem> problems) {
    Map<String, ParameterRule> byKey = new LinkedHashMap<>();
    for (String[] place : List.of(new String[] {pathPointer, "path item"}, new String[] {pointer, "operation"})) {
      JsonNode list = place[0].equals(pathPointer) ? item.path("parameters") : operation.path("parameters");
      for (int i = 0; i < list.size(); i++) {
        String at = place[0] + "/parameters/" + i;
        Located parameter = resolve(root, list.get(i), at, problems);
        if (parameter == null) {
          continue;
        }
        ParameterRule rule = parameter(root, parameter, at, engine, documentIri, problems);
        if (rule != null) {
          byKey.put(rule.in + " " + rule.name, rule); // an operation's parameter overrides its path item's
        }
      }
    }
    return List.copyOf(byKey.values());
  }

  private static ParameterRule parameter(JsonNode root, Located parameter, String at, SchemaEngine engine,
      String documentIri, List<OpenApiException.Problem> problems) {
    JsonNode node = parameter.node;
    String name = node.path("name").asText("");
    String in = node.path("in").asText("");
    Violation.Location location;
    String defaultStyle;
    switch (in) {
      case "path" -> { location = Violation.Location.PATH; defaultStyle = "simple"; }
      case "query" -> { location = Violation.Location.QUERY; defaultStyle = "form"; }
      case "header" -> { location = Violation.Location.HEADER; defaultStyle = "simple"; }
      case "cookie" -> { location = Violation.Location.COOKIE; defaultStyle = "form"; }
      default -> {
        problems.add(problem("#" + at + "/in", "'" + cut(in) + "' (expected: path, query, header or cookie)"));
        return null;
      }
    }
    if (name.isEmpty()) {
      problems.add(problem("#" + at + "/name", "missing (expected: the parameter's name)"));
      return null;
    }
    if (node.has("content")) {
      problems.add(problem("#" + at + "/content", "a parameter with content (expected: a schema; not supported yet)"));
      return null;
    }
    String style = node.path("style").asText(defaultStyle);
    if (!style.equals(defaultStyle)) {
      problems.add(problem("#" + at + "/style", style + " (expected: " + defaultStyle + " for a " + in
          + " parameter; other styles are not supported yet)"));
      return null;
    }
    boolean explode = node.path("explode").asBoolean(style.equals("form"));
    if (!node.has("schema")) {
      problems.add(problem("#" + at, "no schema (expected: a schema)"));
      return null;
    }
    Located schema = resolve(root, node.get("schema"), parameter.pointer + "/schema", problems);
    if (schema == null) {
      return null;
    }
    String type = type(schema.node);
    boolean array = type.equals("array");
    if (array) {
      Located items = resolve(root, schema.node.path("items"), schema.pointer + "/items", problems);
      if (items == null) {
        return null;
      }
      type = type(items.node);
      if (type.equals("array") || type.equals("object")) {
        problems.add(problem("#" + items.pointer, "an array of " + type + "s in a parameter (expected: an array of primitives)"));
        return null;
      }
    } else if (type.equals("object")) {
      problems.add(problem("#" + schema.pointer, "an object parameter (expected: a primitive or an array; not supported yet)"));
      return null;
    }
    Schema compiled;
    try {
      compiled = engine.schema(documentIri + "#" + parameter.pointer + "/schema");
    } catch (RuntimeException e) {
      problems.add(problem("#" + parameter.pointer + "/schema", "invalid schema: " + String.valueOf(e.getMessage())));
      return null;
    }
    boolean required = location == Violation.Location.PATH || node.path("required").asBoolean(false);
    return new ParameterRule(location, name, required, explode, array, type, compiled);
  }

  private static Optional<OperationValidator.BodyRule> body(JsonNode root, JsonNode operation, String pointer,
      SchemaEngine engine, String documentIri, List<String> mediaTypes, List<OpenApiException.Problem> problems) {
    if (!operation.has("requestBody")) {
      return Optional.empty();
    }
    Located body = resolve(root, operation.get("requestBody"), pointer + "/requestBody", problems);
    if (body == null) {
      return Optional.empty();
    }
    Map<String, Optional<Schema>> media = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : body.node.path("content").properties()) {
      String at = body.pointer + "/content/" + escape(entry.getKey());
      String range = entry.getKey().equals("*/*") ? "*/*" : MediaTypes.essence(entry.getKey().replace("*", "x"))
          .map(e -> entry.getKey().strip().toLowerCase(Locale.ROOT)).orElse(null);
      if (range == null) {
        problems.add(problem("#" + at, "'" + cut(entry.getKey()) + "' (expected: a media type or range)"));
        continue;
      }
      int semicolon = range.indexOf(';');
      if (semicolon >= 0) {
        range = range.substring(0, semicolon).strip();
      }
      Optional<Schema> schema = Optional.empty();
      if (MediaTypes.isJson(range) && entry.getValue().has("schema")) {
        try {
          schema = Optional.of(engine.schema(documentIri + "#" + at + "/schema"));
        } catch (RuntimeException e) {
          problems.add(problem("#" + at + "/schema", "invalid schema: " + String.valueOf(e.getMessage())));
        }
      }
      media.put(range, schema);
      mediaTypes.add(range);
    }
    if (media.isEmpty()) {
      problems.add(problem("#" + body.pointer + "/content", "no media type (expected: at least one)"));
      return Optional.empty();
    }
    return Optional.of(new OperationValidator.BodyRule(body.node.path("required").asBoolean(false), Map.copyOf(media)));
  }

  /** A node and its place in the spec, after following local references. */
  private record Located(JsonNode node, String pointer) {}

  /** Follows {@code $ref}s within the spec (at most 16 in a row: a loop is reported). */
  private static Located resolve(JsonNode root, JsonNode node, String pointer, List<OpenApiException.Problem> problems) {
    String at = pointer;
    for (int hops = 0; hops < 16; hops++) {
      JsonNode ref = node.get("$ref");
      if (ref == null || !ref.isTextual()) {
        return new Located(node, at);
      }
      String target = ref.asText();
      if (!target.startsWith("#")) {
        problems.add(problem("#" + at + "/$ref", "'" + cut(target)
            + "' (expected: a reference within the spec here; only schemas may refer to other files)"));
        return null;
      }
      JsonNode found = root.at(target.substring(1));
      if (found.isMissingNode()) {
        problems.add(problem("#" + at + "/$ref", "'" + cut(target) + "' points nowhere"));
        return null;
      }
      node = found;
      at = target.substring(1);
    }
    problems.add(problem("#" + pointer + "/$ref", "a loop of references (expected: one that ends)"));
    return null;
  }

  /** The schema's type: the first of a 3.1 list other than null; string when only an enum or nothing says. */
  private static String type(JsonNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (!t.asText().equals("null")) {
          return t.asText();
        }
      }
      return "string";
    }
    return type.asText("string");
  }

  /**
   * Checks every {@code $ref}: a local one must point somewhere; another must be a relative file
   * reference that stays in the spec's directory (only for a spec read from a file).
   */
  private static void checkRefs(JsonNode root, JsonNode node, String pointer, Optional<Path> directory,
      List<OpenApiException.Problem> problems) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String at = pointer + "/" + escape(e.getKey());
        if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
          checkRef(root, e.getValue().asText(), at, directory, problems);
        } else {
          checkRefs(root, e.getValue(), at, directory, problems);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkRefs(root, node.get(i), pointer + "/" + i, directory, problems);
      }
    }
  }

  private static void checkRef(JsonNode root, String ref, String at, Optional<Path> directory,
      List<OpenApiException.Problem> problems) {
    if (ref.startsWith("#")) {
      if (root.at(ref.substring(1)).isMissingNode()) {
        problems.add(problem("#" + at, "'" + cut(ref) + "' points nowhere"));
      }
      return;
    }
    String file = ref.contains("#") ? ref.substring(0, ref.indexOf('#')) : ref;
    boolean relative = !file.isEmpty() && !file.contains(":") && !file.startsWith("/") && !file.startsWith("\\");
    if (directory.isPresent() && relative) {
      Path target = directory.get().resolve(file).normalize();
      if (target.startsWith(directory.get()) && Files.isRegularFile(target)) {
        return;
      }
      problems.add(problem("#" + at, "'" + cut(ref) + "' (expected: a file in the spec's directory or below)"));
      return;
    }
    problems.add(problem("#" + at, "'" + cut(ref) + "' (expected: '#/...'"
        + (directory.isPresent() ? " or a relative file in the spec's directory" : "") + "; nothing is fetched)"));
  }

  /** The documents the validator may load: the spec, and for a file spec the files beside it. */
  private static String resource(String iri, String documentIri, String documentJson, Optional<Path> directory) {
    if (iri.equals(documentIri)) {
      return documentJson;
    }
    if (directory.isEmpty() || !iri.startsWith(SchemaEngine.BASE)) {
      return null;
    }
    try {
      String relative = java.net.URLDecoder.decode(iri.substring(SchemaEngine.BASE.length()), StandardCharsets.UTF_8);
      Path target = directory.get().resolve(relative).normalize();
      if (!target.startsWith(directory.get()) || !Files.isRegularFile(target)) {
        return null;
      }
      return Json.readDocument(Files.readString(target, StandardCharsets.UTF_8)).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String escapeFileName(String name) {
    return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** JSON Pointer escaping (RFC 6901). */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static OpenApiException.Problem problem(String pointer, String reason) {
    return new OpenApiException.Problem(pointer, reason);
  }

  private static String cut(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "…";
  }
}
