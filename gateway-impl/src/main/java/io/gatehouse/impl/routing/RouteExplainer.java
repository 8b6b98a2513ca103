package io.gatehouse.impl.routing;

import io.gatehouse.http.Request;
import io.gatehouse.route.RequestCondition;
import io.gatehouse.route.RequestPredicate;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.RouteExplanation.Candidate;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import io.gatehouse.impl.ingress.MethodRules;

/**
 * Works out {@link io.gatehouse.Gateway#explain}: the verdict comes from the router itself
 * ({@link Router#route(Request, Router.Judge)}, the method routing uses), with a judge that says
 * why each route it tries does not match; then every route in declaration order up to the winner
 * is explained, those whose path does not match too. Host and condition checks use the matchers
 * routing uses ({@link HostPattern}, {@link ConditionMatcher}); custom predicates run once, where
 * and in the order routing runs them. So an explanation cannot disagree with routing; only words
 * are added.
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
    Explaining judge = new Explaining(new RequestView(request));
    RouteVerdict verdict;
    try {
      verdict = router.route(request, judge);
    } catch (RuntimeException e) {
      if (judge.thrower == null) {
        throw e;
      }
      verdict = null;
    }

    List<Candidate> candidates = new ArrayList<>();
    for (CompiledRoute route : router.routes()) {
      List<String> reasons = judge.reasons.get(route);
      if (reasons == null) {
        // The router tries every route whose path matches up to the one it stops at, which this walk ends on.
        reasons = new ArrayList<>();
        reasons.add(pathMismatch(route, path, router.caseInsensitivePaths()));
        checkHosts(route, judge.view, reasons);
        checkConditions(route, judge.view, reasons);
      }
      if (route == judge.thrower) {
        candidates.add(new Candidate(route.id(), reasons));
        return new RouteExplanation(method, received.path(), Optional.of(path), Optional.empty(), candidates,
            List.of(), Optional.of("500 Internal Server Error: route '" + route.id() + "': " + judge.threw));
      }
      if (!route.allowsMethod(method)) {
        reasons.add("method " + method + " not in " + new TreeSet<>(route.methods()));
      }
      candidates.add(new Candidate(route.id(), reasons));
      if (verdict instanceof RouteVerdict.Matched matched && matched.route() == route) {
        return new RouteExplanation(method, received.path(), Optional.of(path), Optional.of(route.id()), candidates,
            route.chain.stages(), Optional.empty());
      }
    }
    return new RouteExplanation(method, received.path(), Optional.of(path), Optional.empty(), candidates, List.of(),
        Optional.of(((RouteVerdict.Refused) verdict).explained(request)));
  }

  /** Routing's judge that also says why: host, conditions, then the predicates in order up to the first false one. */
  private static final class Explaining implements Router.Judge {
    final RequestView view;
    final Map<CompiledRoute, List<String>> reasons = new IdentityHashMap<>();
    CompiledRoute thrower;
    String threw;

    Explaining(RequestView view) {
      this.view = view;
    }

    @Override
    public boolean matchesAllButMethod(CompiledRoute route) {
      List<String> why = new ArrayList<>();
      reasons.put(route, why);
      if (!(checkHosts(route, view, why) & checkConditions(route, view, why))) {
        return false;
      }
      // Predicates are user code: the router asks only where it runs them, and they run once, in
      // order, after the conditions, so that one that assumes those hold is not called when they do not.
      for (RequestPredicate predicate : route.predicates()) {
        boolean holds;
        try {
          holds = predicate.test().test(view.request);
        } catch (RuntimeException e) {
          why.add(predicate + " threw " + e);
          thrower = route;
          threw = predicate + " threw " + e;
          throw e;
        }
        if (!holds) {
          why.add(predicate + " is false");
          return false;
        }
      }
      return true;
    }
  }

  private static String pathMismatch(CompiledRoute route, String path, boolean caseInsensitivePaths) {
    List<String> paths = route.spec.match().paths();
    List<String> patterns = paths.isEmpty() ? List.of("/**") : paths;
    String reason = "path '" + path + "' does not match " + anyOf(patterns);
    if (!caseInsensitivePaths && patterns.stream().anyMatch(p -> PathPattern.parse(p).matchesIgnoringCase(path))) {
      reason += " (it would ignoring case; paths are case-sensitive, see Gateway.Builder.caseInsensitivePaths)";
    }
    return reason;
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
