package io.gatehouse.impl.transform;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.impl.aggregate.FieldFilter;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.routing.PathPattern;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.transform.BodyTransform;
import io.gatehouse.transform.JsonOperation;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the routes' body transformations and compression, and builds their stages. A request
 * transformation needs a route that sends the request on (an upstream, not a fixed response nor an
 * aggregation, which sends its own requests); every pointer must be an RFC 6901 JSON Pointer, below
 * the root where the step needs a parent; a path variable must be one of every path pattern of the
 * route.
 */
public final class TransformCompiler implements FeatureCompiler<FeatureCompiler.None, TransformCompiler.Stages> {
  /** The one instance: compiling keeps no state. */
  public static final TransformCompiler INSTANCE = new TransformCompiler();

  private TransformCompiler() {}

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      route.requestTransform().ifPresent(t -> {
        if (route.destination().staticResponse().isPresent() || route.destination().aggregation().isPresent()) {
          violations.add(ConfigViolation.ofRoute(route.id(), "transformRequest", "on a route that "
              + (route.destination().staticResponse().isPresent() ? "answers with a fixed response" : "aggregates")
              + " (expected: a route with an upstream, which receives the request)"));
        }
        check(route, "transformRequest", t, violations);
      });
      route.responseTransform().ifPresent(t -> check(route, "transformResponse", t, violations));
    }
  }

  private static void check(RouteSpec route, String field, BodyTransform transform, List<ConfigViolation> violations) {
    Set<String> variables = PathPattern.commonVariables(route.match().paths());
    JsonTransform json = (JsonTransform) transform;
    for (JsonOperation op : json.operations()) {
      if (op instanceof JsonOperation.Set set) {
        pointer(route, field + ".set", set.pointer(), true, violations);
        value(route, field + ".set", set.value(), variables, violations);
      } else if (op instanceof JsonOperation.Add add) {
        pointer(route, field + ".add", add.pointer(), false, violations);
        value(route, field + ".add", add.value(), variables, violations);
      } else if (op instanceof JsonOperation.Remove remove) {
        pointer(route, field + ".remove", remove.pointer(), false, violations);
      } else if (op instanceof JsonOperation.Rename rename) {
        pointer(route, field + ".rename", rename.pointer(), false, violations);
      } else if (op instanceof JsonOperation.Move move) {
        boolean from = pointer(route, field + ".move", move.from(), false, violations);
        boolean to = pointer(route, field + ".move", move.to(), false, violations);
        if (from && to && (move.to().startsWith(move.from() + "/") || move.to().equals(move.from()))) {
          violations.add(ConfigViolation.ofRoute(route.id(), field + ".move", "'" + move.from() + "' to '" + move.to()
              + "' (expected: a target outside what moves)"));
        }
      } else if (op instanceof JsonOperation.KeepOnly keep) {
        keep.pointers().forEach(p -> pointer(route, field + ".keepOnly", p, true, violations));
      } else if (op instanceof JsonOperation.Unwrap unwrap) {
        pointer(route, field + ".unwrap", unwrap.pointer(), false, violations);
      }
    }
  }

  /** Adds a violation for a pointer that is not one, or the root where a parent is needed; true when fine. */
  private static boolean pointer(RouteSpec route, String field, String pointer, boolean rootAllowed,
      List<ConfigViolation> violations) {
    Optional<String> problem = FieldFilter.pointerProblem(pointer);
    if (problem.isPresent()) {
      violations.add(ConfigViolation.ofRoute(route.id(), field, problem.get()));
      return false;
    }
    if (!rootAllowed && pointer.isEmpty()) {
      violations.add(ConfigViolation.ofRoute(route.id(), field,
          "'' is the whole body (expected: a pointer below the root, such as /name)"));
      return false;
    }
    return true;
  }

  private static void value(RouteSpec route, String field, TransformValue value, Set<String> variables,
      List<ConfigViolation> violations) {
    if (value.source() == TransformValue.Source.PATH_VARIABLE && !variables.contains(value.name())) {
      violations.add(ConfigViolation.ofRoute(route.id(), field, "pathVariable '" + value.name()
          + "' (expected: a variable of every path pattern of the route: " + variables + ")"));
    }
  }

  @Override
  public Stages build(GatewaySpec spec, None inputs) {
    return new Stages();
  }

  /** The routes' transformation and compression stages. */
  public static final class Stages {
    Stages() {}

    /**
     * The route's body transformation stage.
     *
     * @param route the route
     * @return the stage; empty when the route transforms no body
     */
    public Optional<Stage> transform(RouteSpec route) {
      if (route.requestTransform().isEmpty() && route.responseTransform().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new TransformStage(route.id(), route.requestTransform().map(Stages::side),
          route.responseTransform().map(Stages::side)));
    }

    /**
     * The route's compression stage.
     *
     * @param route the route
     * @return the stage; empty when the route compresses nothing
     */
    public Optional<Stage> compression(RouteSpec route) {
      return route.compression().filter(c -> c.enabled()).map(c -> new CompressionStage(route.id(), c));
    }

    private static TransformStage.Side side(BodyTransform transform) {
      return new TransformStage.Side(transform, JsonRewrite.of((JsonTransform) transform));
    }
  }
}
