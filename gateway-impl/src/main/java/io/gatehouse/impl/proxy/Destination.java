package io.gatehouse.impl.proxy;

import io.gatehouse.impl.pool.TargetPool;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;

/**
 * An upstream group as one route calls it: the pool and the timeouts that apply (the route's,
 * else the upstream's, else the gateway's; the body's idle timeout: the route's, else the gateway's).
 */
record Destination(TargetPool pool, Duration connectTimeout, Duration responseTimeout, Duration bodyIdleTimeout) {

  /** Such as {@code upstream route:orders [http://orders-1:8080, http://orders-2:8080] (ROUND_ROBIN)}. */
  String describe() {
    Upstream spec = pool.spec();
    String targets = spec.discovery().map(Object::toString)
        .orElseGet(() -> spec.targets().stream().map(Target::url).toList().toString());
    return "upstream " + pool.name() + " " + targets + " (" + spec.balancing() + ")";
  }
}
