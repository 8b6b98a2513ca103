package io.gatehouse.upstream;

import io.gatehouse.Unstable;
import io.gatehouse.internal.Check;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where an {@link Upstream}'s targets come from when they change at run time. The gateway calls
 * {@link #lookup()} on a thread of its own right after {@code build()} and then every refresh
 * interval, and applies the answer at once: new targets take traffic, missing ones take no new
 * requests (those in flight finish). A lookup that fails keeps the last answer, logged once per
 * transition. Until the first answer, the upstream has no targets and requests get 503.
 *
 * <pre>{@code
 * Upstream.discover(ServiceDiscovery.dns("http", "orders.internal", 8080), Duration.ofSeconds(30))
 * Upstream.discover(() -> consul.healthyInstances("orders"), Duration.ofSeconds(5))
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
@FunctionalInterface
public interface ServiceDiscovery {

  /**
   * Looks up the current targets. Runs on the gateway's discovery thread, never on a request's;
   * it may block, but not for longer than the refresh interval.
   *
   * @return the targets, possibly none
   * @throws Exception when the lookup fails; the last answer stays in use
   */
  List<Target> lookup() throws Exception;

  /**
   * One target per address a host name resolves to, each of weight 1, as {@code scheme://address:port}.
   * The JVM's DNS cache applies ({@code networkaddress.cache.ttl}, 30 seconds by default).
   *
   * @param scheme {@code http} or {@code https}
   * @param host the host name to resolve
   * @param port the targets' port
   * @return the discovery
   */
  static ServiceDiscovery dns(String scheme, String host, int port) {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(host, "host");
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("scheme: '" + scheme + "' (expected: http or https)");
    }
    Check.between("port", port, 1, 65535);
    return new ServiceDiscovery() {
      @Override
      public List<Target> lookup() throws Exception {
        List<Target> targets = new ArrayList<>();
        for (InetAddress address : InetAddress.getAllByName(host)) {
          String literal = address.getHostAddress();
          String hostPart = literal.contains(":") ? "[" + literal + "]" : literal;
          targets.add(Target.of(scheme + "://" + hostPart + ":" + port));
        }
        return targets;
      }

      @Override
      public String toString() {
        return "dns(" + scheme + "://" + host + ":" + port + ")";
      }
    };
  }
}
