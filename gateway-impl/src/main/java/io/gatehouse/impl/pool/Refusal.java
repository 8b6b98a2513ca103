package io.gatehouse.impl.pool;

import java.time.Duration;

/**
 * No target may take the request now; the client gets 503.
 *
 * @param detail why, for the problem's detail
 * @param retryAfter when a target may take requests again, as well as the pool knows, for the
 *     503's {@code Retry-After}: the soonest ejection end, half-open circuit or next health check
 */
public record Refusal(String detail, Duration retryAfter) implements Pick {}
