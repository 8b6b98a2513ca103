package io.gatehouse.impl.cors;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.edge.Cors;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.ingress.MethodRules;
import io.gatehouse.impl.routing.CompiledRoute;
import io.gatehouse.route.RouteSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Compiles the CORS policies of a gateway: checks the gateway's and each route's {@link Cors}
 * (origins and patterns, methods, header names, credentials with a wildcard or {@code null}
 * origin), and builds each route's effective policy, its own or the gateway's, into a
 * {@link CorsRuntime}.
 */
public enum CorsCompiler implements FeatureCompiler<MethodRules, CorsRuntime> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  /** The Fetch standard's forbidden methods: no browser sends them, in any case. */
  private static final Set<String> FORBIDDEN_METHODS = Set.of("CONNECT", "TRACE", "TRACK");

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    MethodRules methods = new MethodRules(spec);
    check(spec.cors(), methods, (field, message) -> violations.add(ConfigViolation.ofGateway(field, message)));
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      route.access().cors().ifPresent(cors -> check(cors, methods,
          (field, message) -> violations.add(ConfigViolation.ofRoute(route.id(), field, message))));
    }
  }

  private static void check(Cors cors, MethodRules rules, BiConsumer<String, String> violation) {
    if (!cors.enabled()) {
      return;
    }
    if (!cors.allowsAnyOrigin() && cors.origins().isEmpty()) {
      violation.accept("cors.allowOrigins", "none (expected: at least one origin, or Cors.allowAnyOrigin())");
    }
    for (String origin : cors.origins()) {
      try {
        OriginPattern.parse(origin);
      } catch (IllegalArgumentException e) {
        violation.accept("cors.allowOrigins", e.getMessage());
      }
    }
    for (String method : cors.methods()) {
      String problem = methodProblem(method, rules);
      if (problem != null) {
        violation.accept("cors.allowMethods", "'" + method + "' (expected: " + problem + ")");
      }
    }
    for (String header : cors.headers()) {
      if (header.equals("*")) {
        violation.accept("cors.allowHeaders", "'*' (expected: header names; Cors.allowAnyHeader() for any)");
      } else if (!HttpHeaders.isValidName(header)) {
        violation.accept("cors.allowHeaders", "'" + header + "' (expected: an RFC 9110 token)");
      }
    }
    for (String header : cors.exposedHeaders()) {
      if (header.equals("*") && cors.allowsCredentials()) {
        violation.accept("cors.exposeHeaders", "'*' with allowCredentials(true) (expected: header names; with"
            + " credentials browsers read '*' as a header named '*')");
      } else if (!HttpHeaders.isValidName(header)) {
        violation.accept("cors.exposeHeaders", "'" + header + "' (expected: an RFC 9110 token)");
      }
    }
    if (cors.allowsCredentials() && cors.allowsAnyOrigin()) {
      violation.accept("cors.allowCredentials", "true with Cors.allowAnyOrigin() (expected: the origins listed with"
          + " Cors.allowOrigins(...); the Fetch standard refuses '*' with credentials)");
    }
    if (cors.allowsCredentials() && cors.origins().contains("null")) {
      violation.accept("cors.allowCredentials", "true with origin 'null' (expected: no credentials for 'null', which"
          + " any page can send from a sandboxed frame)");
    }
  }

  /** Why a method cannot be allowed, or null when it can. */
  private static String methodProblem(String method, MethodRules rules) {
    if (method.equals("*")) {
      return "methods by name; without allowMethods every method the route takes is allowed";
    }
    if (!HttpHeaders.isValidName(method)) {
      return "an RFC 9110 token";
    }
    String upper = method.toUpperCase(Locale.ROOT);
    if (FORBIDDEN_METHODS.contains(upper)) {
      return "not CONNECT, TRACE or TRACK, which browsers never send";
    }
    if (!upper.equals(method) && MethodRules.STANDARD.contains(upper)) {
      return upper + "; methods are case-sensitive, and browsers send the standard ones in upper case";
    }
    if (!rules.knows(method)) {
      return "one of " + String.join(", ", new TreeSet<>(MethodRules.STANDARD))
          + ", or a method named in Gateway.Builder.extensionMethods(...)";
    }
    return null;
  }

  @Override
  public CorsRuntime build(GatewaySpec spec, MethodRules methods) {
    Map<String, CorsPolicy> policies = new LinkedHashMap<>();
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      Cors cors = route.access().cors().orElse(spec.cors());
      if (cors.enabled()) {
        policies.put(route.id(),
            CorsPolicy.of(route.id(), cors, CompiledRoute.allowed(route.match().methods(), methods)));
      }
    }
    return new CorsRuntime(policies);
  }
}
