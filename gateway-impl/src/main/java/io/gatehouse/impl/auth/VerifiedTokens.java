package io.gatehouse.impl.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.Principal;
import io.gatehouse.impl.cache.BoundedCaches;
import java.time.Duration;

/**
 * The tokens one JWT authenticator has verified, so that the same token again costs a lookup
 * instead of a parse and a signature check. A hit must answer what verification would answer now,
 * so:
 *
 * <ul>
 *   <li>the key is the token itself, compared whole ({@link String#equals}): a token that differs
 *       in one character, signature included, is a miss;
 *   <li>only tokens that passed every check enter, so a flood of bad tokens neither fills the cache
 *       nor evicts good ones; the size is bounded, and Caffeine's admission policy keeps the tokens
 *       in use when a flood of valid one-off tokens passes through;
 *   <li>{@code exp}, {@code nbf} and {@code iat} are checked against the wall clock on every hit,
 *       with the leeway, exactly as java-jwt checks them (whole seconds);
 *   <li>a token verified with a JWKS key counts only while the key set that key came from is the
 *       one at hand: the JWKS source makes a new key set on every fetch, so a key removed from the
 *       JWKS accepts no cached token once the gateway has the new set (a configured key never
 *       changes, so its tokens need no such check);
 *   <li>an entry is dropped at its token's {@code exp} (plus leeway) or after the maximum age,
 *       whichever comes first, measured on the monotonic clock;
 *   <li>one instance per authenticator, so routes whose rules differ never share entries.
 * </ul>
 */
final class VerifiedTokens {
  /** Caffeine caps an entry's lifetime at about 150 years; this stays well inside it. */
  private static final long LONGEST_NANOS = Long.MAX_VALUE >> 2;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * A verified token: its principal, its time claims in whole seconds ({@link Long#MIN_VALUE} when
   * absent), the JWKS key set its key came from (null for a configured key), and how long it may
   * stay.
   */
  private record Entry(Principal principal, long exp, long nbf, long iat, JwksKeySource.KeySet keys,
      long lifetimeNanos) {}

  private final Cache<String, Entry> cache;
  private final TimeSource time;
  private final long leewaySeconds;
  private final long maxAgeNanos;

  VerifiedTokens(TimeSource time, int maxTokens, Duration maxAge, Duration leeway) {
    this.time = time;
    // No token has a date past MAX_NUMERIC_DATE, so a longer leeway changes no answer; capped, the
    // sums below cannot overflow.
    this.leewaySeconds = Math.min(leeway.toSeconds(), JwtClaims.MAX_NUMERIC_DATE);
    this.maxAgeNanos = nanos(maxAge);
    this.cache = BoundedCaches.<String, Entry>expiringAfter(time, maxTokens, Entry::lifetimeNanos).build();
  }

  private static long nanos(Duration d) {
    return d.compareTo(Duration.ofNanos(LONGEST_NANOS)) >= 0 ? LONGEST_NANOS : d.toNanos();
  }

  /**
   * The principal of a token that verified with a configured key or a key of this key set, and
   * that would pass its time checks now; or null.
   *
   * @param token the token as the request carries it
   * @param keys the JWKS key set at hand, or null
   */
  Principal find(String token, JwksKeySource.KeySet keys) {
    Entry entry = cache.getIfPresent(token);
    if (entry == null || (entry.keys() != null && entry.keys() != keys)) {
      return null;
    }
    long now = Math.floorDiv(time.wallClock().millis(), 1000); // whole seconds, as java-jwt; no Instant made
    return current(entry.exp(), entry.nbf(), entry.iat(), now) ? entry.principal() : null;
  }

  /**
   * Whether a token with these claims passes java-jwt's time checks at {@code now}: not expired
   * ({@code now - leeway < exp}), and neither valid only later nor issued later
   * ({@code nbf, iat <= now + leeway}).
   */
  private boolean current(long exp, long nbf, long iat, long now) {
    return now - leewaySeconds < exp && nbf <= now + leewaySeconds && iat <= now + leewaySeconds;
  }

  /**
   * Remembers a token that passed every check.
   *
   * @param token the token, as the request carried it
   * @param principal its principal
   * @param exp its {@code exp}, in whole seconds
   * @param nbf its {@code nbf}, or {@link Long#MIN_VALUE}
   * @param iat its {@code iat}, or {@link Long#MIN_VALUE}
   * @param keys the JWKS key set its key came from, or null for a configured key
   */
  void remember(String token, Principal principal, long exp, long nbf, long iat, JwksKeySource.KeySet keys) {
    long left = exp + leewaySeconds - time.now().getEpochSecond();
    // A token may live until the year 9999: in nanoseconds, its time left would overflow.
    long lifetime = left > maxAgeNanos / NANOS_PER_SECOND ? maxAgeNanos : left * NANOS_PER_SECOND;
    cache.put(token, new Entry(principal, exp, nbf, iat, keys, lifetime));
  }

  /**
   * How many tokens are held and not yet expired; for tests. (Iterating skips expired entries at
   * once, while the estimated size counts them until Caffeine's timer wheel passes them, about a
   * second later.)
   */
  long size() {
    return cache.asMap().keySet().stream().count();
  }
}
