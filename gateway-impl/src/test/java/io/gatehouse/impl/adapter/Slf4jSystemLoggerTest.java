package io.gatehouse.impl.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;

class Slf4jSystemLoggerTest {
  /** Records what reaches SLF4J; every level enabled unless the threshold says otherwise. */
  private static final class Recording extends LegacyAbstractLogger {
    final List<String> lines = new ArrayList<>();
    final org.slf4j.event.Level threshold;

    Recording(org.slf4j.event.Level threshold) {
      this.name = "test.logger";
      this.threshold = threshold;
    }

    private boolean on(org.slf4j.event.Level level) {
      return level.toInt() >= threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return on(org.slf4j.event.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return on(org.slf4j.event.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return on(org.slf4j.event.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return on(org.slf4j.event.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return on(org.slf4j.event.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String message,
        Object[] arguments, Throwable throwable) {
      lines.add(level + " " + message + (throwable == null ? "" : " !" + throwable.getMessage()));
    }
  }

  @ParameterizedTest
  @CsvSource({"ALL, TRACE", "TRACE, TRACE", "DEBUG, DEBUG", "INFO, INFO", "WARNING, WARN", "ERROR, ERROR"})
  void levels_map_by_name(Level jdk, org.slf4j.event.Level slf4j) {
    Recording out = new Recording(org.slf4j.event.Level.TRACE);

    new Slf4jSystemLogger(out).log(jdk, "m");

    assertThat(out.lines).containsExactly(slf4j + " m");
  }

  @Test
  void messages_are_written_as_is_and_formats_with_parameters_as_message_formats() {
    Recording out = new Recording(org.slf4j.event.Level.TRACE);
    System.Logger log = new Slf4jSystemLogger(out);

    log.log(Level.INFO, "gateway configuration swapped: version {} -> it's {0}");
    log.log(Level.INFO, "version {0} -> {1}", "a", "b");
    log.log(Level.ERROR, "failed", new IllegalStateException("boom"));

    assertThat(out.lines).containsExactly(
        "INFO gateway configuration swapped: version {} -> it's {0}",
        "INFO version a -> b",
        "ERROR failed !boom");
    assertThat(log.getName()).isEqualTo("test.logger");
  }

  @Test
  void a_level_below_the_threshold_is_not_loggable_and_not_written() {
    Recording out = new Recording(org.slf4j.event.Level.WARN);
    System.Logger log = new Slf4jSystemLogger(out);

    log.log(Level.INFO, "quiet");

    assertThat(log.isLoggable(Level.INFO)).isFalse();
    assertThat(log.isLoggable(Level.WARNING)).isTrue();
    assertThat(log.isLoggable(Level.OFF)).isFalse();
    assertThat(out.lines).isEmpty();
  }
}
