package io.gatehouse.impl.routing;

import io.gatehouse.http.Request;
import io.gatehouse.route.RequestCondition;
import io.gatehouse.route.RequestPredicate;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.RouteExplanation.Candidate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import io.gatehouse.impl.ingress.MethodRules;

/**
 * Works out {@link io.gatehouse.Gateway#explain}: walks every route in declaration order, as the
 * router would without its trie, and checks each predicate on its own to say why a route does not
 * match. Every verdict comes from the matcher routing uses (the trie for the path,
 * {@link HostPattern}, {@link ConditionMatcher}, the predicates, in the router's order and under
 * the router's conditions), so an explanation cannot disagree with routing; only words are added.
 */
public final class RouteExplainer {
  private static final int MAX_QUOTED = 100;

  private RouteExplainer() {}

  public static RouteExplanation explain(Router router, MethodRules methods, Request asReceived) {
    Objects.requireNonNull(asReceived, "request");
    MethodRules.Outcome checked = methods.apply(asReceived);
    if (checked instanceof MethodRules.Refused refused) {
      return new RouteExplanation(asReceived.method(), asReceived.path(), Optional.empty(), Optional.empty(), List.of(),
          List.of(), Optional.of(refused.status() + " " + refused.title() + ": " + refused.detail()));
    }
    Request received = ((MethodRules.Pass) checked).request();
    String method = received.method();
    String path;
    try {
      path = PathNormalizer.normalize(received.path());
    } catch (InvalidPathException e) {
      return new RouteExplanation(method, received.path(), Optional.empty(), Optional.empty(), List.of(), List.of(),
          Optional.of("400 Bad Request: invalid path: " + e.reason()));
    }
    Request request = path.equals(received.path()) ? received : received.toBuilder().path(path).build();
    RequestView view = new RequestView(request);
    Set<CompiledRoute> pathMatched = Collections.newSetFromMap(new IdentityHashMap<>());
    for (PathMatch<CompiledRoute> match : router.pathMatches(path)) {
      pathMatched.add(match.value());
    }

    List<Candidate> candidates = new ArrayList<>();
    Set<String> allow = new TreeSet<>();
    for (CompiledRoute route : router.routes()) {
      List<String> reasons = new ArrayList<>();
      boolean pathOk = pathMatched.contains(route);
      if (!pathOk) {
        List<String> patterns = route.spec.paths().isEmpty() ? List.of("/**") : route.spec.paths();
        String reason = "path '" + path + "' does not match " + anyOf(patterns);
        if (!router.caseInsensitivePaths() && patterns.stream().anyMatch(p -> PathPattern.parse(p).matchesIgnoringCase(path))) {
          reason += " (it would ignoring case; paths are case-sensitive, see Gateway.Builder.caseInsensitivePaths)";
        }
        reasons.add(reason);
      }
      boolean allButMethod = checkHosts(route, view, reasons) & checkConditions(route, view, reasons) && pathOk;
      // Predicates are user code: run them only where the router does, in its order, so that
      // one that assumes the conditions before it hold is not called when they do not.
      if (allButMethod) {
        for (RequestPredicate predicate : route.predicates()) {
          boolean holds;
          try {
            holds = predicate.test().test(request);
          } catch (RuntimeException e) {
            reasons.add(predicate + " threw " + e);
            candidates.add(new Candidate(route.id(), reasons));
            return new RouteExplanation(method, received.path(), Optional.of(path), Optional.empty(), candidates,
                List.of(), Optional.of("500 Internal Server Error: route '" + route.id() + "': " + predicate + " threw " + e));
          }
          if (!holds) {
            reasons.add(predicate + " is false");
            allButMethod = false;
            break;
          }
        }
      }
      if (!route.allowsMethod(method)) {
        reasons.add("method " + method + " not in " + new TreeSet<>(route.methods()));
      } else if (reasons.isEmpty()) {
        candidates.add(new Candidate(route.id(), reasons));
        return new RouteExplanation(method, received.path(), Optional.of(path), Optional.of(route.id()), candidates,
            route.chain.stages(), Optional.empty());
      }
      if (allButMethod) {
        allow.addAll(route.methods());
      }
      candidates.add(new Candidate(route.id(), reasons));
    }
    String problem = allow.isEmpty()
        ? "404 Not Found: no route matches " + method + " " + path
        : "405 Method Not Allowed: method " + method + " is not allowed here (expected: " + String.join(", ", allow) + ")";
    return new RouteExplanation(method, received.path(), Optional.of(path), Optional.empty(), candidates, List.of(),
        Optional.of(problem));
  }

  /** Whether some host pattern matches, as {@code CompiledRoute.matchesAllButMethod} decides it; else says why not. */
  private static boolean checkHosts(CompiledRoute route, RequestView view, List<String> reasons) {
    List<HostPattern> hosts = route.hosts();
    if (hosts.isEmpty()) {
      return true;
    }
    Optional<String> header = view.request.headers().first("Host");
    String host = header.orElse("");
    for (HostPattern h : hosts) {
      if (h.matches(host)) {
        return true;
      }
    }
    String patterns = anyOf(hosts.stream().map(HostPattern::pattern).toList());
    reasons.add(header.isEmpty()
        ? "header 'Host' is missing (expected: " + patterns + ")"
        : "host " + quoted(host) + " does not match " + patterns);
    return false;
  }

  /** Whether every condition matches; says why for each that does not. */
  private static boolean checkConditions(CompiledRoute route, RequestView view, List<String> reasons) {
    boolean all = true;
    for (ConditionMatcher matcher : route.conditions()) {
      if (matcher.matches(view)) {
        continue;
      }
      all = false;
      RequestCondition c = matcher.condition();
      String subject = c.source().label() + " '" + c.name() + "'";
      String expected = switch (c.match()) {
        case PRESENT -> "";
        case EQUALS -> " (expected: " + quoted(c.value().orElseThrow()) + ")";
        case REGEX -> " (expected: matching /" + c.value().orElseThrow() + "/)";
      };
      List<String> values = matcher.values(view);
      reasons.add(values.isEmpty()
          ? subject + " is missing" + expected
          : subject + " is " + (values.size() == 1 ? quoted(values.get(0))
              : values.stream().map(RouteExplainer::quoted).collect(Collectors.joining(", ", "[", "]"))) + expected);
    }
    return all;
  }

  private static String anyOf(List<String> patterns) {
    return patterns.size() == 1 ? patterns.get(0) : "any of " + String.join(", ", patterns);
  }

  /** A request value in quotes, with control and non-ASCII characters escaped and a long one cut. */
  private static String quoted(String value) {
    StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 5).append('\'');
    for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04X", (int) c));
      }
    }
    return b.append(value.length() > MAX_QUOTED ? "...'" : "'").toString();
  }
}
