package io.gatehouse.impl.auth;

import io.gatehouse.http.Request;
import java.util.concurrent.CompletionStage;

/** One way of authenticating a request; thread-safe. */
interface Authenticator {

  /** Whether the request carries this kind of credential at all. */
  boolean hasCredentials(Request request);

  /**
   * Checks the credentials of a request that {@link #hasCredentials has} them. Does not block;
   * the stage completes on the calling thread or on a thread of the gateway's.
   */
  CompletionStage<Outcome> authenticate(Request request);

  /** The WWW-Authenticate challenge for a request without credentials. */
  String challenge();
}
