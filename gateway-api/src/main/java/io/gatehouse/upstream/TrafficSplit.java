package io.gatehouse.upstream;

import io.gatehouse.filter.RequestKey;
import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Splits a route's traffic between upstreams: first by rules (a header or cookie value sends the
 * request to a given upstream, such as beta users to the canary), then by weight (90/10). With
 * {@link #stickyOn(RequestKey)}, the weighted choice is a function of the key, so one user keeps
 * seeing the same version; requests without the key are split at random.
 *
 * <pre>{@code
 * r.split(TrafficSplit.of(stable, 90).and(canary, 10)
 *     .stickyOn(RequestKey.consumer())
 *     .whenHeader("X-Beta", "true", canary))
 * }</pre>
 *
 * @since 0.1
 */
public final class TrafficSplit {
  private final List<Rule> rules;
  private final List<Branch> branches;
  private final Optional<RequestKey> stickyOn;

  private TrafficSplit(List<Rule> rules, List<Branch> branches, Optional<RequestKey> stickyOn) {
    rules = List.copyOf(rules);
    branches = List.copyOf(branches);
    Objects.requireNonNull(stickyOn, "stickyOn");
    if (branches.isEmpty()) {
      throw new IllegalArgumentException("split branches: none (expected: at least one weighted upstream)");
    }
    this.rules = rules;
    this.branches = branches;
    this.stickyOn = stickyOn;
  }

  /**
   * The rules, checked in order before the weights.
   *
   * @return the setting
   */
  public List<Rule> rules() {
    return rules;
  }

  /**
   * The weighted upstreams.
   *
   * @return the setting
   */
  public List<Branch> branches() {
    return branches;
  }

  /**
   * The key that makes the weighted choice deterministic.
   *
   * @return the setting
   */
  public Optional<RequestKey> stickyOn() {
    return stickyOn;
  }

  /**
   * Whether another TrafficSplit has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof TrafficSplit o && rules.equals(o.rules)
        && branches.equals(o.branches)
        && stickyOn.equals(o.stickyOn);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(rules, branches, stickyOn);
  }

  /**
   * A split whose first branch takes this weight.
   *
   * @param upstream the upstream
   * @param weight its share, 1 to 10,000
   * @return the split
   */
  public static TrafficSplit of(Upstream upstream, int weight) {
    return new TrafficSplit(List.of(), List.of(new Branch(upstream, weight)), Optional.empty());
  }

  /**
   * Adds a weighted branch.
   *
   * @param upstream the upstream
   * @param weight its share, 1 to 10,000
   * @return a changed copy
   */
  public TrafficSplit and(Upstream upstream, int weight) {
    List<Branch> more = new ArrayList<>(branches);
    more.add(new Branch(upstream, weight));
    return new TrafficSplit(rules, more, stickyOn);
  }

  /**
   * Sends requests whose header has this value to an upstream, before the weights apply.
   *
   * @param header the header name, compared case-insensitively
   * @param value the exact value
   * @param upstream where such requests go
   * @return a changed copy
   */
  public TrafficSplit whenHeader(String header, String value, Upstream upstream) {
    return withRule(new Rule(RequestKey.header(header), value, upstream));
  }

  /**
   * Sends requests whose cookie has this value to an upstream, before the weights apply.
   *
   * @param cookie the cookie name
   * @param value the exact value
   * @param upstream where such requests go
   * @return a changed copy
   */
  public TrafficSplit whenCookie(String cookie, String value, Upstream upstream) {
    return withRule(new Rule(RequestKey.cookie(cookie), value, upstream));
  }

  /**
   * Makes the weighted choice a function of a key.
   *
   * @param key the key
   * @return a changed copy
   */
  public TrafficSplit stickyOn(RequestKey key) {
    return new TrafficSplit(rules, branches, Optional.of(Objects.requireNonNull(key, "key")));
  }

  /**
   * Replaces every upstream of the split, keeping rules, weights and key (for tools that point a
   * configuration elsewhere, such as a test's redirect to local stubs).
   *
   * <p>{@code split.withUpstreams(u -> u.named().isPresent() ? local : u)}
   *
   * @param change gives each upstream's replacement
   * @return a changed copy
   * @since 0.1
   */
  public TrafficSplit withUpstreams(UnaryOperator<Upstream> change) {
    Objects.requireNonNull(change, "change");
    return new TrafficSplit(
        rules.stream().map(r -> new Rule(r.key(), r.value(), change.apply(r.upstream()))).toList(),
        branches.stream().map(b -> new Branch(change.apply(b.upstream()), b.weight())).toList(),
        stickyOn);
  }

  @Override
  public String toString() {
    return Text.fields(this, "rules", rules, "branches", branches, "stickyOn", stickyOn);
  }

  private TrafficSplit withRule(Rule rule) {
    List<Rule> more = new ArrayList<>(rules);
    more.add(rule);
    return new TrafficSplit(more, branches, stickyOn);
  }

  /**
   * A weighted upstream of a split.
   *
   * @param upstream the upstream
   * @param weight its share, 1 to 10,000
   */
  public record Branch(Upstream upstream, int weight) {

    /**
     * Checks the weight.
     *
     * @param upstream the upstream
     * @param weight its share, 1 to 10,000
     */
    public Branch {
      Objects.requireNonNull(upstream, "upstream");
      Check.between("split weight", weight, 1, 10_000);
    }
  }

  /**
   * A rule of a split: requests whose header or cookie has the value go to the upstream.
   *
   * @param key the header or cookie
   * @param value the exact value
   * @param upstream where matching requests go
   */
  public record Rule(RequestKey key, String value, Upstream upstream) {

    /**
     * Checks that the key names a header or cookie.
     *
     * @param key the header or cookie
     * @param value the exact value
     * @param upstream where matching requests go
     */
    public Rule {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(upstream, "upstream");
      if (key.kind() != RequestKey.Kind.HEADER && key.kind() != RequestKey.Kind.COOKIE) {
        throw new IllegalArgumentException("split rule key: " + key.kind() + " (expected: HEADER or COOKIE)");
      }
    }
  }
}
