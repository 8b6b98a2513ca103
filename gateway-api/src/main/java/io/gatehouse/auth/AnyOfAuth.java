package io.gatehouse.auth;

import java.util.List;

/**
 * Accepts a request that any of its alternatives accepts ({@link Auth#anyOf}).
 *
 * <p>{@code Auth.anyOf(Auth.jwt().jwks(url), Auth.apiKey())}
 *
 * @since 0.1
 */
public final class AnyOfAuth implements Auth {
  private final List<Auth> alternatives;

  private AnyOfAuth(List<Auth> alternatives) {
    this.alternatives = alternatives;
  }

  static AnyOfAuth of(List<Auth> alternatives) {
    if (alternatives.size() < 2) {
      throw new IllegalArgumentException("anyOf: " + alternatives.size() + " alternatives (expected: at least 2)");
    }
    for (Auth a : alternatives) {
      if (a instanceof NoAuth) {
        throw new IllegalArgumentException("anyOf: Auth.none() (expected: only kinds that authenticate)");
      }
    }
    return new AnyOfAuth(List.copyOf(alternatives));
  }

  /**
   * The alternatives, in the order they are tried.
   *
   * @return the alternatives
   */
  public List<Auth> alternatives() {
    return alternatives;
  }

  @Override
  public String toString() {
    return "Auth.anyOf" + alternatives;
  }
}
