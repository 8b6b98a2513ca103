package io.gatehouse.ratelimit;

/**
 * What a request gets from a rate limit that has no key for it: a {@code perHeader} limit whose
 * header the request lacks, or a {@code keyedBy} key the request has no value for.
 *
 * <p>{@code RateLimit.perHeader("X-Tenant", 100).per(Duration.ofSeconds(1)).whenKeyMissing(KeylessRequests.REJECT)}
 *
 * @since 0.1
 */
public enum KeylessRequests {
  /** Counted together under one key of their own, with the limit's budget: the default. */
  SHARED,
  /** Answered 400 problem+json naming the limit and what it counts by; not counted. */
  REJECT,
  /** Not limited by this limit at all (the behaviour before 0.2); choose it knowingly. */
  EXEMPT
}
