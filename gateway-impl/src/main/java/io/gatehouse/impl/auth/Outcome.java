package io.gatehouse.impl.auth;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;

/** What an authenticator concluded about one request. */
abstract sealed class Outcome {
  private Outcome() {}

  static Outcome accepted(Principal principal, Request forwarded) {
    return new Accepted(principal, forwarded);
  }

  /**
   * The credentials are wrong.
   *
   * @param challenge the WWW-Authenticate value, with the error parameters the scheme defines
   * @param detail what was wrong, for the problem body: nothing that helps an attacker
   */
  static Outcome rejected(String challenge, String detail) {
    return new Rejected(challenge, detail, detail);
  }

  /**
   * The credentials are wrong, for a reason the client must not learn (such as which keys exist).
   *
   * @param challenge the WWW-Authenticate value, with the error parameters the scheme defines
   * @param detail what the client is told
   * @param reason what was wrong, for the log only; never a credential
   */
  static Outcome rejected(String challenge, String detail, String reason) {
    return new Rejected(challenge, detail, reason);
  }

  /** The credentials could not be checked: a key source or consumer store is down. */
  static Outcome unavailable(String detail) {
    return new Unavailable(detail);
  }

  static final class Accepted extends Outcome {
    final Principal principal;
    /** The request as it goes on: with the credential removed where the kind says so. */
    final Request forwarded;

    Accepted(Principal principal, Request forwarded) {
      this.principal = principal;
      this.forwarded = forwarded;
    }
  }

  static final class Rejected extends Outcome {
    final String challenge;
    final String detail;
    final String reason;

    Rejected(String challenge, String detail, String reason) {
      this.challenge = challenge;
      this.detail = detail;
      this.reason = reason;
    }
  }

  static final class Unavailable extends Outcome {
    final String detail;

    Unavailable(String detail) {
      this.detail = detail;
    }
  }
}
