package io.gatehouse.impl.responsecache;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 9111's rules for a shared cache, as pure functions of headers and times: whether a response
 * may be stored (section 3), how long it stays fresh (4.2.1), how old it is (4.2.3), whether it
 * may be served stale (4.2.4, RFC 5861), and whether a stored response satisfies a client's
 * conditional request (RFC 9110 section 13). Heuristic freshness (4.2.2) is not used: a response
 * without freshness information is fresh for the route's default TTL, if it has one, else not at all.
 */
final class CachePolicy {
  /** Statuses RFC 9110 section 15.1 calls heuristically cacheable, less 206 (ranges are not cached). */
  static final Set<Integer> CACHEABLE_BY_DEFAULT = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);
  /** Statuses stored only when the response says how long they stay fresh. */
  static final Set<Integer> CACHEABLE_IF_EXPLICIT = Set.of(302, 307);

  private CachePolicy() {}

  /**
   * Why a response to a {@code GET} may not be stored, or empty if it may.
   *
   * @param status the response's status
   * @param headers the response's headers
   * @param cc the response's directives
   * @param requestCc the request's directives
   * @param authenticated whether the request carried {@code Authorization} or was authenticated
   * @param cache the route's cache settings
   * @return a short reason, for {@code Cache-Status}'s {@code detail}; empty when storable
   */
  static Optional<String> notStorable(int status, HttpHeaders headers, CacheControl cc, CacheControl requestCc,
      boolean authenticated, ResponseCache cache) {
    boolean explicit = hasExplicitFreshness(headers, cc);
    if (!CACHEABLE_BY_DEFAULT.contains(status) && !(CACHEABLE_IF_EXPLICIT.contains(status) && explicit)) {
      return Optional.of("status");
    }
    if (cc.noStore() || requestCc.noStore()) {
      return Optional.of("no-store");
    }
    if (cc.isPrivate()) {
      return Optional.of("private");
    }
    if (authenticated && !cache.isKeyedByConsumer() && !cc.isPublic() && cc.sMaxAge() == CacheControl.ABSENT
        && !cc.mustRevalidate()) {
      return Optional.of("authorization");
    }
    if (headers.contains("Set-Cookie")) {
      return Optional.of("set-cookie");
    }
    if (headers.contains("Content-Range")) {
      return Optional.of("partial");
    }
    Optional<List<String>> vary = varyNames(headers);
    if (vary.isEmpty()) {
      return Optional.of("vary");
    }
    if (!explicit && cache.defaultTtl().isEmpty() && !hasValidator(headers)) {
      return Optional.of("no-freshness");
    }
    return Optional.empty();
  }

  /**
   * The lower-case field names a response's {@code Vary} lists, without repeats.
   *
   * @return the names; empty when the response may not be stored for its {@code Vary}
   *     ({@code *}, more than {@link ResponseCache#MAX_VARY_FIELDS} names, or a name that is not a token)
   */
  static Optional<List<String>> varyNames(HttpHeaders headers) {
    List<String> names = new ArrayList<>(2);
    for (String line : headers.all("Vary")) {
      for (String part : line.split(",", -1)) {
        String name = part.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
          continue;
        }
        if (name.equals("*") || !HttpHeaders.isValidName(name)) {
          return Optional.empty();
        }
        if (!names.contains(name)) {
          if (names.size() == ResponseCache.MAX_VARY_FIELDS) {
            return Optional.empty();
          }
          names.add(name);
        }
      }
    }
    return Optional.of(names);
  }

  /** A request's value of a field, for {@code Vary} matching: its lines joined, whitespace around commas dropped. */
  static Optional<String> varyValue(HttpHeaders request, String name) {
    List<String> lines = request.all(name);
    if (lines.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      for (String part : line.split(",", -1)) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(part.trim());
      }
    }
    return Optional.of(sb.toString());
  }

  /** Whether a response says how long it stays fresh: {@code s-maxage}, {@code max-age} or {@code Expires}. */
  static boolean hasExplicitFreshness(HttpHeaders headers, CacheControl cc) {
    return cc.sMaxAge() != CacheControl.ABSENT || cc.maxAge() != CacheControl.ABSENT || headers.contains("Expires");
  }

  static boolean hasValidator(HttpHeaders headers) {
    return headers.contains("ETag") || headers.contains("Last-Modified");
  }

  /**
   * How long a response stays fresh, in seconds (section 4.2.1): {@code s-maxage}, else
   * {@code max-age}, else {@code Expires} minus {@code Date} (or minus the response time without a
   * valid {@code Date}; an invalid or repeated {@code Expires} means already expired), else the
   * default TTL, else 0. {@code no-cache} makes it 0: the response must be revalidated every time.
   */
  static long freshnessLifetime(HttpHeaders headers, CacheControl cc, Optional<Duration> defaultTtl, Instant responseTime) {
    if (cc.noCache()) {
      return 0;
    }
    if (cc.sMaxAge() != CacheControl.ABSENT) {
      return cc.sMaxAge();
    }
    if (cc.maxAge() != CacheControl.ABSENT) {
      return cc.maxAge();
    }
    List<String> expires = headers.all("Expires");
    if (!expires.isEmpty()) {
      if (expires.size() > 1) {
        return 0;
      }
      Optional<Instant> at = HttpDates.parse(expires.get(0));
      if (at.isEmpty()) {
        return 0;
      }
      Instant date = date(headers).orElse(responseTime);
      return Math.max(0, Math.min(CacheControl.MAX_DELTA, Duration.between(date, at.get()).getSeconds()));
    }
    return defaultTtl.map(t -> Math.min(CacheControl.MAX_DELTA, Math.max(1, t.getSeconds()))).orElse(0L);
  }

  /** The response's single valid {@code Date}; empty when absent, repeated or invalid. */
  static Optional<Instant> date(HttpHeaders headers) {
    List<String> dates = headers.all("Date");
    return dates.size() == 1 ? HttpDates.parse(dates.get(0)) : Optional.empty();
  }

  /**
   * A stored response's current age, in seconds (section 4.2.3). An {@code Age} that is not a
   * number counts as very old: the response is stale rather than fresh when in doubt.
   */
  static long currentAge(CachedResponse entry, Instant now) {
    HttpHeaders headers = entry.headers();
    Instant responseTime = entry.responseTime();
    long apparentAge = Math.max(0, Duration.between(date(headers).orElse(responseTime), responseTime).getSeconds());
    long ageValue = headers.first("Age").map(CachePolicy::ageValue).orElse(0L);
    long responseDelay = Math.max(0, Duration.between(entry.requestTime(), responseTime).getSeconds());
    long correctedInitialAge = Math.max(apparentAge, ageValue + responseDelay);
    long residentTime = Math.max(0, Duration.between(responseTime, now).getSeconds());
    return correctedInitialAge + residentTime;
  }

  private static long ageValue(String value) {
    String v = value.trim();
    if (v.isEmpty()) {
      return CacheControl.MAX_DELTA;
    }
    long age = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return CacheControl.MAX_DELTA;
      }
      age = Math.min(CacheControl.MAX_DELTA, age * 10 + (c - '0'));
    }
    return age;
  }

  /**
   * Whether a stale response may be served at all (section 4.2.4): not when it says
   * {@code must-revalidate}, {@code proxy-revalidate} or {@code no-cache}. {@code s-maxage} implies
   * {@code proxy-revalidate} for a shared cache, unless the response also grants a stale window
   * ({@code stale-while-revalidate} or {@code stale-if-error}) explicitly: the more specific grant wins.
   */
  static boolean mayServeStale(CacheControl cc) {
    if (cc.mustRevalidate() || cc.proxyRevalidate() || cc.noCache()) {
      return false;
    }
    return cc.sMaxAge() == CacheControl.ABSENT || cc.staleWhileRevalidate() > 0 || cc.staleIfError() > 0;
  }

  /**
   * Whether a client's conditional {@code GET} or {@code HEAD} is satisfied by a stored 200, so that
   * the answer is 304: {@code If-None-Match} by weak comparison with the stored {@code ETag}; only
   * without it, {@code If-Modified-Since} against the stored {@code Last-Modified}.
   */
  static boolean notModified(HttpHeaders request, HttpHeaders stored) {
    List<String> inm = request.all("If-None-Match");
    if (!inm.isEmpty()) {
      Optional<String> etag = stored.first("ETag").map(CachePolicy::opaque);
      for (String line : inm) {
        for (String tag : line.split(",", -1)) {
          String t = tag.trim();
          if (t.equals("*") || (etag.isPresent() && !t.isEmpty() && opaque(t).equals(etag.get()))) {
            return true;
          }
        }
      }
      return false;
    }
    Optional<Instant> since = request.first("If-Modified-Since").flatMap(HttpDates::parse);
    Optional<Instant> modified = stored.first("Last-Modified").flatMap(HttpDates::parse);
    return since.isPresent() && modified.isPresent() && !modified.get().isAfter(since.get());
  }

  /** An entity tag without its weakness indicator, for weak comparison. */
  private static String opaque(String tag) {
    String t = tag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }

  /**
   * The headers of a stored response after a 304 refreshed it (section 4.3.4): every field of the
   * 304 replaces the stored ones of that name, except the framing and content fields a 304 cannot
   * speak for.
   */
  static HttpHeaders refresh(HttpHeaders stored, HttpHeaders notModified) {
    HttpHeaders.Builder b = stored.toBuilder();
    for (String name : notModified.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("content-length") || lower.equals("content-encoding") || lower.equals("content-type")
          || lower.equals("content-range") || lower.equals("set-cookie") || lower.equals("transfer-encoding")) {
        continue;
      }
      b.remove(name);
      notModified.all(name).forEach(v -> b.add(name, v));
    }
    return b.build();
  }
}
