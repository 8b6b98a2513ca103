package io.gatehouse.auth;

/**
 * No authentication: {@link Auth#none()}. Identity headers sent by the client are removed on
 * public routes too, so an upstream can trust them.
 *
 * @since 0.1
 */
public final class NoAuth implements Auth {
  static final NoAuth INSTANCE = new NoAuth();

  private NoAuth() {}

  @Override
  public String toString() {
    return "Auth.none()";
  }
}
