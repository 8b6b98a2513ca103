package io.gatehouse.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The headers that tell upstreams who is calling. The gateway removes every one of them from
 * every incoming request, on public routes too, so a client cannot pose as someone else; it then
 * sets them from the authenticated {@link Principal}.
 *
 * <pre>{@code
 * Gateway.builder().identityHeaders(IdentityHeaders.defaults()
 *     .claim("email", "X-User-Email")
 *     .claim("tenant", "X-Tenant-Id"));
 * }</pre>
 *
 * <p>Defaults: {@code X-Consumer-Id} (the principal id), {@code X-Consumer-Groups} (its roles,
 * comma-separated), {@code X-Consumer-Plan} (the consumer's plan). A value that cannot be a header
 * value (a claim with a line break) is left out.
 *
 * @since 0.1
 */
public final class IdentityHeaders {
  private static final IdentityHeaders DEFAULTS =
      new IdentityHeaders("X-Consumer-Id", "X-Consumer-Groups", "X-Consumer-Plan", Map.of());
  private static final IdentityHeaders NONE = new IdentityHeaders(null, null, null, Map.of());

  private final String consumerId;
  private final String groups;
  private final String plan;
  private final Map<String, String> claims;

  private IdentityHeaders(String consumerId, String groups, String plan, Map<String, String> claims) {
    this.consumerId = consumerId;
    this.groups = groups;
    this.plan = plan;
    this.claims = claims;
  }

  /**
   * {@code X-Consumer-Id}, {@code X-Consumer-Groups} and {@code X-Consumer-Plan}.
   *
   * @return the defaults
   */
  public static IdentityHeaders defaults() {
    return DEFAULTS;
  }

  /**
   * No identity headers at all; add some with the setters.
   *
   * @return the empty set
   */
  public static IdentityHeaders none() {
    return NONE;
  }

  /**
   * The header that carries the principal id.
   *
   * @param header a header name
   * @return a changed copy
   */
  public IdentityHeaders consumerId(String header) {
    return new IdentityHeaders(Names.header("consumerId", header), groups, plan, claims);
  }

  /**
   * The header that carries the principal's roles, comma-separated.
   *
   * @param header a header name
   * @return a changed copy
   */
  public IdentityHeaders groups(String header) {
    return new IdentityHeaders(consumerId, Names.header("groups", header), plan, claims);
  }

  /**
   * The header that carries the consumer's plan.
   *
   * @param header a header name
   * @return a changed copy
   */
  public IdentityHeaders plan(String header) {
    return new IdentityHeaders(consumerId, groups, Names.header("plan", header), claims);
  }

  /**
   * Copies a claim (name or dotted path) into a header: strings as they are, numbers and booleans
   * as text, lists of strings comma-separated.
   *
   * @param claim the claim name or path
   * @param header a header name
   * @return a changed copy
   */
  public IdentityHeaders claim(String claim, String header) {
    Map<String, String> copy = new LinkedHashMap<>(claims);
    copy.put(Names.header("header", header), Names.notBlank("claim", claim));
    return new IdentityHeaders(consumerId, groups, plan, Collections.unmodifiableMap(copy));
  }

  /**
   * The header of the principal id.
   *
   * @return the header name, if set
   */
  public Optional<String> consumerId() {
    return Optional.ofNullable(consumerId);
  }

  /**
   * The header of the roles.
   *
   * @return the header name, if set
   */
  public Optional<String> groups() {
    return Optional.ofNullable(groups);
  }

  /**
   * The header of the plan.
   *
   * @return the header name, if set
   */
  public Optional<String> plan() {
    return Optional.ofNullable(plan);
  }

  /**
   * The claim headers: header name to claim path, in declaration order.
   *
   * @return the mapping
   */
  public Map<String, String> claims() {
    return claims;
  }

  /**
   * Every header name this set controls: the ones removed from incoming requests.
   *
   * @return the header names
   */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    consumerId().ifPresent(names::add);
    groups().ifPresent(names::add);
    plan().ifPresent(names::add);
    names.addAll(claims.keySet());
    return List.copyOf(names);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentityHeaders h && Objects.equals(consumerId, h.consumerId)
        && Objects.equals(groups, h.groups) && Objects.equals(plan, h.plan) && claims.equals(h.claims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(consumerId, groups, plan, claims);
  }

  @Override
  public String toString() {
    return "IdentityHeaders" + names();
  }
}
