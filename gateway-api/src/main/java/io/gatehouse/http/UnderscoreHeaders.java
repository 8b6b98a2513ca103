package io.gatehouse.http;

/**
 * What the gateway does with a request header whose name contains an underscore, such as
 * {@code X_Consumer_Id}. Many frameworks (CGI, WSGI, PHP, Rails, some Spring setups) map {@code _}
 * and {@code -} to the same variable, so {@code X_Consumer_Id} would read as the identity header
 * the gateway sets, and {@code Content_Length} as framing. nginx drops such headers by default
 * ({@code underscores_in_headers off}), Envoy lets the operator choose
 * ({@code headers_with_underscores_action}); this is the same choice.
 *
 * <p>{@code Gateway.builder().underscoreHeaders(UnderscoreHeaders.REJECT)}
 *
 * @since 0.1
 */
public enum UnderscoreHeaders {
  /** Removes the header before any stage sees it; the request goes on. The default. */
  DROP,
  /** Answers 400 problem+json and closes the connection. */
  REJECT,
  /** Keeps the header: only for upstreams that do not fold {@code _} into {@code -}. */
  ALLOW
}
