package io.gatehouse.route;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.Auth;
import io.gatehouse.edge.IpRules;
import io.gatehouse.edge.Cors;
import io.gatehouse.internal.Text;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitCost;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who may use a route and how much: from which client addresses, how callers authenticate, what
 * they need per method, the route's rate limits and what a request costs in them, how many
 * requests may be in flight, and how large a request body may be. Immutable; made by {@link RouteBuilder} ({@code auth},
 * {@code require}, {@code rateLimit}, {@code rateLimitCost}, {@code concurrencyLimit},
 * {@code maxRequestBody}, {@code ipRules}, {@code cors}).
 *
 * <p>{@code List<AccessRule> rules = route.access().rules();}
 *
 * @since 0.1
 */
public final class RouteAccess {
  private final Optional<Auth> auth;
  private final List<AccessRule> rules;
  private final List<RateLimit> rateLimits;
  private final RateLimitCost rateLimitCost;
  private final Optional<ConcurrencyLimit> concurrencyLimit;
  private final OptionalLong maxRequestBody;
  private final Optional<IpRules> ipRules;
  private final Optional<Cors> cors;

  RouteAccess(Optional<Auth> auth, List<AccessRule> rules, List<RateLimit> rateLimits, RateLimitCost rateLimitCost,
      Optional<ConcurrencyLimit> concurrencyLimit, OptionalLong maxRequestBody, Optional<IpRules> ipRules,
      Optional<Cors> cors) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.rules = List.copyOf(rules);
    this.rateLimits = List.copyOf(rateLimits);
    this.rateLimitCost = Objects.requireNonNull(rateLimitCost, "rateLimitCost");
    this.concurrencyLimit = Objects.requireNonNull(concurrencyLimit, "concurrencyLimit");
    this.maxRequestBody = Objects.requireNonNull(maxRequestBody, "maxRequestBody");
    this.ipRules = Objects.requireNonNull(ipRules, "ipRules");
    this.cors = Objects.requireNonNull(cors, "cors");
  }

  /**
   * How the route authenticates.
   *
   * @return the authentication; empty means the gateway's default
   */
  public Optional<Auth> auth() {
    return auth;
  }

  /**
   * What an authenticated principal needs, per method.
   *
   * @return the access rules, in declaration order; all that apply to a method must pass
   */
  public List<AccessRule> rules() {
    return rules;
  }

  /**
   * The route's own rate limits, checked after the gateway's.
   *
   * @return the limits, in declaration order
   */
  public List<RateLimit> rateLimits() {
    return rateLimits;
  }

  /**
   * The permits a request takes from each limit it passes, the gateway's included.
   *
   * @return the cost; one permit unless set
   */
  public RateLimitCost rateLimitCost() {
    return rateLimitCost;
  }

  /**
   * How many of the route's requests may be in flight at once.
   *
   * @return the limit, or empty for none
   */
  public Optional<ConcurrencyLimit> concurrencyLimit() {
    return concurrencyLimit;
  }

  /**
   * The largest request body, in bytes.
   *
   * @return the limit; empty means the gateway's
   */
  public OptionalLong maxRequestBody() {
    return maxRequestBody;
  }

  /**
   * Which client addresses may use the route.
   *
   * @return the rules; empty means the gateway's
   * @since 0.2
   */
  public Optional<IpRules> ipRules() {
    return ipRules;
  }

  /**
   * Which web pages, by origin, may call the route from a browser.
   *
   * @return the route's CORS policy; empty means the gateway's
   * @since 0.2
   */
  public Optional<Cors> cors() {
    return cors;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteAccess a && auth.equals(a.auth) && rules.equals(a.rules)
        && rateLimits.equals(a.rateLimits) && rateLimitCost.equals(a.rateLimitCost)
        && concurrencyLimit.equals(a.concurrencyLimit) && maxRequestBody.equals(a.maxRequestBody)
        && ipRules.equals(a.ipRules) && cors.equals(a.cors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(auth, rules, rateLimits, rateLimitCost, concurrencyLimit, maxRequestBody, ipRules, cors);
  }

  @Override
  public String toString() {
    return Text.fields(this, "auth", auth, "rules", rules, "rateLimits", rateLimits, "rateLimitCost", rateLimitCost,
        "concurrencyLimit", concurrencyLimit, "maxRequestBody", maxRequestBody, "ipRules", ipRules, "cors", cors);
  }
}
