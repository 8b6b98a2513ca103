package io.gatehouse.testing;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.route.RouteExplanation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A whole response received in a test, with what routing and the upstreams saw. Check it with
 * {@link io.gatehouse.testing.assertj.GatewayAssertions#assertThat(TestResponse)}.
 *
 * <p>{@code res.status()}, {@code res.routeId()}, {@code res.upstreamRequests().get(0).path()}
 *
 * @since 0.1
 */
public final class TestResponse {
  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final String requestId;
  private final Optional<String> routeId;
  private final List<RecordedRequest> upstreamRequests;
  private final Supplier<RouteExplanation> explanation;

  TestResponse(int status, HttpHeaders headers, byte[] body, String requestId, Optional<String> routeId,
      List<RecordedRequest> upstreamRequests, Supplier<RouteExplanation> explanation) {
    this.status = status;
    this.headers = Objects.requireNonNull(headers);
    this.body = body.clone();
    this.requestId = requestId;
    this.routeId = routeId;
    this.upstreamRequests = List.copyOf(upstreamRequests);
    this.explanation = Objects.requireNonNull(explanation);
  }

  /**
   * The status code.
   *
   * @return the status
   */
  public int status() {
    return status;
  }

  /**
   * The response headers.
   *
   * @return the headers
   */
  public HttpHeaders headers() {
    return headers;
  }

  /**
   * The first value of a response header.
   *
   * @param name the field name, in any case
   * @return the value, or empty
   */
  public Optional<String> header(String name) {
    return headers.first(name);
  }

  /**
   * The body as UTF-8 text.
   *
   * @return the body
   */
  public String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The body bytes.
   *
   * @return a copy of the body
   */
  public byte[] bodyBytes() {
    return body.clone();
  }

  /**
   * The request id the gateway used.
   *
   * @return the id
   */
  public String requestId() {
    return requestId;
  }

  /**
   * The route that matched.
   *
   * @return its id, or empty if no route matched (404, 405, 400)
   */
  public Optional<String> routeId() {
    return routeId;
  }

  /**
   * How the gateway routes the request this response answers: the route that matches, why each
   * route declared before it does not, and the stages that run. Worked out when called, so custom
   * route predicates run again. A failed {@code wasRoutedTo} or {@code wasNotRouted} shows it.
   *
   * <p>{@code System.out.println(res.explanation());}
   *
   * @return the explanation
   */
  public RouteExplanation explanation() {
    return explanation.get();
  }

  /**
   * What the upstreams received for this request, in order.
   *
   * @return the upstream requests; empty if none was called
   */
  public List<RecordedRequest> upstreamRequests() {
    return upstreamRequests;
  }

  @Override
  public String toString() {
    return "TestResponse[" + status + ", route " + routeId.orElse("(none)") + ", " + headers + ", body '"
        + abbreviate(body()) + "']";
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
