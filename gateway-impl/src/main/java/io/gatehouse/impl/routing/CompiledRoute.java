package io.gatehouse.impl.routing;

import io.gatehouse.route.RequestPredicate;
import io.gatehouse.route.RouteSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.gatehouse.impl.chain.FilterChain;
import io.gatehouse.impl.ingress.MethodRules;

/** One route's matcher (everything but the path, which the trie handles) and its chain. */
public final class CompiledRoute {
  public final RouteSpec spec;
  public final FilterChain chain;
  private final Set<String> methods;
  private final Set<String> allowed;
  private final List<HostPattern> hosts;
  private final List<ConditionMatcher> conditions;
  private final List<RequestPredicate> predicates;

  CompiledRoute(RouteSpec spec, Set<String> allowed, List<HostPattern> hosts, List<ConditionMatcher> conditions,
      FilterChain chain) {
    this.spec = spec;
    this.methods = spec.match().methods();
    this.allowed = Set.copyOf(allowed);
    this.hosts = List.copyOf(hosts);
    this.conditions = List.copyOf(conditions);
    this.predicates = spec.match().predicates();
    this.chain = chain;
  }

  public String id() {
    return spec.id();
  }

  /** Whether the route takes the method: one it names, HEAD where it names GET, or any but CONNECT and TRACE when it names none. */
  boolean allowsMethod(String method) {
    return allowed.contains(method);
  }

  /** The methods the route takes, as an {@code Allow} header lists them. */
  Set<String> methods() {
    return allowed;
  }

  /**
   * The methods a route takes, given the ones it names (HEAD goes where GET does, RFC 9110 §9.3.2).
   *
   * @param named the methods the route names; none means any but CONNECT and TRACE
   * @param rules the gateway's method rules
   */
  public static Set<String> allowed(Set<String> named, MethodRules rules) {
    if (named.isEmpty()) {
      return rules.anyMethod();
    }
    Set<String> all = new LinkedHashSet<>(named);
    if (named.contains("GET")) {
      all.add("HEAD");
    }
    return all;
  }

  List<HostPattern> hosts() {
    return hosts;
  }

  List<ConditionMatcher> conditions() {
    return conditions;
  }

  List<RequestPredicate> predicates() {
    return predicates;
  }

  /** Host, header, query, cookie and custom predicates: everything except path and method. */
  boolean matchesAllButMethod(RequestView view) {
    if (!hosts.isEmpty()) {
      String host = view.request.headers().first("Host").orElse("");
      boolean any = false;
      for (HostPattern h : hosts) {
        if (h.matches(host)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    for (ConditionMatcher c : conditions) {
      if (!c.matches(view)) {
        return false;
      }
    }
    for (RequestPredicate p : predicates) {
      if (!p.test().test(view.request)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "route '" + spec.id() + "'";
  }
}
