package io.gatehouse.impl.ingress;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.IngressSettings;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.proxy.TrustedProxies;
import java.util.List;

/**
 * Compiles what every request passes at ingress: the trusted proxies, whose forwarding headers the
 * gateway believes, and the request limits and header rules; builds the {@link IngressChecks}.
 */
public enum IngressCompiler implements FeatureCompiler<FeatureCompiler.None, IngressCompiler.Ingress> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  /**
   * The ingress of one gateway.
   *
   * @param trusted the peers whose forwarding headers the gateway believes; they also say who the client is
   * @param checks the checks and cleaning every request passes before routing
   */
  public record Ingress(TrustedProxies trusted, IngressChecks checks) {}

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    TrustedProxies.parse(spec.ingress().trustedProxies(), problem -> violations.add(ConfigViolation.ofGateway("trustedProxies", problem)));
  }

  @Override
  public Ingress build(GatewaySpec spec, None none) {
    IngressSettings ingress = spec.ingress();
    TrustedProxies trusted = TrustedProxies.parse(ingress.trustedProxies(), problem -> {}); // checked: there are none
    return new Ingress(trusted, new IngressChecks(ingress.requestLimits(), ingress.underscoreHeaders(), trusted::trusts,
        spec.identity().headers().names()));
  }
}
