package io.gatehouse.cache;

/**
 * What a route's response cache did for one {@code GET} or {@code HEAD}, as the request's record
 * ({@link io.gatehouse.observe.RequestRecord#cache()}), the access log and the metrics tell it.
 *
 * <p>{@code record.cache().filter(o -> o == CacheOutcome.HIT).isPresent()}
 *
 * @since 0.2
 */
public enum CacheOutcome {
  /** Answered from a fresh stored response (or with 304 to the client's conditional), or from another request's coalesced call, without an upstream call of its own. */
  HIT,
  /** Answered from a stale stored response: while it is refreshed in the background, or because the upstream failed within {@code stale-if-error}. */
  STALE,
  /** A stale stored response that the upstream confirmed with 304, and was served refreshed. */
  REVALIDATED,
  /** Nothing usable was stored: the upstream answered (and the answer was stored if it may be). */
  MISS,
  /** The cache did not look: a range request, or the store could not answer. */
  BYPASS
}
