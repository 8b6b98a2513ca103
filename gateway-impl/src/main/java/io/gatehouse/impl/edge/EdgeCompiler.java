package io.gatehouse.impl.edge;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.edge.IpRules;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.net.IpBlock;
import io.gatehouse.impl.proxy.TrustedProxies;
import io.gatehouse.route.RouteSpec;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Compiles the front door of a gateway: the IP rules, gateway-wide and per route, whose every entry
 * must be a strict address or CIDR block, and the security headers (valid by construction); builds
 * the {@link EdgeRuntime}.
 */
public enum EdgeCompiler implements FeatureCompiler<EdgeCompiler.Inputs, EdgeRuntime> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  /**
   * What building the edge needs.
   *
   * @param trusted the trusted proxies, whose {@code X-Forwarded-Proto} says whether a client came over TLS
   */
  public record Inputs(TrustedProxies trusted) {}

  /**
   * Adds a violation for each IP rules entry that is not a canonical address or CIDR block, naming
   * the gateway or the route, and the field {@code ipRules.allow} or {@code ipRules.deny}.
   */
  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    check(spec.ingress().ipRules(), (field, problem) -> violations.add(ConfigViolation.ofGateway(field, problem)));
    for (RouteSpec route : FeatureCompiler.distinctRoutes(spec)) {
      route.access().ipRules().ifPresent(rules ->
          check(rules, (field, problem) -> violations.add(ConfigViolation.ofRoute(route.id(), field, problem))));
    }
  }

  private static void check(IpRules rules, BiConsumer<String, String> violation) {
    IpBlock.parseAll(rules.allowed(), problem -> violation.accept("ipRules.allow", problem));
    IpBlock.parseAll(rules.denied(), problem -> violation.accept("ipRules.deny", problem));
  }

  @Override
  public EdgeRuntime build(GatewaySpec spec, Inputs inputs) {
    return new EdgeRuntime(spec, inputs.trusted());
  }
}
