package io.gatehouse.auth;

/**
 * HTTP Basic authentication (RFC 7617, {@link Auth#basic()}) against the passwords of the
 * gateway's consumers: the user name is the consumer id. Passwords are stored as PBKDF2 hashes
 * ({@link PasswordHash}) and checked off the caller's thread; the {@code Authorization} header
 * does not go upstream.
 *
 * <p>{@code Auth.basic().realm("internal")}
 *
 * @since 0.1
 */
public final class BasicAuth implements Auth {
  static final BasicAuth DEFAULTS = new BasicAuth("gatehouse");

  private final String realm;

  private BasicAuth(String realm) {
    this.realm = realm;
  }

  /**
   * The realm named in the {@code WWW-Authenticate} challenge. Defaults to {@code gatehouse}.
   *
   * @param realm printable ASCII without {@code "} or {@code \}
   * @return a changed copy
   */
  public BasicAuth realm(String realm) {
    Names.notBlank("realm", realm);
    if (!realm.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
      throw new IllegalArgumentException("realm: '" + realm + "' (expected: printable ASCII without '\"' or '\\')");
    }
    return new BasicAuth(realm);
  }

  /**
   * The realm of the challenge.
   *
   * @return the realm
   */
  public String realm() {
    return realm;
  }

  @Override
  public String toString() {
    return "Auth.basic(realm " + realm + ")";
  }
}
