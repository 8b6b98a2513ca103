package io.gatehouse.impl.auth;

import io.gatehouse.filter.Exchange;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.observe.Rejection;
import java.util.List;

/** The auth stage's own answers: problem+json with the challenges RFC 9110 and RFC 6750 ask for. */
final class AuthResponses {
  private AuthResponses() {}

  static Response unauthorized(RequestState state, List<String> challenges, String detail) {
    state.reject(Rejection.UNAUTHENTICATED);
    Response problem = state.problem(401, "Unauthorized", detail);
    HttpHeaders.Builder headers = problem.headers().toBuilder();
    for (String challenge : challenges) {
      headers.add("WWW-Authenticate", challenge);
    }
    return problem.toBuilder().headers(headers.build()).build();
  }

  /** @param challenge the bearer challenge for a missing scope, or null */
  static Response forbidden(RequestState state, String challenge, String detail) {
    state.reject(Rejection.FORBIDDEN);
    Response problem = state.problem(403, "Forbidden", detail);
    if (challenge == null) {
      return problem;
    }
    return problem.toBuilder().headers(problem.headers().toBuilder().add("WWW-Authenticate", challenge).build()).build();
  }

  /** 400 for credentials that are ambiguous (RFC 6750 section 3.1 {@code invalid_request}); nothing is checked. */
  static Response invalidRequest(RequestState state, boolean bearer, String detail) {
    state.reject(Rejection.UNAUTHENTICATED);
    Response problem = state.problem(400, "Bad Request", detail);
    if (!bearer) {
      return problem;
    }
    return problem.toBuilder().headers(problem.headers().toBuilder().add("WWW-Authenticate",
        "Bearer realm=\"gatehouse\", error=\"invalid_request\", error_description=" + Credentials.quoted(detail)).build()).build();
  }

  static Response unavailable(RequestState state, String detail) {
    return state.problem(503, "Service Unavailable", detail);
  }
}
