package io.gatehouse.impl.compile;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.route.RouteSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How one feature of the gateway (routing, methods, upstreams, auth, rate limits, ingress,
 * observers) compiles, in two steps. {@link #check} adds every mistake in the feature's part of
 * the configuration, each naming its route (or the gateway) and field, and throws nothing;
 * {@link #build} runs only once every feature has checked the spec and none found a mistake, takes
 * what the features built before it need, and makes the feature's run-time objects.
 *
 * <pre>{@code
 * AuthCompiler.INSTANCE.check(spec, violations);               // every feature, then throw if any
 * AuthRuntime auth = AuthCompiler.INSTANCE.build(spec, transport);
 * }</pre>
 *
 * @param <I> what building needs from the features built before; {@link None} when nothing
 * @param <R> what the feature builds
 */
public interface FeatureCompiler<I, R> {

  /**
   * Adds a violation for every mistake in the feature's part of the spec; throws nothing, so that
   * the gateway reports all mistakes of all features at once.
   *
   * @param spec the gateway
   * @param violations where to add them, in the order found
   */
  void check(GatewaySpec spec, List<ConfigViolation> violations);

  /**
   * Makes the feature's run-time objects. Call only with a spec that every feature checked without
   * a violation: building does not check again.
   *
   * @param spec the gateway
   * @param inputs what the features built before provide
   * @return the feature's run-time objects
   */
  R build(GatewaySpec spec, I inputs);

  /** The inputs of a feature that needs nothing built before it. */
  enum None {
    NONE
  }

  /**
   * The routes a per-route check looks at: in declaration order, without a route whose id an
   * earlier route has (routing reports the duplicate; its other mistakes would name the same id).
   *
   * @param spec the gateway
   */
  static List<RouteSpec> distinctRoutes(GatewaySpec spec) {
    Set<String> ids = new HashSet<>();
    List<RouteSpec> routes = new ArrayList<>(spec.routes().size());
    for (RouteSpec route : spec.routes()) {
      if (ids.add(route.id())) {
        routes.add(route);
      }
    }
    return routes;
  }
}
