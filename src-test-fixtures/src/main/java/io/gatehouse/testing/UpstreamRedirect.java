package io.gatehouse.testing;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.route.RouteDestination;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.Upstream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Points a gateway's routes at other servers, for socket-level tests against WireMock or a local
 * server: every upstream target (of routes, splits, fallbacks and mirrors) with a redirected origin
 * gets the new origin and keeps its path.
 *
 * <pre>{@code
 * Gateway real = UpstreamRedirect.of(gateway).to("http://orders:8080", wireMock.baseUrl()).build();
 * }</pre>
 *
 * @since 0.1
 */
public final class UpstreamRedirect {
  private final GatewaySpec spec;
  private final Map<String, String> targets = new HashMap<>();

  private UpstreamRedirect(GatewaySpec spec) {
    this.spec = spec;
  }

  /**
   * Starts redirecting the upstreams of a gateway's configuration; the gateway itself is untouched.
   *
   * @param gateway the gateway
   * @return the redirect to configure
   */
  public static UpstreamRedirect of(Gateway gateway) {
    return new UpstreamRedirect(Objects.requireNonNull(gateway, "gateway").spec());
  }

  /**
   * Starts redirecting the upstreams of a gateway description.
   *
   * @param builder the builder
   * @return the redirect to configure
   */
  public static UpstreamRedirect of(Gateway.Builder builder) {
    return new UpstreamRedirect(Objects.requireNonNull(builder, "builder").spec());
  }

  /**
   * Sends what went to one origin to another.
   *
   * @param origin an origin the routes use, such as {@code http://orders:8080}
   * @param replacement the new origin, such as {@code http://localhost:53211}
   * @return this redirect
   * @throws IllegalArgumentException if no route uses the origin
   */
  public UpstreamRedirect to(String origin, String replacement) {
    String from = Origins.normalize(origin);
    TreeSet<String> used = new TreeSet<>();
    for (RouteSpec route : spec.routes()) {
      for (Upstream upstream : route.upstreamsUsed()) {
        upstream.targets().forEach(t -> used.add(Origins.normalize(t.url())));
      }
    }
    if (!used.contains(from)) {
      throw new IllegalArgumentException("origin: '" + origin + "' is used by no route (expected one of: " + used + ")");
    }
    URI to = URI.create(Objects.requireNonNull(replacement, "replacement"));
    targets.put(from, to.getScheme() + "://" + to.getRawAuthority());
    return this;
  }

  /**
   * Builds a real gateway (with its own upstream client) that sends to the new origins.
   *
   * @return the gateway
   */
  public Gateway build() {
    List<RouteSpec> routes = new ArrayList<>();
    for (RouteSpec route : spec.routes()) {
      RouteBuilder changed = route.toBuilder();
      RouteDestination to = route.destination();
      to.upstream().ifPresent(u -> changed.upstream(redirected(u)));
      to.split().ifPresent(split -> changed.split(split.withUpstreams(this::redirected)));
      to.fallbackUpstream().ifPresent(u -> changed.fallback(redirected(u)));
      to.mirror().ifPresent(m -> changed.mirror(Mirror.to(redirected(m.upstream())).fraction(m.fraction()).maxBody(m.maxBody())));
      routes.add(changed.build());
    }
    return spec.toBuilder().routes(routes).build();
  }

  private Upstream redirected(Upstream u) {
    List<Target> moved = u.targets().stream().map(t -> {
      String target = targets.get(Origins.normalize(t.url()));
      if (target == null) {
        return t;
      }
      String path = URI.create(t.url()).getRawPath();
      return new Target(target + (path == null ? "" : path), t.weight());
    }).toList();
    return u.targets(moved);
  }
}
