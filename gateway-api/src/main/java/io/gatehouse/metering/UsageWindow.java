package io.gatehouse.metering;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The usage of one window, from {@link #start()} (inclusive) to {@link #end()} (exclusive), one
 * {@link Usage} per (consumer, route) pair that made requests, sorted by consumer and route.
 *
 * <pre>{@code
 * UsageWindow hour = gateway.usage().windows().get(0);
 * long served = hour.totals().requests();
 * }</pre>
 *
 * @param start when the window began
 * @param end when it ends, or ended
 * @param usage one entry per (consumer, route) pair
 * @since 0.1
 */
public record UsageWindow(Instant start, Instant end, List<Usage> usage) {

  /**
   * Copies the list and checks that nothing is null.
   *
   * @param start when the window began
   * @param end when it ends, or ended
   * @param usage one entry per (consumer, route) pair
   */
  public UsageWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    usage = List.copyOf(usage);
  }

  /**
   * Whether the window has ended at this instant, so that its counts are final.
   *
   * <p>{@code report.windows().stream().filter(w -> w.endedBy(clock.instant())).forEach(exporter::ship);}
   *
   * @param now the instant
   * @return whether {@code now} is at or past the end
   */
  public boolean endedBy(Instant now) {
    return !now.isBefore(end);
  }

  /**
   * The sum of the window's usage; its consumer and route are {@value Usage#ALL} unless every
   * entry names the same one.
   *
   * <p>{@code long errors = window.totals().serverErrors();}
   *
   * @return the sum, all zero if the window is empty
   */
  public Usage totals() {
    return sum(usage);
  }

  static Usage sum(List<Usage> usages) {
    if (usages.isEmpty()) {
      return Usage.none(Usage.ALL, Usage.ALL);
    }
    Usage total = usages.get(0);
    for (int i = 1; i < usages.size(); i++) {
      total = total.plus(usages.get(i));
    }
    return total;
  }
}
