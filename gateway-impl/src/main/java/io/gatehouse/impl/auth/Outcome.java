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
    return new Rejected(challenge, detail);
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

    Rejected(String challenge, String detail) {
      this.challenge = challenge;
      this.detail = detail;
    }
  }

  static final class Unavailable extends Outcome {
    final String detail;

    Unavailable(String detail) {
      this.detail = detail;
    }
  }
}
