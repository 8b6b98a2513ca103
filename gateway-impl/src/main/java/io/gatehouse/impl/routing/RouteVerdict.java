package io.gatehouse.impl.routing;

import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.problem.Problems;
import java.util.Map;

/**
 * What routing decides for a normalized request: the route that takes it, or the 404 or 405 the
 * gateway answers. Decided in one place ({@link Router#route}) and read by both the gateway, which
 * runs the route or answers, and {@code Gateway.explain}, which reports the same verdict in the
 * same words; the texts of the refusals live here only.
 *
 * <p>{@code router.route(request) instanceof RouteVerdict.Refused refused ? refused.response(request, id) : ...}
 */
public sealed interface RouteVerdict permits RouteVerdict.Matched, RouteVerdict.Refused {

  /**
   * The first route, in declaration order, whose every predicate and method match.
   *
   * @param variables the path variables its pattern captured, still percent-encoded
   * @param pattern the pattern that matched
   */
  record Matched(CompiledRoute route, Map<String, String> variables, String pattern) implements RouteVerdict {}

  /** No route takes the request: the problem the gateway answers with. */
  sealed interface Refused extends RouteVerdict permits NotFound, MethodNotAllowed {
    /** {@return the status, 404 or 405} */
    int status();

    /** {@return the problem's fixed title} */
    String title();

    /**
     * This refusal in a sentence safe to show the client.
     *
     * @param request the normalized request; under a mount its path is named as the client sent it
     * @return the problem's detail
     */
    String detail(Request request);

    /**
     * The problem+json the gateway answers with.
     *
     * @param request the normalized request
     * @param requestId the request's id
     */
    default Response response(Request request, String requestId) {
      return Problems.response(status(), title(), detail(request), requestId);
    }

    /**
     * The refusal as {@code Gateway.explain} states it: {@code 404 Not Found: no route matches GET /nope}.
     *
     * @param request the normalized request
     * @return status, title and detail
     */
    default String explained(Request request) {
      return status() + " " + title() + ": " + detail(request);
    }
  }

  /** No route matches the request, whatever its method. */
  enum NotFound implements Refused {
    /** The one instance: a miss allocates nothing. */
    INSTANCE;

    @Override
    public int status() {
      return 404;
    }

    @Override
    public String title() {
      return "Not Found";
    }

    /** Under a mount the client sent the mount's prefix too; the detail names the path as the client knows it. */
    @Override
    public String detail(Request request) {
      return "no route matches " + request.method() + " " + request.mountPath() + request.path();
    }
  }

  /**
   * Some route matched all but the method.
   *
   * @param allowHeader the methods of those routes, sorted, as the {@code Allow} header lists them
   */
  record MethodNotAllowed(String allowHeader) implements Refused {
    @Override
    public int status() {
      return 405;
    }

    @Override
    public String title() {
      return "Method Not Allowed";
    }

    @Override
    public String detail(Request request) {
      return "method " + request.method() + " is not allowed here (expected: " + allowHeader + ")";
    }

    /** The problem with the {@code Allow} header (RFC 9110 §15.5.6). */
    @Override
    public Response response(Request request, String requestId) {
      Response problem = Refused.super.response(request, requestId);
      return problem.toBuilder().headers(problem.headers().toBuilder().add("Allow", allowHeader).build()).build();
    }
  }
}
