package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.TimeSource;
import io.gatehouse.impl.compile.FeatureCompiler;
import io.gatehouse.impl.ingress.IngressCompiler;
import io.gatehouse.impl.observe.ObserversCompiler;
import io.gatehouse.impl.proxy.ProxyCompiler;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Upstream;
import io.gatehouse.upstream.UpstreamTls;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's own transport makes its TLS context when the gateway is built if a route names an
 * https target (among its upstream's targets or any other upstream it uses, such as a mirror), and
 * not for plain-HTTP routes. No connection is opened: the targets are never called.
 */
class DefaultTransportTlsTest {

  @Test
  void a_gateway_with_only_http_targets_makes_no_tls_context() {
    assertThat(tlsContextMadeAtBuild(b -> b
        .route("orders", r -> r.path("/orders/**").upstream("http://orders.internal:8080"))
        .route("users", r -> r.path("/users/**").upstream(Upstream.of("http://users-1:8080", "http://users-2:8080")))))
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://orders.internal:8443", "HTTPS://orders.internal"})
  void a_gateway_with_an_https_upstream_makes_its_tls_context_when_built(String url) {
    assertThat(tlsContextMadeAtBuild(b -> b
        .route("plain", r -> r.path("/plain/**").upstream("http://plain.internal:8080"))
        .route("orders", r -> r.path("/orders/**").upstream(url))))
        .isTrue();
  }

  @Test
  void an_https_target_among_http_ones_is_enough() {
    assertThat(tlsContextMadeAtBuild(b -> b
        .route("orders", r -> r.path("/orders/**").upstream(Upstream.of("http://orders-1:8080", "https://orders-2:8443")))))
        .isTrue();
  }

  @Test
  void an_https_mirror_makes_the_tls_context() {
    assertThat(tlsContextMadeAtBuild(b -> b
        .route("orders", r -> r.path("/orders/**").upstream("http://orders.internal:8080")
            .mirror(Mirror.to(Upstream.of("https://shadow.internal:8443"))))))
        .isTrue();
  }

  @Test
  void an_upstream_with_its_own_tls_setting_makes_that_context_and_not_the_jvm_one() {
    UpstreamTls insecure = UpstreamTls.insecureSkipVerify();
    List<Boolean> made = atBuild(b -> b
        .route("orders", r -> r.path("/orders/**").upstream(Upstream.of("https://orders.internal:8443").tls(insecure))),
        transport -> List.of(transport.tlsContextMade(), transport.tlsContextMade(insecure)));

    assertThat(made).containsExactly(false, true);
  }

  @Test
  void an_upstream_that_skips_verification_is_named_in_a_warning_when_the_gateway_is_built() {
    Logger logger = (Logger) LoggerFactory.getLogger(ProxyCompiler.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    Level level = logger.getLevel();
    logger.setLevel(Level.WARN); // the tests' configuration may quiet it
    try {
      atBuild(b -> b
          .route("a", r -> r.path("/a/**").upstream(Upstream.of("https://bench.internal:8443").named("bench")
              .tls(UpstreamTls.insecureSkipVerify())))
          .route("b", r -> r.path("/b/**").upstream(Upstream.of("https://bench.internal:8443").named("bench")
              .tls(UpstreamTls.insecureSkipVerify())))
          .route("c", r -> r.path("/c/**").upstream(Upstream.of("https://safe.internal:8443").tls(UpstreamTls.jvmTrust()))),
          transport -> null);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }

    assertThat(appender.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).isEqualTo("route 'a': upstream 'bench': tls: insecureSkipVerify: the upstream's"
          + " certificate and host name are NOT verified; anyone on the path can read and change its traffic"
          + " (expected: only on a test bench)");
    });
  }

  private static boolean tlsContextMadeAtBuild(UnaryOperator<Gateway.Builder> routes) {
    return atBuild(routes, HttpClientTransport::tlsContextMade);
  }

  private static <T> T atBuild(UnaryOperator<Gateway.Builder> routes, Function<HttpClientTransport, T> read) {
    GatewaySpec spec = routes.apply(Gateway.builder()).spec();
    TimeSource.Scheduler scheduler = spec.time().newScheduler("tls-test-timer");
    try {
      ProxyCompiler.Proxying proxying = ProxyCompiler.INSTANCE.build(spec, new ProxyCompiler.Inputs(
          IngressCompiler.INSTANCE.build(spec, FeatureCompiler.None.NONE).trusted(),
          ObserversCompiler.INSTANCE.build(spec, FeatureCompiler.None.NONE), scheduler));
      try (HttpClientTransport transport = (HttpClientTransport) proxying.transport()) {
        proxying.upstreams().close();
        return read.apply(transport);
      }
    } finally {
      scheduler.close();
    }
  }
}
