package io.gatehouse.impl.observe;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.impl.compile.FeatureCompiler;
import java.util.List;

/**
 * Compiles the observability of a gateway: the user's observers, the access log and the usage
 * meter, into {@link Observers}. Their settings are validated by their setters, so the check finds
 * nothing today; it is where a whole-gateway observability check goes.
 */
public enum ObserversCompiler implements FeatureCompiler<FeatureCompiler.None, Observers> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    // nothing to check across settings
  }

  @Override
  public Observers build(GatewaySpec spec, None none) {
    return Observers.of(spec);
  }
}
