package io.gatehouse.impl.ingress;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.route.RouteSpec;
import java.util.List;
import java.util.TreeSet;

/**
 * Compiles the request methods of a gateway: each route names only methods the gateway routes
 * (case-sensitive, standard or declared extensions); builds the {@link MethodRules}.
 */
public enum MethodCompiler implements FeatureCompiler<FeatureCompiler.None, MethodRules> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    MethodRules rules = new MethodRules(spec);
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      for (String m : new TreeSet<>(route.match().methods())) {
        if (!rules.knows(m)) {
          violations.add(ConfigViolation.ofRoute(route.id(), "methods", "'" + m + "' (expected: one of "
              + String.join(", ", new TreeSet<>(MethodRules.STANDARD))
              + ", or a method named in Gateway.Builder.extensionMethods(...); methods are case-sensitive)"));
        }
      }
    }
  }

  @Override
  public MethodRules build(GatewaySpec spec, None none) {
    return new MethodRules(spec);
  }
}
