package io.gatehouse.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The usage the gateway metered: the kept windows that saw requests, oldest first. These records
 * are the export format: Jackson, for one, writes records as they are (with its JSR-310 module for
 * the {@link java.time.Instant}s).
 *
 * <pre>{@code
 * UsageReport report = gateway.usage();
 * long acmeCalls = report.forConsumer("acme").totals().requests();
 * long ordersBytes = report.forRoute("orders").totals().bytesOut();
 * }</pre>
 *
 * @param windows the windows, oldest first
 * @since 0.1
 */
public record UsageReport(List<UsageWindow> windows) {

  /**
   * Copies the list.
   *
   * @param windows the windows, oldest first
   */
  public UsageReport {
    windows = List.copyOf(windows);
  }

  /**
   * A report of nothing: what a gateway without metering reports.
   *
   * <p>{@code assertThat(gateway.usage()).isEqualTo(UsageReport.empty());}
   *
   * @return a report without windows
   */
  public static UsageReport empty() {
    return new UsageReport(List.of());
  }

  /**
   * The same report, with only this consumer's usage in each window.
   *
   * <p>{@code gateway.usage().forConsumer("acme")}
   *
   * @param consumer a consumer's id, or a name in parentheses such as {@value Usage#ANONYMOUS}
   * @return the filtered report, with the same windows
   */
  public UsageReport forConsumer(String consumer) {
    Objects.requireNonNull(consumer, "consumer");
    return filter(u -> u.consumer().equals(consumer));
  }

  /**
   * The same report, with only this route's usage in each window.
   *
   * <p>{@code gateway.usage().forRoute("orders")}
   *
   * @param route a route's id, or {@value Usage#NO_ROUTE}
   * @return the filtered report, with the same windows
   */
  public UsageReport forRoute(String route) {
    Objects.requireNonNull(route, "route");
    return filter(u -> u.route().equals(route));
  }

  /**
   * The sum over every window; its consumer and route are {@value Usage#ALL} unless every entry
   * names the same one.
   *
   * <p>{@code long acmeBytes = report.forConsumer("acme").totals().bytesOut();}
   *
   * @return the sum, all zero if the report is empty
   */
  public Usage totals() {
    List<Usage> all = new ArrayList<>();
    windows.forEach(w -> all.addAll(w.usage()));
    return UsageWindow.sum(all);
  }

  private UsageReport filter(Predicate<Usage> keep) {
    List<UsageWindow> filtered = new ArrayList<>(windows.size());
    for (UsageWindow w : windows) {
      filtered.add(new UsageWindow(w.start(), w.end(), w.usage().stream().filter(keep).toList()));
    }
    return new UsageReport(filtered);
  }
}
