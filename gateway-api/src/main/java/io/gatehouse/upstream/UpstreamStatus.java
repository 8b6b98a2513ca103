package io.gatehouse.upstream;

import java.util.List;
import java.util.Objects;

/**
 * The state of one upstream group at one moment, as {@link io.gatehouse.Gateway#upstreams()}
 * reports it.
 *
 * <p>{@code gateway.upstreams().forEach(u -> log.info("{}: {} of {} available", u.name(), u.available(), u.targets().size()));}
 *
 * @param name the group's name; a route's own group is named {@code route:<id>}
 * @param targets its targets, in the order they were declared or discovered
 * @since 0.1
 */
public record UpstreamStatus(String name, List<TargetStatus> targets) {

  /**
   * Copies the targets.
   *
   * @param name the group's name
   * @param targets its targets
   */
  public UpstreamStatus {
    Objects.requireNonNull(name, "name");
    targets = List.copyOf(targets);
  }

  /**
   * How many targets may take a request now.
   *
   * @return the count of healthy targets whose circuit is not open
   */
  public long available() {
    return targets.stream().filter(TargetStatus::available).count();
  }
}
