package io.gatehouse.filter;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.internal.Text;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What part of a request a feature keys on: a header, a cookie, a query parameter, the client's
 * address, the consumer, the route, or a function of the {@link Exchange}. Rate limits count per
 * key ({@code RateLimit.keyedBy}), consistent hashing keeps a key on one target
 * ({@code Upstream.consistentHash}), and a sticky split sends a key to one branch
 * ({@code TrafficSplit.stickyOn}); all of them read a key the same way.
 *
 * <pre>{@code
 * RateLimit.keyedBy(RequestKey.header("X-Tenant"), 100).per(Duration.ofMinutes(1))
 * Upstream.of(a, b, c).consistentHash(RequestKey.cookie("session"))
 * TrafficSplit.of(stable, 90).and(canary, 10).stickyOn(RequestKey.consumer())
 * RequestKey.custom("plan", exchange -> exchange.principal().flatMap(Principal::plan))
 * }</pre>
 *
 * <p>A request may have no value for a key (no such header, an anonymous caller); what it gets
 * then is up to the feature: a rate limit's {@code whenKeyMissing}, a random target or branch for
 * hashing and splits. A key that needs the principal ({@link #consumer()}, and a
 * {@link #custom custom} one, which may read it) is known only after authentication: a rate limit
 * checked before authentication may not use it ({@code build()} says so).
 *
 * <p>The part this package lives in is the one every feature already speaks: a custom key is a
 * function of the {@link Exchange}.
 *
 * @since 0.1
 */
public final class RequestKey {
  private static final Pattern CUSTOM_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern COOKIE_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /**
   * Where a key's value is read.
   *
   * @since 0.1
   */
  public enum Kind {
    /** The first value of a request header. */
    HEADER,
    /** The value of a cookie. */
    COOKIE,
    /** The first value of a query parameter, decoded. */
    QUERY_PARAMETER,
    /**
     * The client's address, as the gateway's trusted proxies let it be known, or its network
     * ({@link #clientNetwork}).
     */
    CLIENT_IP,
    /** The authenticated principal's id; anonymous requests have none. */
    CONSUMER,
    /** The id of the route the request matched. */
    ROUTE,
    /** A function of the exchange. */
    CUSTOM
  }

  private final Kind kind;
  private final Optional<String> name;
  private final Function<Exchange, Optional<String>> function; // null unless CUSTOM
  private final int ipv4PrefixLength; // 32 unless a client network
  private final int ipv6PrefixLength; // 128 unless a client network

  private RequestKey(Kind kind, Optional<String> name, Function<Exchange, Optional<String>> function) {
    this(kind, name, function, 32, 128);
  }

  private RequestKey(Kind kind, Optional<String> name, Function<Exchange, Optional<String>> function, int ipv4PrefixLength,
      int ipv6PrefixLength) {
    this.kind = kind;
    this.name = name;
    this.function = function;
    this.ipv4PrefixLength = ipv4PrefixLength;
    this.ipv6PrefixLength = ipv6PrefixLength;
  }

  /**
   * The first value of a request header.
   *
   * @param name the header name, compared case-insensitively
   * @return the key
   */
  public static RequestKey header(String name) {
    Objects.requireNonNull(name, "name");
    if (!HttpHeaders.isValidName(name)) {
      throw new IllegalArgumentException("header: '" + name + "' (expected: a header name)");
    }
    return new RequestKey(Kind.HEADER, Optional.of(name), null);
  }

  /**
   * The value of a cookie (the first, if the request sends the name twice).
   *
   * @param name the cookie name, compared exactly
   * @return the key
   */
  public static RequestKey cookie(String name) {
    Objects.requireNonNull(name, "name");
    if (!COOKIE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("cookie: '" + name + "' (expected: a cookie name)");
    }
    return new RequestKey(Kind.COOKIE, Optional.of(name), null);
  }

  /**
   * The first value of a query parameter, decoded ({@code +} is a space, escapes are UTF-8).
   *
   * @param name the decoded parameter name, compared exactly
   * @return the key
   */
  public static RequestKey queryParameter(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("queryParameter: '' (expected: a parameter name)");
    }
    return new RequestKey(Kind.QUERY_PARAMETER, Optional.of(name), null);
  }

  /**
   * The client's address: the peer, or the first untrusted hop of {@code X-Forwarded-For} when
   * the peer is a trusted proxy.
   *
   * @return the key
   */
  public static RequestKey clientIp() {
    return new RequestKey(Kind.CLIENT_IP, Optional.empty(), null);
  }

  /**
   * The client's network: its address (as {@link #clientIp()} reads it) cut to a prefix length,
   * written as the network in CIDR form ({@code 203.0.113.0/24}, {@code 2001:db8:7:1::/64}); a
   * full-length prefix is the address itself. One IPv6 subscriber commonly holds a whole /64 and
   * may use any address in it, so a per-address key does not hold it to one budget; its /64 does.
   * An IPv4-mapped IPv6 address counts as its IPv4 address.
   *
   * @param ipv4PrefixLength for IPv4 clients, from 8 to 32
   * @param ipv6PrefixLength for IPv6 clients, from 16 to 128
   * @return the key
   * @since 0.2
   */
  public static RequestKey clientNetwork(int ipv4PrefixLength, int ipv6PrefixLength) {
    if (ipv4PrefixLength < 8 || ipv4PrefixLength > 32) {
      throw new IllegalArgumentException("clientNetwork: ipv4PrefixLength: " + ipv4PrefixLength + " (expected: 8 to 32)");
    }
    if (ipv6PrefixLength < 16 || ipv6PrefixLength > 128) {
      throw new IllegalArgumentException("clientNetwork: ipv6PrefixLength: " + ipv6PrefixLength + " (expected: 16 to 128)");
    }
    return new RequestKey(Kind.CLIENT_IP, Optional.empty(), null, ipv4PrefixLength, ipv6PrefixLength);
  }

  /**
   * The authenticated principal's id; anonymous requests have no value. Known after authentication only.
   *
   * @return the key
   */
  public static RequestKey consumer() {
    return new RequestKey(Kind.CONSUMER, Optional.empty(), null);
  }

  /**
   * The id of the route the request matched: one key for all its callers.
   *
   * @return the key
   */
  public static RequestKey route() {
    return new RequestKey(Kind.ROUTE, Optional.empty(), null);
  }

  /**
   * A function of the exchange: empty when the request has no value. It runs on the request's
   * thread, which may be an I/O thread, after authentication (so {@code exchange.principal()} is
   * set): keep it quick and non-blocking. If it throws, the request gets 500. Two custom keys are
   * equal when their names are and their functions are (for a lambda: the same instance).
   *
   * @param name names the key in texts such as {@code /admin/routes}; letters, digits, {@code .}, {@code _} and {@code -}
   * @param function the key of a request, or empty
   * @return the key
   */
  public static RequestKey custom(String name, Function<Exchange, Optional<String>> function) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(function, "function");
    if (!CUSTOM_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("custom key: name: '" + name
          + "' (expected: 1 to 64 of letters, digits, '.', '_', '-')");
    }
    return new RequestKey(Kind.CUSTOM, Optional.of(name), function);
  }

  /**
   * Where the value is read.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The header, cookie or query parameter name, or a custom key's name.
   *
   * @return the name; empty for the client address, the consumer and the route
   */
  public Optional<String> name() {
    return name;
  }

  /**
   * The function of a {@link Kind#CUSTOM} key.
   *
   * @return the function; empty for the other kinds
   */
  public Optional<Function<Exchange, Optional<String>>> function() {
    return Optional.ofNullable(function);
  }

  /**
   * How many leading bits of an IPv4 client's address a {@link Kind#CLIENT_IP} key keeps.
   *
   * @return 32 for {@link #clientIp()}, else the {@link #clientNetwork} prefix length
   * @since 0.2
   */
  public int ipv4PrefixLength() {
    return ipv4PrefixLength;
  }

  /**
   * How many leading bits of an IPv6 client's address a {@link Kind#CLIENT_IP} key keeps.
   *
   * @return 128 for {@link #clientIp()}, else the {@link #clientNetwork} prefix length
   * @since 0.2
   */
  public int ipv6PrefixLength() {
    return ipv6PrefixLength;
  }

  /**
   * Whether the value needs the principal, so is known only after authentication: the consumer,
   * and a custom key (which may read it).
   *
   * @return true for {@link Kind#CONSUMER} and {@link Kind#CUSTOM}
   */
  public boolean needsPrincipal() {
    return kind == Kind.CONSUMER || kind == Kind.CUSTOM;
  }

  /**
   * The key in words, such as {@code header 'X-User'}, {@code client ip} or {@code custom 'plan'}.
   *
   * @return the description
   */
  public String describe() {
    String source = kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (kind == Kind.CLIENT_IP && (ipv4PrefixLength != 32 || ipv6PrefixLength != 128)) {
      return "client network /" + ipv4PrefixLength + " (IPv4), /" + ipv6PrefixLength + " (IPv6)";
    }
    return name.map(n -> source + " '" + n + "'").orElse(source);
  }

  /**
   * Whether another key reads the same value: equal kind, name, prefix lengths and (for a custom
   * key) function.
   *
   * @param other the other object
   * @return true if equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof RequestKey o && kind == o.kind && name.equals(o.name) && Objects.equals(function, o.function)
        && ipv4PrefixLength == o.ipv4PrefixLength && ipv6PrefixLength == o.ipv6PrefixLength;
  }

  /**
   * A hash consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(kind, name, function, ipv4PrefixLength, ipv6PrefixLength);
  }

  @Override
  public String toString() {
    return ipv4PrefixLength != 32 || ipv6PrefixLength != 128
        ? Text.fields(this, "kind", kind, "ipv4PrefixLength", ipv4PrefixLength, "ipv6PrefixLength", ipv6PrefixLength)
        : Text.fields(this, "kind", kind, "name", name);
  }
}
