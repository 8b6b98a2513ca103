package io.gatehouse.impl.upstream;

import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.testing.transport.TransportConformance;
import io.gatehouse.testing.transport.TransportFactory;
import io.gatehouse.testing.transport.TransportOptions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's {@link HttpClientTransport} through the transport conformance kit. It lives here,
 * not in gateway-impl, because the fixtures depend on gateway-impl (a test dependency back would be
 * a cycle); it runs in this module's {@code transport-conformance-small-heap} execution (-Xmx128m).
 * What only httpclient5 has is tested beside it, in this package, with the kit's tools: its
 * failures and threads (HttpClientTransportFailureTest), its resolver and pool (PoolAndDnsTest), its
 * deadline timer (DeadlineTimerTest), the framing guard's messages (HttpClientTransportFramingTest)
 * and the guard in memory (ResponseFramingGuardTest); TransportSettings' checks and the parsed-head
 * checks need no socket and stay in gateway-impl.
 */
class HttpClientTransportConformanceTest extends TransportConformance {
  private static final List<String> TRUST_PROPERTIES =
      List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType", "javax.net.ssl.trustStorePassword");

  @Override
  protected TransportFactory factory() {
    return new TransportFactory() {
      @Override
      public String name() {
        return "HttpClientTransport (httpclient5)";
      }

      @Override
      public UpstreamTransport create(TransportOptions options) throws Exception {
        TransportSettings settings = TransportSettings.of(options.pool()).withIoThreads(1);
        if (options.trustedCertificates().isEmpty()) {
          return HttpClientTransport.create(settings);
        }
        return withJvmTrustStore(options.trustStore(), () -> {
          HttpClientTransport transport = HttpClientTransport.create(settings);
          try {
            transport.makeTlsContext();
          } catch (RuntimeException e) {
            transport.close();
            throw e;
          }
          return transport;
        });
      }
    };
  }

  @FunctionalInterface
  private interface Creation {
    HttpClientTransport create();
  }

  /**
   * HttpClientTransport has no trust setting of its own: it trusts what the JVM trusts, which its
   * users set with the javax.net.ssl.trustStore properties. The properties are read when the
   * transport makes its TLS context, on its first https connection or at makeTlsContext(), so they
   * are set just around create() and that call.
   */
  private static synchronized HttpClientTransport withJvmTrustStore(KeyStore store, Creation creation) throws Exception {
    char[] password = "kit".toCharArray();
    Path file = Files.createTempFile("transport-kit-trust", ".p12");
    Map<String, String> previous = new HashMap<>();
    try {
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password);
      }
      TRUST_PROPERTIES.forEach(p -> previous.put(p, System.getProperty(p)));
      System.setProperty("javax.net.ssl.trustStore", file.toString());
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
      return creation.create();
    } finally {
      previous.forEach((p, v) -> {
        if (v == null) {
          System.clearProperty(p);
        } else {
          System.setProperty(p, v);
        }
      });
      Files.deleteIfExists(file);
    }
  }
}
