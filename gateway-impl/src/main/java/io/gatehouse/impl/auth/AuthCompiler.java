package io.gatehouse.impl.auth;

import io.gatehouse.ConfigViolation;
import io.gatehouse.GatewaySpec;
import io.gatehouse.IdentitySettings;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.AnyOfAuth;
import io.gatehouse.auth.ApiKeyAuth;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.BasicAuth;
import io.gatehouse.auth.ClientCertificateAuth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IntrospectionAuth;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.JwtKey;
import io.gatehouse.auth.NoAuth;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.upstream.HttpUrls;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamTransport;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Compiles the auth part of a gateway: consumers, each {@link Auth} of the gateway and its routes,
 * and access rules; builds the {@link AuthRuntime}, whose JWKS and introspection calls go through
 * the gateway's upstream transport.
 */
public enum AuthCompiler implements FeatureCompiler<AuthCompiler.Inputs, AuthRuntime> {
  /** The one instance: compiling keeps no state. */
  INSTANCE;

  /**
   * What building the authenticators needs.
   *
   * @param transport carries the JWKS and introspection calls
   * @param scheduler the gateway's timer, which bounds those calls
   */
  public record Inputs(UpstreamTransport transport, TimeSource.Scheduler scheduler) {}

  @Override
  public void check(GatewaySpec spec, List<ConfigViolation> violations) {
    IdentitySettings identity = spec.identity();
    boolean hasConsumers = !identity.consumers().isEmpty() || identity.consumerStore().isPresent();
    if (!identity.consumers().isEmpty() && identity.consumerStore().isPresent()) {
      violations.add(ConfigViolation.ofGateway("consumers",
          "both consumer(...) and consumers(store) are set (expected: one of them)"));
    }
    try {
      ConsumerStore.of(identity.consumers());
    } catch (IllegalArgumentException e) {
      violations.add(ConfigViolation.ofGateway("consumers", e.getMessage().replaceFirst("^consumers: ", "")));
    }
    checkAuth(identity.auth(), hasConsumers, (field, message) -> violations.add(ConfigViolation.ofGateway(field, message)));
    for (RouteSpec route : spec.routes()) {
      route.access().auth().ifPresent(auth -> checkAuth(auth, hasConsumers,
          (field, message) -> violations.add(ConfigViolation.ofRoute(route.id(), field, message))));
      Auth effective = route.access().auth().orElse(identity.auth());
      if (!route.access().rules().isEmpty() && effective instanceof NoAuth) {
        violations.add(ConfigViolation.ofRoute(route.id(), "require",
            route.access().rules().get(0) + " on a public route (expected: auth(...) on the route or the gateway)"));
      }
    }
  }

  @Override
  public AuthRuntime build(GatewaySpec spec, Inputs inputs) {
    return new AuthRuntime(spec, inputs.transport(), inputs.scheduler());
  }

  private static void checkAuth(Auth auth, boolean hasConsumers, BiConsumer<String, String> violation) {
    if (auth instanceof AnyOfAuth any) {
      any.alternatives().forEach(a -> checkAuth(a, hasConsumers, violation));
    } else if (auth instanceof ApiKeyAuth || auth instanceof BasicAuth) {
      if (!hasConsumers) {
        violation.accept("auth", auth + " has no consumers to check against (expected: consumer(...) or consumers(store))");
      }
    } else if (auth instanceof ClientCertificateAuth certificate) {
      if (certificate.consumers() && !hasConsumers) {
        violation.accept("auth", auth + " looks ids up among consumers, but there are none (expected: consumer(...) or consumers(store))");
      }
    } else if (auth instanceof JwtAuth jwt) {
      if (jwt.keys().isEmpty() && jwt.jwks().isEmpty()) {
        violation.accept("auth", "Auth.jwt() has no keys (expected: keys(...), jwks(url) or both)");
      }
      jwt.jwks().ifPresent(url -> HttpUrls.endpointProblem(url).ifPresent(
          problem -> violation.accept("auth.jwks", "'" + url + "' " + problem + URL_EXPECTED)));
      Set<Optional<String>> kids = new HashSet<>();
      for (JwtKey key : jwt.keys()) {
        if (!kids.add(key.kid())) {
          violation.accept("auth.keys", "two keys with kid " + key.kid().orElse("(none)") + " (expected: unique kids)");
        }
      }
    } else if (auth instanceof IntrospectionAuth introspection) {
      HttpUrls.endpointProblem(introspection.endpoint()).ifPresent(problem -> violation.accept("auth.introspection",
          "'" + introspection.endpoint() + "' " + problem + URL_EXPECTED));
      if (introspection.clientId().isEmpty()) {
        violation.accept("auth.introspection", "no client credentials (expected: clientCredentials(id, secret);"
            + " RFC 7662 endpoints authenticate their callers)");
      }
    }
  }

  private static final String URL_EXPECTED = " (expected: an absolute http or https URL without user info or fragment)";
}
