package io.gatehouse.impl.validation;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.validation.RequestValidation;
import java.util.List;
import java.util.Optional;

/**
 * Checks the routes' request validation and makes their stages. Validation guards what reaches an
 * upstream, so a route that answers by itself or tunnels a WebSocket has nothing for it to guard.
 */
public enum ValidationCompiler implements FeatureCompiler<FeatureCompiler.None, FeatureCompiler.None> {
  /** The one instance. */
  INSTANCE;

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      if (route.validation().isEmpty()) {
        continue;
      }
      if (route.destination().staticResponse().isPresent()) {
        violations.add(ConfigViolation.ofRoute(route.id(), "validate",
            "on a route with a static response (expected: a route with an upstream)"));
      }
      if (route.destination().webSocket().isPresent()) {
        violations.add(ConfigViolation.ofRoute(route.id(), "validate",
            "on a WebSocket route (expected: a route without webSocket())"));
      }
    }
  }

  @Override
  public None build(GatewaySpec spec, None inputs) {
    return None.NONE;
  }

  /**
   * The route's validation stage.
   *
   * @param route the route
   * @return the stage; empty when the route validates nothing
   */
  public static Optional<Stage> stage(RouteSpec route) {
    return route.validation().map(v -> new ValidationStage(route.id(), v));
  }

  /**
   * The stage of a validation, for tests and benchmarks that run it without a gateway.
   *
   * @param routeId the route's id, for names
   * @param validation the validation
   * @return the stage
   */
  public static Stage stage(String routeId, RequestValidation validation) {
    return new ValidationStage(routeId, validation);
  }
}
