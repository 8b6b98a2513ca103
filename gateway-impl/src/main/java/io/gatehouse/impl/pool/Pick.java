package io.gatehouse.impl.pool;

/** What {@link TargetPool#lease} gives: a target to call, or why there is none. */
public sealed interface Pick permits Lease, Refusal {}
