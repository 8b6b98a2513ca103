package io.gatehouse.metering;

import java.util.Objects;

/**
 * What one consumer did on one route in one window: requests, their status classes and the body
 * bytes both ways. Every request counts in exactly one status class, so the classes add up to
 * {@link #requests()}.
 *
 * <pre>{@code
 * for (Usage u : window.usage()) {
 *   billing.charge(u.consumer(), u.route(), u.success(), u.bytesOut());
 * }
 * }</pre>
 *
 * <p>Names in parentheses are not consumers or routes: {@value #ANONYMOUS} (no principal),
 * {@value #OTHER} (consumers past {@code Metering.maxKeys}), {@value #NO_ROUTE} (no route
 * matched) and {@value #ALL} (in {@link #plus sums}).
 *
 * @param consumer the principal's id, or one of the names in parentheses
 * @param route the route's id, or one of the names in parentheses
 * @param requests the requests that finished
 * @param informational those answered 1xx
 * @param success those answered 2xx
 * @param redirection those answered 3xx
 * @param clientErrors those answered 4xx (including 499: the client left)
 * @param serverErrors those answered 5xx
 * @param bytesIn the request body bytes the gateway read
 * @param bytesOut the response body bytes the gateway sent
 * @since 0.1
 */
public record Usage(
    String consumer,
    String route,
    long requests,
    long informational,
    long success,
    long redirection,
    long clientErrors,
    long serverErrors,
    long bytesIn,
    long bytesOut) {

  /** The consumer of requests without a principal (public routes, failed authentication). */
  public static final String ANONYMOUS = "(anonymous)";

  /** The consumer that requests of (consumer, route) pairs past {@code Metering.maxKeys} count under. */
  public static final String OTHER = "(other)";

  /** The route of requests that matched none (400, 404, 405). */
  public static final String NO_ROUTE = "(none)";

  /** The consumer or route of a sum over several. */
  public static final String ALL = "(all)";

  /**
   * Checks that nothing is null.
   *
   * @param consumer the principal's id, or one of the names in parentheses
   * @param route the route's id, or one of the names in parentheses
   * @param requests the requests that finished
   * @param informational those answered 1xx
   * @param success those answered 2xx
   * @param redirection those answered 3xx
   * @param clientErrors those answered 4xx (including 499: the client left)
   * @param serverErrors those answered 5xx
   * @param bytesIn the request body bytes the gateway read
   * @param bytesOut the response body bytes the gateway sent
   */
  public Usage {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(route, "route");
  }

  /**
   * Nothing yet, of this consumer on this route.
   *
   * <p>{@code Usage total = usages.stream().reduce(Usage.none(Usage.ALL, Usage.ALL), Usage::plus);}
   *
   * @param consumer the consumer
   * @param route the route
   * @return all counts zero
   */
  public static Usage none(String consumer, String route) {
    return new Usage(consumer, route, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /**
   * The sum of this and that. The consumer (and the route) stays if both name the same one, and
   * becomes {@value #ALL} otherwise.
   *
   * <p>{@code Usage both = mondays.plus(tuesdays);}
   *
   * @param that the other usage
   * @return the sum
   */
  public Usage plus(Usage that) {
    return new Usage(
        consumer.equals(that.consumer) ? consumer : ALL,
        route.equals(that.route) ? route : ALL,
        requests + that.requests,
        informational + that.informational,
        success + that.success,
        redirection + that.redirection,
        clientErrors + that.clientErrors,
        serverErrors + that.serverErrors,
        bytesIn + that.bytesIn,
        bytesOut + that.bytesOut);
  }
}
