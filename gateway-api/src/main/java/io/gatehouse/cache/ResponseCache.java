package io.gatehouse.cache;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A route's response cache: a shared cache in the sense of RFC 9111, named so that several routes
 * can share its entries and its memory. Immutable; every setter returns a changed copy.
 *
 * <pre>{@code
 * ResponseCache products = ResponseCache.shared("products").maxBytes(256L << 20);
 * Gateway.builder()
 *     .route("catalog", r -> r.path("/catalog/**").cache(products).upstream("http://catalog:8080"))
 *     .route("prices", r -> r.path("/prices/**")
 *         .cache(products.keyQueryParameters("currency").defaultTtl(Duration.ofSeconds(30)))
 *         .upstream("http://prices:8080"));
 * }</pre>
 *
 * <p><b>What is stored.</b> Responses to {@code GET} whose status is cacheable by default (200,
 * 203, 204, 300, 301, 308, 404, 405, 410, 414, 501) or, for 302 and 307, that say how long they
 * stay fresh; never one with {@code no-store} (in request or response), {@code private},
 * {@code Vary: *}, {@code Set-Cookie}, or more than {@link #MAX_VARY_FIELDS} {@code Vary} fields;
 * for a request with {@code Authorization} or an authenticated consumer, only when the response
 * says {@code public}, {@code s-maxage} or {@code must-revalidate}, or when the cache is
 * {@link #keyByConsumer() keyed by consumer}. Freshness is {@code s-maxage}, else {@code max-age},
 * else {@code Expires} minus {@code Date}, else the {@link #defaultTtl(Duration) default TTL} if
 * one is set; there are no heuristics. {@code stale-while-revalidate} and {@code stale-if-error}
 * (RFC 5861) are honoured. Request directives other than {@code no-store} are ignored, so that a
 * client cannot make the gateway call its upstream for every request.
 *
 * <p><b>The key</b> is the route, the scheme and host (and forwarded host and proto, present only
 * from trusted proxies), the normalized path and the query, plus any {@link #keyHeaders headers}
 * and the {@link #keyByConsumer() consumer}; {@code Vary} adds the request's values of the fields
 * it names. With {@link #keyQueryParameters(String, String...)} only the named parameters are in the key, and only
 * they are sent upstream, so no parameter outside the key can shape a stored response.
 *
 * <p><b>Sharing.</b> Routes that name the same cache share its store; its
 * {@link #maxBytes(long) size} and {@link #store(ResponseCacheStore) store} must then be equal
 * (checked at build()), while the other settings are each route's own.
 *
 * @since 0.2
 */
public final class ResponseCache {
  /** The most fields a stored response's {@code Vary} may name; a response that names more is not stored. */
  public static final int MAX_VARY_FIELDS = 8;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final long DEFAULT_MAX_BYTES = 64L << 20;
  private static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 20;
  private static final Duration DEFAULT_COALESCING_WAIT = Duration.ofSeconds(5);

  private final String name;
  private final long maxBytes;
  private final long maxEntryBytes; // 0 until set: then 1 MiB or maxBytes, the smaller
  private final Optional<Duration> defaultTtl;
  private final Optional<List<String>> keyQueryParameters;
  private final List<String> keyHeaders;
  private final boolean keyByConsumer;
  private final Duration coalescingWait;
  private final Optional<ResponseCacheStore> store;

  private ResponseCache(String name, long maxBytes, long maxEntryBytes, Optional<Duration> defaultTtl,
      Optional<List<String>> keyQueryParameters, List<String> keyHeaders, boolean keyByConsumer,
      Duration coalescingWait, Optional<ResponseCacheStore> store) {
    this.name = name;
    this.maxBytes = maxBytes;
    this.maxEntryBytes = maxEntryBytes;
    this.defaultTtl = defaultTtl;
    this.keyQueryParameters = keyQueryParameters.map(List::copyOf);
    this.keyHeaders = List.copyOf(keyHeaders);
    this.keyByConsumer = keyByConsumer;
    this.coalescingWait = coalescingWait;
    this.store = store;
  }

  /**
   * A cache with this name, in memory, of at most 64 MiB, entries of at most 1 MiB (or the
   * cache's size, if smaller), keyed by the
   * whole query, without a default TTL, waiting at most 5 s for a coalesced miss.
   *
   * @param name letters, digits, {@code .}, {@code _} and {@code -}, at most 64; routes with the
   *     same name share the cache
   * @return the cache
   */
  public static ResponseCache shared(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw Check.invalid("cache name", "'" + name + "'", "1 to 64 of letters, digits, '.', '_', '-'");
    }
    return new ResponseCache(name, DEFAULT_MAX_BYTES, 0, Optional.empty(), Optional.empty(),
        List.of(), false, DEFAULT_COALESCING_WAIT, Optional.empty());
  }

  /**
   * Bounds the memory of the built-in store: the bytes of bodies, headers and keys, in all. The
   * least recently used entries are dropped past it. Ignored by a {@link #store custom store},
   * which bounds itself.
   *
   * @param bytes at least 1
   * @return a changed copy
   */
  public ResponseCache maxBytes(long bytes) {
    return new ResponseCache(name, Check.positive("maxBytes", bytes), maxEntryBytes, defaultTtl, keyQueryParameters,
        keyHeaders, keyByConsumer, coalescingWait, store);
  }

  /**
   * Bounds one stored response's body. A larger response streams through to the client without
   * being stored, and the gateway never holds more than this much of it.
   *
   * @param bytes at least 1, at most {@link #maxBytes(long) maxBytes} and {@code Integer.MAX_VALUE} (checked at build())
   * @return a changed copy
   */
  public ResponseCache maxEntryBytes(long bytes) {
    return new ResponseCache(name, maxBytes, Check.positive("maxEntryBytes", bytes), defaultTtl, keyQueryParameters,
        keyHeaders, keyByConsumer, coalescingWait, store);
  }

  /**
   * Stores responses that carry no freshness information ({@code max-age}, {@code s-maxage},
   * {@code Expires}) for this long, if they may be stored otherwise. Off by default: without it
   * such responses are not stored.
   *
   * @param ttl more than zero
   * @return a changed copy
   */
  public ResponseCache defaultTtl(Duration ttl) {
    return new ResponseCache(name, maxBytes, maxEntryBytes, Optional.of(Check.positive("defaultTtl", ttl)),
        keyQueryParameters, keyHeaders, keyByConsumer, coalescingWait, store);
  }

  /**
   * Keys entries by these query parameters only (every value, in the order sent), instead of the
   * whole query; the request goes upstream with only these parameters.
   *
   * @param name a parameter name, compared with the decoded names of the query
   * @param more more names
   * @return a changed copy
   */
  public ResponseCache keyQueryParameters(String name, String... more) {
    Set<String> set = new LinkedHashSet<>();
    set.add(parameter(name));
    for (String n : more) {
      set.add(parameter(n));
    }
    return new ResponseCache(this.name, maxBytes, maxEntryBytes, defaultTtl, Optional.of(new ArrayList<>(set)),
        keyHeaders, keyByConsumer, coalescingWait, store);
  }

  /**
   * Leaves the query out of the key, and out of the request sent upstream.
   *
   * @return a changed copy
   */
  public ResponseCache keyWithoutQuery() {
    return new ResponseCache(name, maxBytes, maxEntryBytes, defaultTtl, Optional.of(List.of()), keyHeaders,
        keyByConsumer, coalescingWait, store);
  }

  private static String parameter(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw Check.invalid("keyQueryParameters", "''", "a non-empty name");
    }
    return name;
  }

  /**
   * Adds these request headers' values to the key, for upstreams whose answer depends on them
   * without saying so in {@code Vary}.
   *
   * @param names header names, in any case
   * @return a changed copy
   */
  public ResponseCache keyHeaders(String... names) {
    Set<String> set = new LinkedHashSet<>(keyHeaders);
    for (String n : names) {
      Objects.requireNonNull(n, "name");
      if (!io.gatehouse.http.HttpHeaders.isValidName(n)) {
        throw Check.invalid("keyHeaders", "'" + n + "'", "an RFC 9110 token");
      }
      set.add(n.toLowerCase(Locale.ROOT));
    }
    return new ResponseCache(name, maxBytes, maxEntryBytes, defaultTtl, keyQueryParameters, new ArrayList<>(set),
        keyByConsumer, coalescingWait, store);
  }

  /**
   * Adds the authenticated consumer to the key: each consumer has entries of its own, and responses
   * to authenticated requests may be stored without {@code public} or {@code s-maxage}.
   *
   * @return a changed copy
   */
  public ResponseCache keyByConsumer() {
    return new ResponseCache(name, maxBytes, maxEntryBytes, defaultTtl, keyQueryParameters, keyHeaders, true,
        coalescingWait, store);
  }

  /**
   * Bounds how long a request waits for another request's upstream call for the same key (request
   * coalescing) before it calls the upstream itself.
   *
   * @param wait zero or more; zero turns coalescing off
   * @return a changed copy
   */
  public ResponseCache coalescingWait(Duration wait) {
    return new ResponseCache(name, maxBytes, maxEntryBytes, defaultTtl, keyQueryParameters, keyHeaders,
        keyByConsumer, Check.notNegative("coalescingWait", wait), store);
  }

  /**
   * Keeps entries in this store instead of the built-in one in memory (for example one shared by
   * several gateway instances). The gateway does not close it.
   *
   * @param store the store
   * @return a changed copy
   */
  public ResponseCache store(ResponseCacheStore store) {
    return new ResponseCache(name, maxBytes, maxEntryBytes, defaultTtl, keyQueryParameters, keyHeaders,
        keyByConsumer, coalescingWait, Optional.of(Objects.requireNonNull(store, "store")));
  }

  /** {@return the cache's name} */
  public String name() {
    return name;
  }

  /** {@return the built-in store's bound, in bytes} */
  public long maxBytes() {
    return maxBytes;
  }

  /** {@return the largest body stored, in bytes: as set, else 1 MiB or {@link #maxBytes()}, the smaller} */
  public long maxEntryBytes() {
    return maxEntryBytes > 0 ? maxEntryBytes : Math.min(DEFAULT_MAX_ENTRY_BYTES, maxBytes);
  }

  /** {@return how long responses without freshness information are stored; empty: not stored} */
  public Optional<Duration> defaultTtl() {
    return defaultTtl;
  }

  /** {@return the query parameters in the key; empty: the whole query} */
  public Optional<List<String>> keyQueryParameters() {
    return keyQueryParameters;
  }

  /** {@return the request headers in the key, in lower case} */
  public List<String> keyHeaders() {
    return keyHeaders;
  }

  /** {@return whether the consumer is in the key} */
  public boolean isKeyedByConsumer() {
    return keyByConsumer;
  }

  /** {@return how long a coalesced miss waits; zero: no coalescing} */
  public Duration coalescingWait() {
    return coalescingWait;
  }

  /** {@return the custom store; empty: the built-in store in memory} */
  public Optional<ResponseCacheStore> store() {
    return store;
  }

  /**
   * Whether another cache has equal settings (a custom store compares by identity).
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ResponseCache o && name.equals(o.name) && maxBytes == o.maxBytes
        && maxEntryBytes == o.maxEntryBytes && defaultTtl.equals(o.defaultTtl)
        && keyQueryParameters.equals(o.keyQueryParameters) && keyHeaders.equals(o.keyHeaders)
        && keyByConsumer == o.keyByConsumer && coalescingWait.equals(o.coalescingWait) && store.equals(o.store);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(name, maxBytes, maxEntryBytes, defaultTtl, keyQueryParameters, keyHeaders, keyByConsumer,
        coalescingWait, store);
  }

  @Override
  public String toString() {
    return Text.fields(this, "name", name, "maxBytes", maxBytes, "maxEntryBytes", maxEntryBytes(), "defaultTtl",
        defaultTtl, "keyQueryParameters", keyQueryParameters, "keyHeaders", keyHeaders, "keyByConsumer", keyByConsumer,
        "coalescingWait", coalescingWait, "store", store);
  }
}
