package io.gatehouse.filter;

import io.gatehouse.TimeSource;
import io.gatehouse.auth.Principal;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.util.Map;
import java.util.Optional;

/**
 * One request on its way through a route: the current request and the context that stays with
 * it (request id, route, path variables, attributes). The request is immutable;
 * {@link #withRequest} derives an exchange that carries a changed request and the same context.
 *
 * <pre>{@code
 * Filter addTenant = (exchange, chain) -> {
 *   String tenant = exchange.pathVariables().getOrDefault("tenant", "none");
 *   return chain.proceed(exchange.withRequest(
 *       exchange.request().toBuilder().header("X-Tenant", tenant).build()));
 * };
 * }</pre>
 *
 * <p>Attributes are safe to read and write from any thread.
 *
 * @since 0.1
 */
public interface Exchange {

  /**
   * The request as it now stands, with the normalized path.
   *
   * @return the current request
   */
  Request request();

  /**
   * An exchange with a changed request and the same context.
   *
   * @param request the new request
   * @return the derived exchange
   */
  Exchange withRequest(Request request);

  /**
   * The id of this request, sent upstream and in every problem response as {@code X-Request-Id}.
   *
   * @return the request id
   */
  String requestId();

  /**
   * The id of the route that matched.
   *
   * @return the route id
   */
  String routeId();

  /**
   * The values of the route's path template variables, such as {@code id} for {@code /orders/{id}},
   * still percent-encoded.
   *
   * @return the variables by name; empty if the route has none
   */
  Map<String, String> pathVariables();

  /**
   * The client's address, as the trusted proxies let it be known: the peer's address, or, when the
   * peer is a trusted proxy, the nearest {@code X-Forwarded-For} hop that is not one. It is the
   * address that {@link io.gatehouse.edge.IpRules}, per-IP rate limits and the access log use,
   * resolved once from the request as it arrived, so a filter that changes
   * {@code X-Forwarded-For} does not change it.
   *
   * <p>{@code boolean internal = exchange.clientAddress().startsWith("10.");}
   *
   * @return a canonical literal: a dotted quad, or RFC 5952 IPv6 text ({@code 2001:db8::1});
   *     an IPv4-mapped IPv6 address as its IPv4 address; for a peer without an IP address (a
   *     server adapter on another transport), the name the adapter gave it
   * @since 0.2
   */
  String clientAddress();

  /**
   * The gateway's time source: measure durations on its {@code nanoTime()} and read calendar time
   * from its {@code wallClock()}, not from the system, so tests can control time.
   *
   * @return the time source given to the gateway builder
   */
  TimeSource time();

  /**
   * Reads an attribute.
   *
   * @param key the key
   * @param <T> the value's type
   * @return the value, or empty if unset
   */
  <T> Optional<T> attribute(AttributeKey<T> key);

  /**
   * Writes an attribute, visible to every later step of this exchange.
   *
   * @param key the key
   * @param value the value
   * @param <T> the value's type
   */
  <T> void attribute(AttributeKey<T> key, T value);

  /**
   * Who the request was authenticated as, once the auth stage has run: empty on public routes and
   * in global filters, which run before it.
   *
   * @return the principal
   */
  Optional<Principal> principal();

  /**
   * A problem response ({@code application/problem+json}, RFC 9457) in the gateway's format,
   * carrying this exchange's request id.
   *
   * @param status 400 to 599
   * @param title a short, fixed summary of the problem type, such as {@code Forbidden}
   * @param detail an explanation of this occurrence; nothing that helps an attacker
   * @return the response
   */
  Response problem(int status, String title, String detail);
}
