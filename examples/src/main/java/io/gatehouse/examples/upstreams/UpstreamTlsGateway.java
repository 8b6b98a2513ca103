package io.gatehouse.examples.upstreams;

import io.gatehouse.Gateway;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamTls;
import java.nio.file.Path;

/** TLS to upstreams: a pinned CA, a client certificate, HTTP/2 and a server name; the README quotes it and its test runs it. */
public final class UpstreamTlsGateway {
  private UpstreamTlsGateway() {}

  /**
   * Payments behind mutual TLS with its own CA and HTTP/2, and a legacy service reached by address
   * whose certificate carries only its name.
   *
   * @param paymentsCa the PEM file of the CA that signs the payments service's certificates
   * @param gatewayChain the gateway's client certificate chain (PEM)
   * @param gatewayKey the gateway's client key (PKCS#8 PEM)
   * @return the builder
   */
  // tag::upstream-tls[]
  public static Gateway.Builder gateway(Path paymentsCa, Path gatewayChain, Path gatewayKey) {
    Upstream payments = Upstream.of("https://payments-1.internal:8443", "https://payments-2.internal:8443")
        .named("payments")
        .tls(UpstreamTls.trustedCas(paymentsCa)                   // only this CA, not the JVM's
            .clientCertificate(gatewayChain, gatewayKey))         // mutual TLS: the gateway's certificate
        .http2(true);                                             // h2 where the upstream offers it (ALPN)
    Upstream legacy = Upstream.of("https://10.0.3.7:8443")
        .tls(UpstreamTls.jvmTrust().serverName("legacy.internal"));  // SNI and the name checked
    return Gateway.builder()
        .route("payments", r -> r.path("/payments/**").upstream(payments))
        .route("legacy", r -> r.path("/legacy/**").upstream(legacy));
  }
  // end::upstream-tls[]
}
