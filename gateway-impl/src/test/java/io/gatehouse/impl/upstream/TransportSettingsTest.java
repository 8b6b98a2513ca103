package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.upstream.ConnectionPool;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransportSettingsTest {

  @Test
  void defaults_use_one_io_thread_per_processor_and_the_default_pool() {
    TransportSettings defaults = TransportSettings.defaults();

    assertThat(defaults.ioThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(defaults.pool()).isEqualTo(ConnectionPool.defaults());
    assertThat(defaults.withIoThreads(3).ioThreads()).isEqualTo(3);
  }

  @Test
  void default_pool_is_64_per_origin_with_short_lifetime_and_acquire_timeout() {
    ConnectionPool pool = ConnectionPool.defaults();

    assertThat(pool.maxPerOrigin()).isEqualTo(64);
    assertThat(pool.maxTotal()).isEqualTo(256);
    assertThat(pool.acquireTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(pool.maxLifetime()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void per_origin_and_total_limits_follow_each_other() {
    assertThat(ConnectionPool.defaults().maxPerOrigin(300).maxTotal()).isEqualTo(300);
    assertThat(ConnectionPool.defaults().maxTotal(8).maxPerOrigin()).isEqualTo(8);
  }

  static Stream<Arguments> nonsense() {
    return Stream.of(
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().maxTotal(0)),
            "maxTotal: 0 (expected: >= 1)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withMaxConnectionsPerOrigin(0),
            "maxPerOrigin: 0 (expected: >= 1)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().acquireTimeout(Duration.ZERO)),
            "acquireTimeout: PT0S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().maxLifetime(Duration.ofSeconds(-1))),
            "maxLifetime: PT-1S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().idleTimeout(Duration.ZERO)),
            "idleTimeout: PT0S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().validateAfterInactivity(Duration.ZERO)),
            "validateAfterInactivity: PT0S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().resolveTimeout(Duration.ZERO)),
            "resolveTimeout: PT0S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withPool(s.pool().negativeDnsTtl(Duration.ZERO)),
            "negativeDnsTtl: PT0S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withIoThreads(0),
            "ioThreads: 0 (expected: > 0)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("nonsense")
  void rejects_nonsense_naming_field_value_and_expectation(UnaryOperator<TransportSettings> change, String message) {
    assertThatThrownBy(() -> change.apply(TransportSettings.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
