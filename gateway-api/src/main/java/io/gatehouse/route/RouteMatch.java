package io.gatehouse.route;

import io.gatehouse.internal.Text;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which requests a route takes: the part of a {@link RouteSpec} that routing reads. A request
 * matches when one of the paths, the method, one of the hosts, every condition and every predicate
 * match; an empty list or set places no restriction. Immutable; made by {@link RouteBuilder}
 * ({@code path}, {@code methods}, {@code host}, {@code header}, {@code query}, {@code cookie},
 * {@code predicate}).
 *
 * <p>{@code List<String> patterns = gateway.spec().routes().get(0).match().paths();}
 *
 * @since 0.1
 */
public final class RouteMatch {
  private final List<String> paths;
  private final Set<String> methods;
  private final List<String> hosts;
  private final List<RequestCondition> conditions;
  private final List<RequestPredicate> predicates;

  RouteMatch(List<String> paths, Set<String> methods, List<String> hosts, List<RequestCondition> conditions,
      List<RequestPredicate> predicates) {
    this.paths = List.copyOf(paths);
    this.methods = Collections.unmodifiableSet(new LinkedHashSet<>(methods));
    this.hosts = List.copyOf(hosts);
    this.conditions = List.copyOf(conditions);
    this.predicates = List.copyOf(predicates);
  }

  /**
   * The path patterns, any of which may match.
   *
   * @return the patterns, in declaration order; empty means every path
   */
  public List<String> paths() {
    return paths;
  }

  /**
   * The accepted methods.
   *
   * @return the methods, in declaration order; empty means every method but {@code CONNECT},
   *     {@code TRACE} and extension methods
   */
  public Set<String> methods() {
    return methods;
  }

  /**
   * The host patterns, any of which may match.
   *
   * @return the patterns, in declaration order; empty means every host
   */
  public List<String> hosts() {
    return hosts;
  }

  /**
   * The header, query and cookie conditions, all of which must match.
   *
   * @return the conditions, in declaration order
   */
  public List<RequestCondition> conditions() {
    return conditions;
  }

  /**
   * The custom predicates, all of which must match.
   *
   * @return the predicates, in declaration order
   */
  public List<RequestPredicate> predicates() {
    return predicates;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteMatch m && paths.equals(m.paths) && methods.equals(m.methods) && hosts.equals(m.hosts)
        && conditions.equals(m.conditions) && predicates.equals(m.predicates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(paths, methods, hosts, conditions, predicates);
  }

  @Override
  public String toString() {
    return Text.fields(this, "paths", paths, "methods", methods, "hosts", hosts, "conditions", conditions,
        "predicates", predicates);
  }
}
