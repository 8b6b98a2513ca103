package io.gatehouse.impl.pool;

import io.gatehouse.upstream.LoadBalancing;
import java.util.List;

/** Makes the balancer of a strategy over one snapshot of targets. */
final class Balancers {
  private Balancers() {}

  static Balancer create(LoadBalancing strategy, List<LiveTarget> targets) {
    return switch (strategy) {
      case ROUND_ROBIN -> new RoundRobinBalancer(targets);
      case RANDOM -> new RandomBalancer(targets);
      case LEAST_REQUESTS -> new LeastRequestsBalancer(targets);
      case CONSISTENT_HASH -> new ConsistentHashBalancer(targets);
    };
  }
}
