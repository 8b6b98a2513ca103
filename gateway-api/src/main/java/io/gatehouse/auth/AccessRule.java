package io.gatehouse.auth;

import io.gatehouse.http.Request;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * What an authenticated principal needs to use a route, for all methods or for some. Every rule
 * of a route that applies to the request's method must pass; a failing rule answers 403.
 *
 * <pre>{@code
 * r.require(AccessRule.scopes("orders:read").on("GET", "HEAD"))
 *  .require(AccessRule.scopes("orders:write").on("POST", "PUT", "DELETE"))
 *  .require(AccessRule.roles("admin").on("DELETE"))
 *  .require(AccessRule.check("tenant matches the path",
 *      (principal, request) -> request.path().startsWith("/tenants/" + principal.claim("tenant").orElse("-") + "/")));
 * }</pre>
 *
 * @since 0.1
 */
public final class AccessRule {
  private final Set<String> methods;
  private final Set<String> scopes;
  private final Set<String> roles;
  private final String description;
  private final BiPredicate<Principal, Request> check;

  private AccessRule(Set<String> methods, Set<String> scopes, Set<String> roles, String description,
      BiPredicate<Principal, Request> check) {
    this.methods = ordered(methods);
    this.scopes = ordered(scopes);
    this.roles = ordered(roles);
    this.description = description;
    this.check = check;
  }

  /**
   * Requires every one of these scopes ({@code scope} or {@code scp} claims). Answers 403 with
   * {@code WWW-Authenticate: Bearer error="insufficient_scope"} when one is missing.
   *
   * @param scopes one or more scopes, all required
   * @return the rule, for every method
   */
  public static AccessRule scopes(String... scopes) {
    Set<String> s = nonEmpty("scopes", scopes);
    return new AccessRule(Set.of(), s, Set.of(), "scopes " + String.join(" ", s), null);
  }

  /**
   * Requires at least one of these roles (the token's roles claim, or the consumer's groups).
   *
   * @param roles one or more roles, any of which is enough
   * @return the rule, for every method
   */
  public static AccessRule roles(String... roles) {
    Set<String> r = nonEmpty("roles", roles);
    return new AccessRule(Set.of(), Set.of(), r, "one of the roles " + String.join(", ", r), null);
  }

  /**
   * Requires a custom check to pass. It runs on the request's thread (maybe an I/O thread): keep
   * it quick and non-blocking. If it throws, the request gets 500.
   *
   * @param description what the check requires, for logs and error details
   * @param check true to allow
   * @return the rule, for every method
   */
  public static AccessRule check(String description, BiPredicate<Principal, Request> check) {
    return new AccessRule(Set.of(), Set.of(), Set.of(), Names.notBlank("description", description),
        Objects.requireNonNull(check, "check"));
  }

  /**
   * Limits the rule to these methods.
   *
   * @param methods HTTP methods, such as {@code GET}
   * @return a changed copy
   */
  public AccessRule on(String... methods) {
    Set<String> m = new LinkedHashSet<>();
    for (String method : methods) {
      m.add(Names.notBlank("method", method).toUpperCase(Locale.ROOT));
    }
    if (m.isEmpty()) {
      throw new IllegalArgumentException("methods: none (expected: at least one)");
    }
    return new AccessRule(m, scopes, roles, description, check);
  }

  /**
   * Whether the rule applies to requests with this method. A rule on {@code GET} applies to
   * {@code HEAD} too, as HEAD is routed as its GET (RFC 9110 §9.3.2): a HEAD must not read what
   * a GET may not.
   *
   * @param method the request method
   * @return true if it applies
   */
  public boolean appliesTo(String method) {
    return methods.isEmpty() || methods.contains(method) || (method.equals("HEAD") && methods.contains("GET"));
  }

  /**
   * The methods the rule applies to; empty means all.
   *
   * @return the methods
   */
  public Set<String> methods() {
    return methods;
  }

  /**
   * The scopes required, all of them.
   *
   * @return the scopes
   */
  public Set<String> requiredScopes() {
    return scopes;
  }

  /**
   * The roles, any of which is enough.
   *
   * @return the roles
   */
  public Set<String> acceptedRoles() {
    return roles;
  }

  /**
   * The custom check, if this is one.
   *
   * @return the check
   */
  public Optional<BiPredicate<Principal, Request>> check() {
    return Optional.ofNullable(check);
  }

  /**
   * What the rule requires, in words.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return "AccessRule[" + description + (methods.isEmpty() ? "" : " on " + methods) + "]";
  }

  private static Set<String> ordered(Set<String> values) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(values));
  }

  private static Set<String> nonEmpty(String field, String... values) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : List.of(values)) {
      if (v.isBlank() || v.chars().anyMatch(c -> c <= 0x20 || c == '"' || c == '\\' || c >= 0x7f)) {
        throw new IllegalArgumentException(field + ": '" + v + "' (expected: visible ASCII without spaces, '\"' or '\\')");
      }
      out.add(v);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(field + ": none (expected: at least one)");
    }
    return out;
  }
}
