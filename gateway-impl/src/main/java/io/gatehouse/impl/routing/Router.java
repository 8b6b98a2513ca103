package io.gatehouse.impl.routing;

import io.gatehouse.http.Request;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for a normalized request. The trie narrows the routes to those whose path
 * matches, in declaration order; the first of those whose other predicates all match wins.
 */
public final class Router {
  private final RouteTrie<CompiledRoute> trie;
  private final boolean caseInsensitivePaths;

  public Router(RouteTrie<CompiledRoute> trie, boolean caseInsensitivePaths) {
    this.trie = trie;
    this.caseInsensitivePaths = caseInsensitivePaths;
  }

  /** Whether the trie's literals match ignoring ASCII case. */
  boolean caseInsensitivePaths() {
    return caseInsensitivePaths;
  }

  public Result route(Request request) {
    List<PathMatch<CompiledRoute>> candidates = trie.match(request.path());
    if (candidates.isEmpty()) {
      return NotFound.INSTANCE;
    }
    RequestView view = new RequestView(request);
    Set<String> allow = null;
    for (PathMatch<CompiledRoute> candidate : candidates) {
      CompiledRoute route = candidate.value();
      if (!route.matchesAllButMethod(view)) {
        continue;
      }
      if (route.allowsMethod(request.method())) {
        return new Matched(route, candidate.variables(), candidate.pattern().pattern());
      }
      if (allow == null) {
        allow = new TreeSet<>();
      }
      allow.addAll(route.methods());
    }
    return allow == null ? NotFound.INSTANCE : new MethodNotAllowed(String.join(", ", allow));
  }

  /** Every route, in declaration order: what {@link RouteExplainer} walks. */
  public List<CompiledRoute> routes() {
    return trie.values();
  }

  /** The routes whose path matches, by the same trie lookup that routing does. */
  List<PathMatch<CompiledRoute>> pathMatches(String normalizedPath) {
    return trie.match(normalizedPath);
  }

  public sealed interface Result permits Matched, NotFound, MethodNotAllowed {}

  public record Matched(CompiledRoute route, Map<String, String> variables, String pattern) implements Result {}

  enum NotFound implements Result {
    INSTANCE
  }

  /** Some route matched all but the method; {@code allowHeader} lists their methods, sorted. */
  public record MethodNotAllowed(String allowHeader) implements Result {}
}
