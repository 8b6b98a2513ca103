package io.gatehouse.impl.cors;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.impl.routing.RouteExplainer;
import io.gatehouse.impl.routing.RouteVerdict;
import io.gatehouse.impl.routing.Router;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.RouteSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CORS policies of a built gateway, by route: the stage that heads each covered route's chain,
 * the routing of preflights, and the headers of the responses the gateway makes outside the chain
 * (413 for a body too large, 500 for a broken filter). Immutable.
 *
 * <p><b>Routing a preflight.</b> A preflight's method is {@code OPTIONS}, but it asks about another
 * request, and the route that would take that request is the one whose policy must answer. So a
 * preflight is first routed with the method of its {@code Access-Control-Request-Method}; if that
 * finds a route with a policy, that route answers it. Otherwise it is routed as the {@code OPTIONS}
 * request it is, as without CORS: to a route that takes {@code OPTIONS} (whose policy, if any,
 * answers it), or to 404 or 405. Route predicates may then run twice for it.
 *
 * <pre>{@code
 * RouteVerdict verdict = cors.route(router, request);
 * }</pre>
 */
public final class CorsRuntime {
  private final Map<String, CorsPolicy> policies;

  CorsRuntime(Map<String, CorsPolicy> policies) {
    this.policies = Map.copyOf(policies);
  }

  /**
   * The stage that heads a route's chain, before the global filters.
   *
   * @param route a route of the spec this runtime was built from
   * @return the route's CORS stage; empty when CORS is off for it
   */
  public Optional<Stage> stage(RouteSpec route) {
    CorsPolicy policy = policies.get(route.id());
    return policy == null ? Optional.empty() : Optional.of(new CorsStage(policy));
  }

  /**
   * Routes a normalized request, a preflight as its actual request would be routed (see the class
   * comment).
   *
   * @param router the gateway's router
   * @param request the normalized request
   * @return the verdict
   * @throws RuntimeException what a route's custom predicate throws
   */
  public RouteVerdict route(Router router, Request request) {
    Optional<String> method = actualMethod(request);
    if (method.isPresent()) {
      RouteVerdict asActual = router.route(request, method.get());
      if (asActual instanceof RouteVerdict.Matched matched && policies.containsKey(matched.route().id())) {
        return asActual;
      }
    }
    return router.route(request);
  }

  /**
   * Explains a request as {@link #route} routes it: a preflight that goes where its actual request
   * would is explained as that request, with the method it names.
   *
   * @param router the gateway's router
   * @param methods the gateway's method rules
   * @param request the request as an adapter passes it
   * @return the explanation
   */
  public RouteExplanation explain(Router router, MethodRules methods, Request request) {
    Optional<String> method = actualMethod(request);
    if (method.isPresent()) {
      RouteExplanation asActual = RouteExplainer.explain(router, methods, request.toBuilder().method(method.get()).build());
      if (asActual.matchedRoute().filter(policies::containsKey).isPresent()) {
        return asActual;
      }
    }
    return RouteExplainer.explain(router, methods, request);
  }

  /** The method a preflight asks about, when some route has a policy and it names one token. */
  private Optional<String> actualMethod(Request request) {
    if (policies.isEmpty() || !CorsPolicy.isPreflight(request)) {
      return Optional.empty();
    }
    List<String> methods = request.headers().all(CorsPolicy.REQUEST_METHOD);
    return methods.size() == 1 && HttpHeaders.isValidName(methods.get(0)) ? Optional.of(methods.get(0)) : Optional.empty();
  }

  /**
   * A response the gateway made for a routed request outside the route's chain, with the headers
   * the chain's CORS stage would have given it.
   *
   * @param routeId the route the request matched
   * @param request the request
   * @param response the response
   * @return the response, changed when the route has a policy
   */
  public Response decorate(String routeId, Request request, Response response) {
    CorsPolicy policy = policies.get(routeId);
    return policy == null ? response : policy.decorate(policy.allowedOrigin(request.headers()), response);
  }
}
