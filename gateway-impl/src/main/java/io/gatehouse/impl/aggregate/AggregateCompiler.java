package io.gatehouse.impl.aggregate;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.routing.PathPattern;
import io.gatehouse.route.RouteSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks aggregating routes at build(): each backend's path and header templates, that every
 * variable they use is a path variable of every path pattern of the route or is bound, that every
 * binding names a backend of an earlier step (so steps cannot form a cycle) with a valid JSON
 * Pointer and is used, the field filters' pointers, and that keys are unique. Fields are named
 * {@code aggregate[key].path}. The upstreams' URLs and which terminal a route has are checked with
 * the other upstreams, by {@code ProxyCompiler}; the terminal is built by {@code ProxyPlans}.
 */
public enum AggregateCompiler implements FeatureCompiler<FeatureCompiler.None, FeatureCompiler.None> {
  /** The one instance: checking keeps no state. */
  INSTANCE;

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      route.destination().aggregation().ifPresent(a -> check(route, a, violations));
    }
  }

  @Override
  public None build(GatewaySpec spec, None inputs) {
    return None.NONE;
  }

  private static void check(RouteSpec route, Aggregation aggregation, List<ConfigViolation> violations) {
    String id = route.id();
    Set<String> pathVariables = pathVariables(route);
    Set<String> earlier = new LinkedHashSet<>();
    Set<String> keys = new HashSet<>();
    for (List<Backend> step : aggregation.steps()) {
      Set<String> thisStep = new LinkedHashSet<>();
      step.forEach(b -> thisStep.add(b.key()));
      for (Backend backend : step) {
        String field = "aggregate[" + backend.key() + "]";
        if (!keys.add(backend.key())) {
          violations.add(ConfigViolation.ofRoute(id, field,
              "the key '" + backend.key() + "' is used by more than one backend (expected: unique keys)"));
        }
        Set<String> used = new LinkedHashSet<>();
        try {
          Template path = Template.path(backend.path());
          used.addAll(path.variables());
          unknownVariables(id, field + ".path", backend.path(), path.variables(), backend, pathVariables, violations);
        } catch (IllegalArgumentException e) {
          violations.add(ConfigViolation.ofRoute(id, field + ".path", e.getMessage()));
        }
        for (Map.Entry<String, String> header : backend.headers().entrySet()) {
          String headerField = field + ".header[" + header.getKey() + "]";
          try {
            Template value = Template.header(header.getValue());
            used.addAll(value.variables());
            unknownVariables(id, headerField, header.getValue(), value.variables(), backend, pathVariables, violations);
          } catch (IllegalArgumentException e) {
            violations.add(ConfigViolation.ofRoute(id, headerField, e.getMessage()));
          }
        }
        for (Map.Entry<String, Backend.Binding> bind : backend.bindings().entrySet()) {
          checkBinding(id, field + ".bind[" + bind.getKey() + "]", backend.key(), bind.getKey(), bind.getValue(), used,
              earlier, thisStep, pathVariables, violations);
        }
        pointers(id, field + ".allow", backend.allow(), violations);
        pointers(id, field + ".deny", backend.deny(), violations);
      }
      earlier.addAll(thisStep);
    }
  }

  private static void checkBinding(String id, String field, String self, String variable, Backend.Binding bind,
      Set<String> used, Set<String> earlier, Set<String> thisStep, Set<String> pathVariables,
      List<ConfigViolation> violations) {
    String from = bind.backend();
    if (!earlier.contains(from)) {
      String problem = from.equals(self) ? "is the backend itself"
          : thisStep.contains(from) ? "is in the same step, which runs in parallel"
          : "is not a backend of an earlier step";
      violations.add(ConfigViolation.ofRoute(id, field, "'" + from + "' " + problem
          + " (expected: a backend of an earlier step" + (earlier.isEmpty() ? "; add this one with then(...)" : ": "
          + String.join(", ", earlier)) + ")"));
    }
    FieldFilter.pointerProblem(bind.pointer()).ifPresent(p -> violations.add(ConfigViolation.ofRoute(id, field, p)));
    if (pathVariables.contains(variable)) {
      violations.add(ConfigViolation.ofRoute(id, field,
          "'" + variable + "' hides the route's path variable {" + variable + "} (expected: another name)"));
    }
    if (!used.contains(variable)) {
      violations.add(ConfigViolation.ofRoute(id, field,
          "'" + variable + "' is used by neither the path nor a header (expected: {" + variable + "} in one of them)"));
    }
  }

  private static void unknownVariables(String id, String field, String template, Set<String> variables,
      Backend backend, Set<String> pathVariables, List<ConfigViolation> violations) {
    for (String v : variables) {
      if (!pathVariables.contains(v) && !backend.bindings().containsKey(v)) {
        List<String> known = new ArrayList<>(pathVariables);
        known.addAll(backend.bindings().keySet());
        violations.add(ConfigViolation.ofRoute(id, field, "'" + template + "' uses {" + v
            + "} (expected: a path variable of every path pattern of the route, or a variable bound with bind(...)"
            + (known.isEmpty() ? "" : ": " + String.join(", ", known)) + ")"));
      }
    }
  }

  private static void pointers(String id, String field, List<String> pointers, List<ConfigViolation> violations) {
    for (String p : pointers) {
      FieldFilter.pointerProblem(p).ifPresent(problem -> violations.add(ConfigViolation.ofRoute(id, field, problem)));
    }
  }

  /** The variables every path pattern of the route has; none without patterns. */
  private static Set<String> pathVariables(RouteSpec route) {
    return PathPattern.commonVariables(route.match().paths());
  }

}
