package io.gatehouse.impl.pool;

/**
 * No target may take the request now; the client gets 503.
 *
 * @param detail why, for the problem's detail
 */
public record Refusal(String detail) implements Pick {}
