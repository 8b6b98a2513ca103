package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import java.util.Objects;

/**
 * One instance of an upstream: its base URL and its share of the traffic relative to the other
 * targets of its {@link Upstream}. The URL is checked by {@code build()} (an absolute http or https
 * URL, optionally with a base path); targets from {@link ServiceDiscovery} that are not valid are
 * logged and skipped.
 *
 * <pre>{@code
 * Upstream.of(Target.of("http://orders-1:8080", 3), Target.of("http://orders-2:8080", 1))
 * }</pre>
 *
 * @param url the base URL, such as {@code http://orders-1:8080}
 * @param weight the relative share of the traffic, 1 to 10,000
 * @since 0.1
 */
public record Target(String url, int weight) {

  /**
   * Checks the weight.
   *
   * @param url the base URL, such as {@code http://orders-1:8080}
   * @param weight the relative share of the traffic, 1 to 10,000
   */
  public Target {
    Objects.requireNonNull(url, "url");
    Check.between("target '" + url + "': weight", weight, 1, 10_000);
  }

  /**
   * A target of weight 1.
   *
   * @param url the base URL
   * @return the target
   */
  public static Target of(String url) {
    return new Target(url, 1);
  }

  /**
   * A weighted target.
   *
   * @param url the base URL
   * @param weight 1 to 10,000
   * @return the target
   */
  public static Target of(String url, int weight) {
    return new Target(url, weight);
  }
}
