package io.gatehouse.upstream;

import java.util.Objects;

/**
 * What part of a request keeps it sticky: the key of {@link LoadBalancing#CONSISTENT_HASH} and of
 * a deterministic {@link TrafficSplit}.
 *
 * <pre>{@code
 * Upstream.of(a, b, c).consistentHash(HashKey.cookie("session"))
 * TrafficSplit.of(stable, 90).and(canary, 10).stickyOn(HashKey.consumer())
 * }</pre>
 *
 * @param source where the key is read
 * @param name the header or cookie name; empty for the client address and the consumer
 * @since 0.1
 */
public record HashKey(Source source, String name) {

  /**
   * Checks that a name is given exactly when the source needs one.
   *
   * @param source where the key is read
   * @param name the header or cookie name; empty for the client address and the consumer
   */
  public HashKey {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    boolean named = source == Source.HEADER || source == Source.COOKIE;
    if (named == name.isEmpty()) {
      throw new IllegalArgumentException("hash key " + source + ": name: '" + name + "' (expected: "
          + (named ? "a name" : "none") + ")");
    }
  }

  /**
   * The value of a request header (its first value).
   *
   * @param name the header name, compared case-insensitively
   * @return the key
   */
  public static HashKey header(String name) {
    return new HashKey(Source.HEADER, name);
  }

  /**
   * The value of a cookie.
   *
   * @param name the cookie name
   * @return the key
   */
  public static HashKey cookie(String name) {
    return new HashKey(Source.COOKIE, name);
  }

  /**
   * The client's address, as the gateway's trusted proxies let it be known.
   *
   * @return the key
   */
  public static HashKey clientIp() {
    return new HashKey(Source.CLIENT_IP, "");
  }

  /**
   * The authenticated principal's id; anonymous requests have no key.
   *
   * @return the key
   */
  public static HashKey consumer() {
    return new HashKey(Source.CONSUMER, "");
  }

  /** Where a hash key is read. */
  public enum Source {
    /** A request header. */
    HEADER,
    /** A cookie. */
    COOKIE,
    /** The client's address. */
    CLIENT_IP,
    /** The authenticated principal's id. */
    CONSUMER
  }
}
