package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransportSettingsTest {

  @Test
  void defaults_use_one_io_thread_per_processor() {
    TransportSettings defaults = TransportSettings.defaults();

    assertThat(defaults.ioThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(defaults.maxConnectionsPerOrigin()).isLessThanOrEqualTo(defaults.maxConnectionsTotal());
    assertThat(defaults.withIoThreads(3).ioThreads()).isEqualTo(3);
  }

  static Stream<Arguments> nonsense() {
    return Stream.of(
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withMaxConnectionsTotal(0),
            "maxConnectionsTotal: 0 (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withMaxConnectionsPerOrigin(0),
            "maxConnectionsPerOrigin: 0 (expected: 1 to maxConnectionsTotal, 256)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withMaxConnectionsPerOrigin(257),
            "maxConnectionsPerOrigin: 257 (expected: 1 to maxConnectionsTotal, 256)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withIdleEviction(Duration.ZERO),
            "idleEviction: PT0S (expected: > 0)"),
        Arguments.of((UnaryOperator<TransportSettings>) s -> s.withConnectionTimeToLive(Duration.ofSeconds(-1)),
            "connectionTimeToLive: PT-1S (expected: > 0)"),
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
