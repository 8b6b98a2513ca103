package io.gatehouse.ratelimit;

import io.gatehouse.filter.RequestKey;
import io.gatehouse.internal.Check;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A rate limit: so many requests per window, per {@link RequestKey} (consumer, client IP, route,
 * header, cookie or query value, or a custom key), with a burst. Declare several at once (a burst
 * limit and an hourly one);
 * global ones with {@code Gateway.Builder.rateLimit(...)}, per route with
 * {@code RouteBuilder.rateLimit(...)}. A request over any limit gets 429 at once, with
 * {@code Retry-After}.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .rateLimit(RateLimit.perConsumer(10).per(Duration.ofSeconds(1)).named("burst"))
 *     .rateLimit(RateLimit.perConsumer(1000).per(Duration.ofHours(1)).named("hourly"))
 *     .route("search", r -> r.path("/search").rateLimit(RateLimit.perClientIp(5).per(Duration.ofSeconds(1)))
 *         .upstream("http://search:8080"));
 * }</pre>
 *
 * <p><b>Algorithm.</b> GCRA (the generic cell rate algorithm, a token bucket kept as one
 * timestamp per key): a key may spend {@link #burst()} requests at once, and gets one back every
 * {@code window / requests}. In any span of one window a key is admitted at most
 * {@code requests + burst} times. Time comes from the gateway's clock.
 *
 * <p><b>Memory.</b> A key's state is dropped once its budget is full again, and each limit holds
 * at most {@link #maxKeys()} keys (least recently used dropped first), so keys rotated by an
 * attacker cannot grow memory without bound. A dropped key starts again with a full budget.
 *
 * @since 0.1
 */
public final class RateLimit {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.*-]{0,63}");

  private final RequestKey key;
  private final long requests;
  private final Duration window;
  private final long burst;
  private final String name;
  private final int maxKeys;
  private final Duration maxWait;
  private final KeylessRequests keyless;
  private final boolean beforeAuth;

  private RateLimit(RequestKey key, long requests, Duration window, long burst,
      String name, int maxKeys, Duration maxWait, KeylessRequests keyless, boolean beforeAuth) {
    this.key = key;
    this.requests = requests;
    this.window = window;
    this.burst = burst;
    this.name = name;
    this.maxKeys = maxKeys;
    this.maxWait = maxWait;
    this.keyless = keyless;
    this.beforeAuth = beforeAuth;
  }

  /**
   * A limit per authenticated consumer (the principal id); per client IP on public routes.
   *
   * @param requests requests per window, at least 1
   * @return the count, to give a window with {@link Requests#per(Duration)}
   */
  public static Requests perConsumer(long requests) {
    return new Requests(RequestKey.consumer(), requests);
  }

  /**
   * A limit per client, honouring {@code trustedProxies(...)}: forwarding headers count only when
   * the peer is a trusted proxy. An IPv4 client is its address; an IPv6 client is its /64
   * ({@code RequestKey.clientNetwork(32, 64)}), the network one subscriber commonly holds and may
   * take any address from, so rotating addresses within it does not buy another budget. For
   * another cut, {@code keyedBy(RequestKey.clientNetwork(...), n)}; per exact address,
   * {@code keyedBy(RequestKey.clientIp(), n)}.
   *
   * @param requests requests per window, at least 1
   * @return the count, to give a window with {@link Requests#per(Duration)}
   */
  public static Requests perClientIp(long requests) {
    return new Requests(RequestKey.clientNetwork(32, 64), requests);
  }

  /**
   * One budget for every caller of the route (a global limit counts each route apart).
   *
   * @param requests requests per window, at least 1
   * @return the count, to give a window with {@link Requests#per(Duration)}
   */
  public static Requests perRoute(long requests) {
    return new Requests(RequestKey.route(), requests);
  }

  /**
   * A limit per value of a request header; requests without the header share one budget unless
   * {@link #whenKeyMissing} says otherwise.
   *
   * @param header the header name
   * @param requests requests per window, at least 1
   * @return the count, to give a window with {@link Requests#per(Duration)}
   */
  public static Requests perHeader(String header, long requests) {
    Objects.requireNonNull(header, "header");
    return new Requests(RequestKey.header(header), requests);
  }

  /**
   * A limit per value of any {@link RequestKey}; {@link #perConsumer}, {@link #perClientIp},
   * {@link #perRoute} and {@link #perHeader} are its shortcuts. Requests without a value share one
   * budget unless {@link #whenKeyMissing} says otherwise, except for {@link RequestKey#consumer()}:
   * anonymous requests are counted per client IP, as with {@link #perConsumer}.
   *
   * <pre>{@code
   * RateLimit.keyedBy(RequestKey.cookie("session"), 20).per(Duration.ofSeconds(1))
   * RateLimit.keyedBy(RequestKey.custom("tenant", exchange -> exchange.request().headers().first("X-Tenant")), 100)
   *     .per(Duration.ofMinutes(1))
   * }</pre>
   *
   * @param key what the limit counts by
   * @param requests requests per window, at least 1
   * @return the count, to give a window with {@link Requests#per(Duration)}
   * @since 0.1
   */
  public static Requests keyedBy(RequestKey key, long requests) {
    return new Requests(Objects.requireNonNull(key, "key"), requests);
  }

  /**
   * A number of requests waiting for its window.
   *
   * @since 0.1
   */
  public static final class Requests {
    private final RequestKey key;
    private final long requests;

    private Requests(RequestKey key, long requests) {
      Check.atLeast("requests", requests, 1);
      this.key = key;
      this.requests = requests;
    }

    /**
     * The window the requests are counted over. The burst defaults to the request count.
     *
     * @param window at least one millisecond, and at least a nanosecond per request
     * @return the limit
     */
    public RateLimit per(Duration window) {
      Objects.requireNonNull(window, "window");
      if (window.toMillis() < 1 || window.toNanos() / requests < 1) {
        throw Check.invalid("window", window, ">= 1ms and >= 1ns per request");
      }
      String name = key.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
      return new RateLimit(key, requests, window, requests, name, 100_000, Duration.ZERO, KeylessRequests.SHARED, false);
    }
  }

  /**
   * How many requests a key may spend at once, from a full budget. Defaults to the request count.
   *
   * @param burst at least 1
   * @return a changed copy
   */
  public RateLimit burst(long burst) {
    Check.atLeast("burst", burst, 1);
    return new RateLimit(key, requests, window, burst, name, maxKeys, maxWait, keyless, beforeAuth);
  }

  /**
   * Names the limit in headers, problem details and logs. Defaults to the key kind, such as
   * {@code consumer}; names must be unique among the limits of a route (checked at build()).
   *
   * @param name lowercase letters, digits, {@code _ . - *}, starting with a letter (a structured-field token)
   * @return a changed copy
   */
  public RateLimit named(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: '" + name
          + "' (expected: 1 to 64 of lowercase letters, digits, '_', '.', '-', '*', starting with a letter)");
    }
    return new RateLimit(key, requests, window, burst, name, maxKeys, maxWait, keyless, beforeAuth);
  }

  /**
   * How many keys the limit keeps state for at most. Defaults to 100,000 (a few MiB).
   *
   * @param maxKeys at least 1
   * @return a changed copy
   */
  public RateLimit maxKeys(int maxKeys) {
    Check.atLeast("maxKeys", maxKeys, 1);
    return new RateLimit(key, requests, window, burst, name, maxKeys, maxWait, keyless, beforeAuth);
  }

  /**
   * Throttles instead of rejecting: a request over the limit waits for its turn, up to
   * {@code maxWait}, without holding a thread, then proceeds; one whose turn is further away gets
   * 429 at once. The wait is measured on the gateway's clock and served by a timer.
   *
   * @param maxWait more than zero
   * @return a changed copy
   */
  public RateLimit throttle(Duration maxWait) {
    Check.positive("maxWait", maxWait);
    return new RateLimit(key, requests, window, burst, name, maxKeys, maxWait, keyless, beforeAuth);
  }

  /**
   * What a request gets when this limit has no key for it: a {@link #perHeader} limit whose header
   * is absent, or a {@link #keyedBy} key the request has no value for, such as a custom function
   * that returns empty. Defaults to
   * {@link KeylessRequests#SHARED}: all such requests share one budget, so leaving the header out
   * is no way around the limit.
   *
   * <p>{@code RateLimit.perHeader("X-Tenant", 100).per(Duration.ofSeconds(1)).whenKeyMissing(KeylessRequests.REJECT)}
   *
   * @param keyless shared, rejected or exempt
   * @return a changed copy
   * @since 0.1
   */
  public RateLimit whenKeyMissing(KeylessRequests keyless) {
    Objects.requireNonNull(keyless, "keyless");
    return new RateLimit(key, requests, window, burst, name, maxKeys, maxWait, keyless, beforeAuth);
  }

  /**
   * What a request without a key for this limit gets.
   *
   * @return the choice; {@link KeylessRequests#SHARED} unless set
   * @since 0.1
   */
  public KeylessRequests keyless() {
    return keyless;
  }

  /**
   * Checks this limit before authentication instead of after it: in the pre-auth slot, so that
   * anonymous floods are turned away with 429 before they can cost a JWKS fetch, an introspection
   * call or a password hash. Only limits whose key needs no principal may go there: per client
   * IP, per route, per header, cookie or query parameter; not per consumer or a custom key
   * ({@link RequestKey#needsPrincipal()}, checked at build()).
   *
   * <pre>{@code
   * Gateway.builder()
   *     .rateLimit(RateLimit.perClientIp(50).per(Duration.ofSeconds(1)).named("pre-auth").beforeAuth())
   *     .rateLimit(RateLimit.perConsumer(10).per(Duration.ofSeconds(1)));       // after auth, as ever
   * }</pre>
   *
   * @return a changed copy
   * @since 0.1
   */
  public RateLimit beforeAuth() {
    return new RateLimit(key, requests, window, burst, name, maxKeys, maxWait, keyless, true);
  }

  /**
   * Whether this limit is checked before authentication ({@link #beforeAuth()}).
   *
   * @return true in the pre-auth slot
   * @since 0.1
   */
  public boolean checkedBeforeAuth() {
    return beforeAuth;
  }

  /**
   * How long a request over the limit may wait for its turn; zero when the limit rejects at once.
   *
   * @return the longest wait
   */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * What the limit counts by.
   *
   * @return the key
   * @since 0.1
   */
  public RequestKey key() {
    return key;
  }

  /**
   * The requests per window.
   *
   * @return the count
   */
  public long requests() {
    return requests;
  }

  /**
   * The window.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }

  /**
   * The requests a key may spend at once.
   *
   * @return the burst
   */
  public long burst() {
    return burst;
  }

  /**
   * The limit's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The most keys the limit keeps state for.
   *
   * @return the cap
   */
  public int maxKeys() {
    return maxKeys;
  }

  /**
   * Whether another limit is the same in every setting: what it counts by, the numbers, the name,
   * the key bounds and the order against auth. A custom key is compared by name and function (for a
   * lambda: the same instance). A gateway swapped in with an equal limit takes
   * over its buckets.
   *
   * @param other the other object
   * @return true if equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof RateLimit o && key.equals(o.key) && requests == o.requests && window.equals(o.window)
        && burst == o.burst && name.equals(o.name) && maxKeys == o.maxKeys && maxWait.equals(o.maxWait)
        && keyless.equals(o.keyless) && beforeAuth == o.beforeAuth;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(key, requests, window, burst, name, maxKeys, maxWait, keyless, beforeAuth);
  }

  @Override
  public String toString() {
    return "RateLimit[" + name + ": " + requests + " per " + window + " per " + key.kind().name().toLowerCase(Locale.ROOT)
        + (key.kind() == RequestKey.Kind.CUSTOM ? "" : key.name().map(n -> " " + n).orElse("")) + ", burst " + burst + (beforeAuth ? ", before auth" : "") + "]";
  }
}
