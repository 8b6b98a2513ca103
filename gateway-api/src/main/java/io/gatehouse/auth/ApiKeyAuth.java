package io.gatehouse.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * API keys of the gateway's consumers ({@link Auth#apiKey()}). The key is read from a header
 * ({@code X-API-Key} by default) or a query parameter, looked up by its SHA-256 hash in the
 * {@link ConsumerStore} and compared in constant time. It is removed from the request before the
 * request goes upstream, unless {@link #forwardKey(boolean) forwardKey(true)}.
 *
 * <p>{@code Auth.apiKey().header("X-Api-Token").query("api_key")}
 *
 * @since 0.1
 */
public final class ApiKeyAuth implements Auth {
  static final ApiKeyAuth DEFAULTS = new ApiKeyAuth("X-API-Key", null, false);

  private final String header;
  private final String query;
  private final boolean forwardKey;

  private ApiKeyAuth(String header, String query, boolean forwardKey) {
    this.header = header;
    this.query = query;
    this.forwardKey = forwardKey;
  }

  /**
   * Reads the key from this header instead of {@code X-API-Key}.
   *
   * @param name a header name
   * @return a changed copy
   */
  public ApiKeyAuth header(String name) {
    return new ApiKeyAuth(Names.header("header", name), query, forwardKey);
  }

  /**
   * Also reads the key from this query parameter (the header wins when both are present). Keys in
   * URLs end up in logs and browser histories: prefer the header.
   *
   * @param name a query parameter name
   * @return a changed copy
   */
  public ApiKeyAuth query(String name) {
    Objects.requireNonNull(name, "query");
    if (name.isBlank()) {
      throw new IllegalArgumentException("query: '" + name + "' (expected: a parameter name)");
    }
    return new ApiKeyAuth(header, name, forwardKey);
  }

  /**
   * Whether the key goes upstream with the request. Off by default: upstreams see the consumer,
   * not the credential.
   *
   * @param forward true to keep the key in the request
   * @return a changed copy
   */
  public ApiKeyAuth forwardKey(boolean forward) {
    return new ApiKeyAuth(header, query, forward);
  }

  /**
   * The header the key is read from.
   *
   * @return the header name
   */
  public String header() {
    return header;
  }

  /**
   * The query parameter the key is read from, if any.
   *
   * @return the parameter name
   */
  public Optional<String> query() {
    return Optional.ofNullable(query);
  }

  /**
   * Whether the key goes upstream.
   *
   * @return true if it is kept in the request
   */
  public boolean forwardsKey() {
    return forwardKey;
  }

  @Override
  public String toString() {
    return "Auth.apiKey(header " + header + (query == null ? "" : ", query " + query) + ")";
  }
}
