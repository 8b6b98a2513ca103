package io.gatehouse.servlet;

/**
 * What {@link GatehouseFilter} does with a request that no route of the gateway matches.
 *
 * <pre>{@code
 * GatehouseFilter filter = GatehouseFilter.builder(gateway).onNoRoute(NoRoute.PASS_THROUGH).build();
 * }</pre>
 *
 * @since 0.1
 */
public enum NoRoute {
  /**
   * Passes the request on down the filter chain, to the application's own servlets, untouched:
   * the gateway neither answers nor logs it. Only a request for which no route matches the path
   * (the gateway would answer 404) passes; a path the gateway refuses (400: an encoded
   * {@code /}, a {@code ;} parameter, {@code ..} above the root), a method no route allows (405)
   * or an unknown method (501) is answered by the gateway, so that no spelling of a gateway path
   * reaches the application's servlets.
   */
  PASS_THROUGH,

  /** Answers as the gateway does: 404 {@code application/problem+json}. The default. */
  RESPOND_404
}
