package io.gatehouse.impl.routing;

import io.gatehouse.http.Request;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for a normalized request. The trie narrows the routes to those whose path
 * matches, in declaration order; the first of those whose other predicates all match wins. The
 * verdict ({@link RouteVerdict}) is decided here only: {@link RouteExplainer} asks the same
 * method, with a {@link Judge} that also says why.
 */
public final class Router {
  private final RouteTrie<CompiledRoute> trie;
  private final boolean caseInsensitivePaths;

  Router(RouteTrie<CompiledRoute> trie, boolean caseInsensitivePaths) {
    this.trie = trie;
    this.caseInsensitivePaths = caseInsensitivePaths;
  }

  /** Whether the trie's literals match ignoring ASCII case. */
  boolean caseInsensitivePaths() {
    return caseInsensitivePaths;
  }

  /**
   * The verdict for a normalized request. On every request, so it allocates no more than the
   * trie's hits, the request's view, the verdict and, only when some route matches all but the
   * method, the {@code Allow} set.
   *
   * @param request the normalized request
   * @return the route that takes it, or why none does
   * @throws RuntimeException what a route's custom predicate throws
   */
  public RouteVerdict route(Request request) {
    List<PathMatch<CompiledRoute>> candidates = trie.match(request.path());
    if (candidates.isEmpty()) {
      return RouteVerdict.NotFound.INSTANCE;
    }
    return decide(candidates, request.method(), new RequestView(request));
  }

  /**
   * The verdict for a normalized request as if it had another method: for a CORS preflight, which
   * asks about a request with the method it names. Everything else (path, host, conditions,
   * predicates) is judged on the request as it is.
   *
   * @param request the normalized request
   * @param method the method to route it with
   * @return the route that would take it with that method, or why none would
   * @throws RuntimeException what a route's custom predicate throws
   */
  public RouteVerdict route(Request request, String method) {
    List<PathMatch<CompiledRoute>> candidates = trie.match(request.path());
    if (candidates.isEmpty()) {
      return RouteVerdict.NotFound.INSTANCE;
    }
    return decide(candidates, method, new RequestView(request));
  }

  /** The verdict, with {@code judge} deciding each path-matched route on all but the method: for the explainer. */
  RouteVerdict route(Request request, Judge judge) {
    return decide(trie.match(request.path()), request.method(), judge);
  }

  /**
   * The first candidate the judge passes and whose methods include the request's; else 405 with
   * every such passed candidate's methods, else 404. The judge sees the candidates in declaration
   * order up to the winner, and no others: predicates run where routing runs them.
   */
  private static RouteVerdict decide(List<PathMatch<CompiledRoute>> candidates, String method, Judge judge) {
    Set<String> allow = null;
    for (PathMatch<CompiledRoute> candidate : candidates) {
      CompiledRoute route = candidate.value();
      if (!judge.matchesAllButMethod(route)) {
        continue;
      }
      if (route.allowsMethod(method)) {
        return new RouteVerdict.Matched(route, candidate.variables(), candidate.pattern().pattern());
      }
      if (allow == null) {
        allow = new TreeSet<>();
      }
      allow.addAll(route.methods());
    }
    return allow == null ? RouteVerdict.NotFound.INSTANCE : new RouteVerdict.MethodNotAllowed(String.join(", ", allow));
  }

  /** Every route, in declaration order: what {@link RouteExplainer} walks. */
  public List<CompiledRoute> routes() {
    return trie.values();
  }

  /**
   * Whether a route whose path matches takes the request on everything else but the method (host,
   * headers, query, cookies, custom predicates). Routing's judge is the request's
   * {@link RequestView}; the explainer's also records why not.
   */
  interface Judge {
    boolean matchesAllButMethod(CompiledRoute route);
  }
}
