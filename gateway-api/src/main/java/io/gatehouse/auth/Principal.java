package io.gatehouse.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who a request was authenticated as. Filters after the auth stage read it with
 * {@code exchange.principal()}; rate limits and metering key on {@link #id()}.
 *
 * <p>{@code exchange.principal().map(Principal::id).orElse("anonymous")}
 *
 * @param id the consumer id, or the token's subject
 * @param method how the request was authenticated
 * @param consumer the consumer, when the credential belongs to one of the gateway's consumers
 * @param scopes the token's scopes (empty for API keys and Basic)
 * @param roles the roles: the token's roles claim, or the consumer's groups
 * @param claims the token's claims or the introspection answer (empty for API keys and Basic);
 *     values are strings, numbers, booleans, lists and maps, as in JSON
 * @since 0.1
 */
public record Principal(String id, Method method, Optional<ApiConsumer> consumer, Set<String> scopes,
    Set<String> roles, Map<String, Object> claims) {

  /**
   * How a principal was authenticated.
   *
   * @since 0.1
   */
  public enum Method {
    /** An API key of a consumer. */
    API_KEY,
    /** A JWT verified by signature. */
    JWT,
    /** An opaque token checked by OAuth2 introspection. */
    INTROSPECTION,
    /** A consumer's Basic-auth password. */
    BASIC,
    /**
     * A client certificate verified in the TLS handshake.
     *
     * @since 0.2
     */
    CLIENT_CERTIFICATE
  }

  /**
   * Copies the collections and checks that nothing is null.
   *
   * @param id the consumer id, or the token's subject
   * @param method how the request was authenticated
   * @param consumer the consumer, when the credential belongs to one of the gateway's consumers
   * @param scopes the token's scopes (empty for API keys and Basic)
   * @param roles the roles: the token's roles claim, or the consumer's groups
   * @param claims the token's claims or the introspection answer (empty for API keys and Basic)
   */
  public Principal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(consumer, "consumer");
    scopes = Set.copyOf(scopes);
    roles = Set.copyOf(roles);
    claims = Map.copyOf(claims);
  }

  /**
   * A consumer's principal: its id, its groups as roles.
   *
   * @param consumer the consumer
   * @param method {@link Method#API_KEY} or {@link Method#BASIC}
   * @return the principal
   */
  public static Principal of(ApiConsumer consumer, Method method) {
    return new Principal(consumer.id(), method, Optional.of(consumer), Set.of(), consumer.groups(), Map.of());
  }

  /**
   * The consumer's usage plan, if the principal is a consumer with one.
   *
   * @return the plan
   */
  public Optional<String> plan() {
    return consumer.flatMap(ApiConsumer::plan);
  }

  /**
   * A claim by name, or by a dotted path into nested claims ({@code realm_access.roles}).
   *
   * @param path the claim name or path
   * @return the value
   */
  public Optional<Object> claim(String path) {
    Objects.requireNonNull(path, "path");
    Object at = claims.get(path);
    if (at != null) {
      return Optional.of(at);
    }
    Object node = claims;
    for (String part : path.split("\\.", -1)) {
      if (!(node instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      node = map.get(part);
    }
    return Optional.ofNullable(node);
  }

  /**
   * A claim as strings: a list's string elements, or a space-separated string split.
   *
   * @param path the claim name or path
   * @return the strings, empty when the claim is absent or of another type
   */
  public List<String> claimStrings(String path) {
    Object value = claim(path).orElse(null);
    if (value instanceof String s) {
      return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }
    if (value instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** Prints the id, method and roles; never the claims, which may hold personal data. */
  @Override
  public String toString() {
    return "Principal[" + id + ", " + method + ", roles " + roles + "]";
  }
}
