package io.gatehouse.impl.pool;

import java.util.function.Predicate;

/**
 * Picks a target for a request among one snapshot of a group's targets (a new balancer is made
 * whenever discovery changes them). Thread-safe; never blocks.
 */
interface Balancer {

  /**
   * Picks a target.
   *
   * @param usable which targets may be picked (health, circuit, cap, targets already tried)
   * @param key the request's hash key, or null when it has none or the strategy uses none
   * @return a target that {@code usable} accepts, or null when it accepts none
   */
  LiveTarget pick(Predicate<LiveTarget> usable, String key);
}
