package io.gatehouse.impl.auth;

import io.gatehouse.GatewaySpec;
import io.gatehouse.TimeSource;
import io.gatehouse.auth.AnyOfAuth;
import io.gatehouse.auth.ApiKeyAuth;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.BasicAuth;
import io.gatehouse.auth.ClientCertificateAuth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.IntrospectionAuth;
import io.gatehouse.auth.JwtAuth;
import io.gatehouse.auth.NoAuth;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.route.RouteSpec;
import io.gatehouse.spi.UpstreamTransport;
import java.net.URI;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The auth machinery of one gateway, built from a spec that {@link AuthCompiler} found valid:
 * one set of authenticators per distinct {@link Auth} value (so routes sharing the default share
 * its JWKS keys and introspection cache), and the password checker's threads, which
 * {@link #close()} stops.
 */
public final class AuthRuntime implements AutoCloseable {

  private final GatewaySpec spec;
  private final ConsumerStore store;
  private final HttpFetch fetch;
  private final Map<Auth, List<Authenticator>> built = new IdentityHashMap<>();
  private PasswordChecker passwords;

  /** Made by {@link AuthCompiler#build}: JWKS and introspection calls go through the transport, bounded on the scheduler. */
  AuthRuntime(GatewaySpec spec, UpstreamTransport transport, TimeSource.Scheduler scheduler) {
    this.spec = spec;
    this.store = spec.identity().consumerStore().orElseGet(() -> ConsumerStore.of(spec.identity().consumers()));
    this.fetch = new HttpFetch(transport, scheduler);
  }

  /**
   * The auth stage of a route. Call only while compiling: not thread-safe.
   *
   * @param route a route of the spec
   */
  public Stage stage(RouteSpec route) {
    List<Authenticator> authenticators = authenticators(route.access().auth().orElse(spec.identity().auth()));
    return new AuthStage(route.id(), authenticators, route.access().rules(), spec.identity().headers());
  }

  /** The authenticators of an auth value, built once per value (by identity); tests reach them here after compiling. */
  List<Authenticator> authenticators(Auth auth) {
    List<Authenticator> known = built.get(auth);
    if (known != null) {
      return known;
    }
    List<Authenticator> list = new ArrayList<>();
    if (auth instanceof AnyOfAuth any) {
      any.alternatives().forEach(a -> list.addAll(authenticators(a)));
    } else if (auth instanceof ApiKeyAuth apiKey) {
      list.add(new ApiKeyAuthenticator(apiKey, store));
    } else if (auth instanceof BasicAuth basic) {
      if (passwords == null) {
        passwords = new PasswordChecker(spec.time());
      }
      list.add(new BasicAuthenticator(basic, store, passwords));
    } else if (auth instanceof JwtAuth jwt) {
      JwksKeySource jwks = jwt.jwks().map(url -> new JwksKeySource(URI.create(url), jwt, fetch, spec.time())).orElse(null);
      list.add(new JwtAuthenticator(jwt, jwks, spec.time()));
    } else if (auth instanceof IntrospectionAuth introspection) {
      list.add(new IntrospectionAuthenticator(introspection, URI.create(introspection.endpoint()), fetch, spec.time()));
    } else if (auth instanceof ClientCertificateAuth certificate) {
      list.add(new ClientCertificateAuthenticator(certificate, store));
    } else if (!(auth instanceof NoAuth)) {
      throw new IllegalArgumentException("auth: " + auth + " (expected: a kind of io.gatehouse.auth.Auth)");
    }
    List<Authenticator> result = List.copyOf(list);
    built.put(auth, result);
    return result;
  }

  /** Stops the password checker's threads. */
  @Override
  public void close() {
    if (passwords != null) {
      passwords.close();
    }
  }
}
