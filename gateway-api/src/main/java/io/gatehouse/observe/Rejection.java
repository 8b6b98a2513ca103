package io.gatehouse.observe;

/**
 * Why the gateway answered a request by itself instead of the upstream's answer.
 *
 * <p>{@code record.rejection().filter(r -> r == Rejection.RATE_LIMITED).isPresent()}
 *
 * @since 0.1
 */
public enum Rejection {
  /**
   * The request was malformed (400): an invalid or ambiguous path, a header value with control
   * bytes, a header name with {@code _} when such names are rejected.
   */
  BAD_REQUEST,
  /**
   * The request was over one of the gateway's request limits: its target or query parameters
   * (414), its headers (431) or its body (413).
   */
  TOO_LARGE,
  /** No route matched (404), or none allowed the method (405). */
  NO_ROUTE,
  /** Authentication failed or was missing (401). */
  UNAUTHENTICATED,
  /** The principal lacked a scope, role or check (403). */
  FORBIDDEN,
  /**
   * The client address was refused by the route's (or the gateway's)
   * {@link io.gatehouse.edge.IpRules} (403).
   *
   * @since 0.2
   */
  IP_DENIED,
  /** A rate limit was used up (429). */
  RATE_LIMITED,
  /** A usage plan's quota was used up (429). */
  QUOTA_EXCEEDED,
  /** The route's concurrency limit was full (503). */
  CONCURRENCY_LIMITED,
  /** The route's circuit was open (503, or its fallback). */
  CIRCUIT_OPEN,
  /** No target of the upstream group could take the request (503). */
  NO_UPSTREAM,
  /**
   * The upstream failed or timed out (502, 504), or its response body was cut by the route's
   * {@link io.gatehouse.route.ExchangeDeadline} (the record keeps the status the head had).
   */
  UPSTREAM_FAILED,
  /**
   * Every pooled connection to the upstream stayed busy for the pool's acquire timeout (503 with
   * {@code Retry-After}).
   *
   * @since 0.1
   */
  POOL_EXHAUSTED
}
