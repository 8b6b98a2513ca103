package io.gatehouse.impl;

import io.gatehouse.impl.pool.TargetPool;
import java.time.Duration;

/**
 * An upstream group as one route calls it: the pool and the timeouts that apply (the route's,
 * else the upstream's, else the gateway's).
 */
record Destination(TargetPool pool, Duration connectTimeout, Duration responseTimeout) {}
