package io.gatehouse.route;

import io.gatehouse.internal.Text;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a request goes where it goes: the route that matches it, why each route declared before
 * that one does not, and the stages that would handle it. Made by
 * {@link io.gatehouse.Gateway#explain(io.gatehouse.http.Request)}, which runs no filter and calls
 * no upstream.
 *
 * <pre>{@code
 * RouteExplanation why = gateway.explain(Request.builder("DELETE", "/api/orders/7").build());
 * why.matchedRoute();   // Optional.empty()
 * why.problem();        // Optional[405 Method Not Allowed: method DELETE is not allowed here (expected: GET, HEAD, POST)]
 * System.out.println(why);
 * }</pre>
 *
 * <p>{@link #toString()} renders it for humans, one line per route tried:
 * <pre>
 * GET /api/users/7 -&gt; route 'users'
 *   route 'orders': path '/api/users/7' does not match /api/orders/**
 *   route 'users': matched
 * chain: auth stage of route 'users' -&gt; rate-limit stage of route 'users' -&gt; upstream route:users [http://users:8080] (ROUND_ROBIN)
 * </pre>
 *
 * <p>Exactly one of {@link #matchedRoute()} and {@link #problem()} is present.
 *
 * @param method the request's method
 * @param path the request's path as received, before normalization
 * @param normalizedPath the path the routes are matched against; empty when the path is refused
 * @param matchedRoute the id of the route that handles the request; empty when none does
 * @param candidates the routes tried, in declaration order: up to and including the one that
 *     matches, every route when none matches, none when the path is refused
 * @param chain the names of the stages that would handle the request, in order: global filters,
 *     the built-in stages, the route's filters, then what answers (the upstream or the static
 *     response), as the gateway names them in its logs; empty when no route matches
 * @param problem when no route matches, the status and the reason the gateway would answer with,
 *     such as {@code 404 Not Found: no route matches GET /nope} or
 *     {@code 400 Bad Request: invalid path: encoded '/' (%2F) in path}
 * @since 0.1
 */
public record RouteExplanation(
    String method,
    String path,
    Optional<String> normalizedPath,
    Optional<String> matchedRoute,
    List<Candidate> candidates,
    List<String> chain,
    Optional<String> problem) {

  private static final int MAX_QUOTED = 200;

  /**
   * Copies the lists and checks that exactly one of the matched route and the problem is present.
   *
   * @param method the request's method
   * @param path the request's path as received
   * @param normalizedPath the path the routes are matched against; empty when the path is refused
   * @param matchedRoute the id of the route that handles the request
   * @param candidates the routes tried, in declaration order
   * @param chain the names of the stages that would handle the request, in order
   * @param problem when no route matches, the status and the reason
   */
  public RouteExplanation {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(normalizedPath, "normalizedPath");
    Objects.requireNonNull(matchedRoute, "matchedRoute");
    candidates = List.copyOf(candidates);
    chain = List.copyOf(chain);
    Objects.requireNonNull(problem, "problem");
    if (matchedRoute.isPresent() == problem.isPresent()) {
      throw new IllegalArgumentException("problem: " + Text.quotedOrNone(problem) + " with matchedRoute " + Text.quotedOrNone(matchedRoute)
          + " (expected: a problem exactly when no route matches)");
    }
  }

  /**
   * The multi-line text shown above: the request and its verdict, each route tried with why it
   * does not match, and the chain. Control characters and long values are escaped and cut, so
   * the text is safe to log.
   *
   * @return the explanation as text, lines separated by {@code \n}
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(printable(method)).append(' ').append(printable(path));
    normalizedPath.filter(p -> !p.equals(path)).ifPresent(p -> text.append(" (normalized: ").append(p).append(')'));
    text.append(" -> ").append(matchedRoute.map(id -> "route '" + id + "'").orElseGet(problem::orElseThrow));
    for (Candidate c : candidates) {
      text.append("\n  route '").append(c.routeId()).append("': ")
          .append(c.matched() ? "matched" : String.join("; ", c.mismatches()));
    }
    if (!chain.isEmpty()) {
      text.append("\nchain: ").append(String.join(" -> ", chain));
    }
    return text.toString();
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 3);
    for (int i = 0; i < s.length() && i < MAX_QUOTED; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04X", (int) c));
      }
    }
    return s.length() > MAX_QUOTED ? b.append("...").toString() : b.toString();
  }

  /**
   * One route tried for the request, and why it does not match.
   *
   * <p>{@code why.candidates().get(0).mismatches()} gives
   * {@code [path '/api/users/7' does not match /api/orders/**, method DELETE not in [GET, HEAD, POST]]}.
   *
   * <p>Path, method, host, header, query and cookie are each checked and every failure listed.
   * Custom predicates run only where routing runs them (once path, host, headers, query and
   * cookies match), in order, up to the first that is false or throws.
   *
   * @param routeId the route's id
   * @param mismatches why the route does not match, one reason per failed predicate, such as
   *     {@code header 'X-Beta' is 'false' (expected: 'true')}; empty when it matches
   * @since 0.1
   */
  public record Candidate(String routeId, List<String> mismatches) {

    /**
     * Copies the reasons.
     *
     * @param routeId the route's id
     * @param mismatches why the route does not match; empty when it matches
     */
    public Candidate {
      Objects.requireNonNull(routeId, "routeId");
      mismatches = List.copyOf(mismatches);
    }

    /**
     * Whether the route matches the request.
     *
     * @return true when there is no mismatch
     */
    public boolean matched() {
      return mismatches.isEmpty();
    }
  }
}
