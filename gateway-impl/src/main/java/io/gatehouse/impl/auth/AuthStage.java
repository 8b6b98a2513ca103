package io.gatehouse.impl.auth;

import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.IdentityHeaders;
import io.gatehouse.auth.Principal;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route's auth stage: removes incoming identity headers, authenticates with the route's
 * authenticators (any of them may accept), authorizes with its access rules, records the
 * principal on the exchange and sets the identity headers. Nothing about a credential is logged.
 */
final class AuthStage implements Stage {
  private static final Logger log = LoggerFactory.getLogger(AuthStage.class);

  private final String routeId;
  private final List<Authenticator> authenticators; // empty: a public route
  private final List<AccessRule> rules;
  private final IdentityHeaders identity;
  private final List<String> identityNames;
  private final boolean bearer; // a bearer-token authenticator is among them: RFC 6750's rules apply
  private final boolean queryTokens; // access_token query parameters are credentials on this route

  AuthStage(String routeId, List<Authenticator> authenticators, List<AccessRule> rules, IdentityHeaders identity) {
    this.routeId = routeId;
    this.authenticators = List.copyOf(authenticators);
    this.rules = List.copyOf(rules);
    this.identity = identity;
    this.identityNames = identity.names();
    this.bearer = authenticators.stream().anyMatch(a -> a instanceof JwtAuthenticator || a instanceof IntrospectionAuthenticator);
    this.queryTokens = authenticators.stream().anyMatch(a -> a instanceof JwtAuthenticator jwt && jwt.readsQueryTokens());
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state, Chain chain) {
    Request request = withoutIdentityHeaders(exchange.request());
    if (authenticators.isEmpty()) {
      return chain.proceed(request == exchange.request() ? exchange : exchange.withRequest(request));
    }
    String ambiguity = Credentials.ambiguity(request, bearer);
    if (ambiguity != null) {
      return done(AuthResponses.invalidRequest(state, bearer, ambiguity));
    }
    List<Authenticator> present = new ArrayList<>(authenticators.size());
    for (Authenticator a : authenticators) {
      if (a.hasCredentials(request)) {
        present.add(a);
      }
    }
    if (present.isEmpty()) {
      return done(AuthResponses.unauthorized(state, challenges(null), "credentials are required"));
    }
    return attempt(present, 0, request, null).thenCompose(outcome -> decide(outcome, exchange, state, chain));
  }

  /** Tries the authenticators in order until one accepts; a rejection remembers the first reason. */
  private CompletionStage<Outcome> attempt(List<Authenticator> present, int index, Request request, Outcome firstFailure) {
    CompletionStage<Outcome> stage;
    try {
      stage = present.get(index).authenticate(request);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage.handle((outcome, failure) -> {
      if (failure != null) {
        log.warn("route '{}': {} failed: {}", routeId, present.get(index).getClass().getSimpleName(), failure.toString());
        return Outcome.unavailable("the credentials cannot be checked now");
      }
      return outcome;
    }).thenCompose(outcome -> {
      if (outcome instanceof Outcome.Accepted || index + 1 == present.size()) {
        return CompletableFuture.completedFuture(worst(firstFailure, outcome));
      }
      return attempt(present, index + 1, request, worst(firstFailure, outcome));
    });
  }

  /** An acceptance wins; else an outage (503) outranks a rejection; else the first rejection. */
  private static Outcome worst(Outcome before, Outcome now) {
    if (before == null || now instanceof Outcome.Accepted) {
      return now;
    }
    return before instanceof Outcome.Rejected && now instanceof Outcome.Unavailable ? now : before;
  }

  private CompletionStage<Response> decide(Outcome outcome, Exchange exchange, RequestState state, Chain chain) {
    if (outcome instanceof Outcome.Unavailable u) {
      return done(AuthResponses.unavailable(state, u.detail));
    }
    if (outcome instanceof Outcome.Rejected r) {
      log.debug("route '{}': credentials rejected: {}", routeId, r.reason);
      return done(AuthResponses.unauthorized(state, challenges(r), r.detail));
    }
    Outcome.Accepted accepted = (Outcome.Accepted) outcome;
    Principal principal = accepted.principal;
    // Whichever kind accepted, a token in the query (perhaps unverified, beside an API key) must
    // not reach the upstream, which may read it.
    Request forwarded = queryTokens ? Credentials.withoutQueryTokens(accepted.forwarded) : accepted.forwarded;
    for (AccessRule rule : rules) {
      if (!rule.appliesTo(exchange.request().method())) {
        continue;
      }
      Response denied = check(rule, principal, forwarded, state);
      if (denied != null) {
        return done(denied);
      }
    }
    state.authenticated(principal);
    return chain.proceed(exchange.withRequest(withIdentity(forwarded, principal)));
  }

  private static Response check(AccessRule rule, Principal principal, Request request, RequestState state) {
    if (!principal.scopes().containsAll(rule.requiredScopes())) {
      boolean bearer = principal.method() == Principal.Method.JWT || principal.method() == Principal.Method.INTROSPECTION;
      String challenge = bearer
          ? "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"" + String.join(" ", rule.requiredScopes()) + "\""
          : null;
      return AuthResponses.forbidden(state, challenge, "the credentials lack a scope this request needs");
    }
    if (!rule.acceptedRoles().isEmpty() && rule.acceptedRoles().stream().noneMatch(principal.roles()::contains)) {
      return AuthResponses.forbidden(state, null, "the credentials lack a role this request needs");
    }
    if (rule.check().isPresent() && !rule.check().get().test(principal, request)) {
      return AuthResponses.forbidden(state, null, "the request is not allowed: " + rule.description());
    }
    return null;
  }

  /** One challenge per authenticator; a rejected one carries its error parameters. */
  private List<String> challenges(Outcome.Rejected rejected) {
    List<String> out = new ArrayList<>(authenticators.size());
    boolean placed = false;
    for (Authenticator a : authenticators) {
      String plain = a.challenge();
      if (plain.isEmpty()) {
        continue; // a kind without an HTTP challenge (client certificates)
      }
      if (!placed && rejected != null && rejected.challenge.startsWith(plain)) {
        out.add(rejected.challenge);
        placed = true;
      } else if (!out.contains(plain)) {
        out.add(plain);
      }
    }
    return out;
  }

  private Request withoutIdentityHeaders(Request request) {
    HttpHeaders headers = request.headers();
    HttpHeaders.Builder stripped = null;
    for (String name : identityNames) {
      if (headers.first(name).isPresent()) {
        if (stripped == null) {
          stripped = headers.toBuilder();
        }
        stripped.remove(name);
      }
    }
    return stripped == null ? request : request.toBuilder().headers(stripped.build()).build();
  }

  private Request withIdentity(Request request, Principal principal) {
    if (identityNames.isEmpty()) {
      return request;
    }
    HttpHeaders.Builder headers = request.headers().toBuilder();
    identity.consumerId().ifPresent(h -> set(headers, h, principal.id()));
    identity.groups().ifPresent(h -> {
      if (!principal.roles().isEmpty()) {
        set(headers, h, String.join(",", principal.roles().stream().sorted().toList()));
      }
    });
    identity.plan().ifPresent(h -> principal.plan().ifPresent(p -> set(headers, h, p)));
    for (Map.Entry<String, String> e : identity.claims().entrySet()) {
      principal.claim(e.getValue()).map(AuthStage::headerText).ifPresent(v -> set(headers, e.getKey(), v));
    }
    return request.toBuilder().headers(headers.build()).build();
  }

  private static String headerText(Object value) {
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return String.join(",", list.stream().map(String.class::cast).toList());
    }
    return null;
  }

  private static void set(HttpHeaders.Builder headers, String name, String value) {
    if (value != null && !value.isEmpty() && HttpHeaders.isValidValue(value)) {
      headers.set(name, value);
    }
  }

  private static CompletionStage<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }

  @Override
  public String toString() {
    return "auth stage of route '" + routeId + "'";
  }
}
