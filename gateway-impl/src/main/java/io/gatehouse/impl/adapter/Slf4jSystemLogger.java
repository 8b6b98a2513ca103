package io.gatehouse.impl.adapter;

import java.text.MessageFormat;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;
import org.slf4j.Logger;

/**
 * A {@link System.Logger} that writes to an SLF4J logger, so that gateway-api code (which may only
 * use the JDK) logs where the rest of the gateway does. Levels map by name ({@code WARNING} to
 * warn, {@code ALL} to trace); parameters are {@link MessageFormat} ones, as the JDK's contract
 * says.
 *
 * <p>{@code System.Logger log = new Slf4jSystemLogger(LoggerFactory.getLogger("io.gatehouse.adapter.SwappableGateway"));}
 */
final class Slf4jSystemLogger implements System.Logger {
  private final Logger log;

  Slf4jSystemLogger(Logger log) {
    this.log = Objects.requireNonNull(log, "log");
  }

  @Override
  public String getName() {
    return log.getName();
  }

  @Override
  public boolean isLoggable(Level level) {
    return switch (level) {
      case ALL, TRACE -> log.isTraceEnabled();
      case DEBUG -> log.isDebugEnabled();
      case INFO -> log.isInfoEnabled();
      case WARNING -> log.isWarnEnabled();
      case ERROR -> log.isErrorEnabled();
      case OFF -> false;
    };
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (isLoggable(level)) {
      write(level, localized(bundle, msg), thrown);
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      String pattern = localized(bundle, format);
      write(level, params == null || params.length == 0 ? pattern : MessageFormat.format(pattern, params), null);
    }
  }

  private void write(Level level, String message, Throwable thrown) {
    switch (level) {
      case ALL, TRACE -> log.trace(message, thrown);
      case DEBUG -> log.debug(message, thrown);
      case INFO -> log.info(message, thrown);
      case WARNING -> log.warn(message, thrown);
      case ERROR -> log.error(message, thrown);
      case OFF -> { }
    }
  }

  private static String localized(ResourceBundle bundle, String key) {
    if (bundle == null || key == null) {
      return key;
    }
    try {
      return bundle.getString(key);
    } catch (MissingResourceException e) {
      return key;
    }
  }

  @Override
  public String toString() {
    return "Slf4jSystemLogger[" + log.getName() + "]";
  }
}
