package io.gatehouse.impl.auth;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Everything logged under {@code io.gatehouse}, down to DEBUG, while open. */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.gatehouse");
  private final Level level = logger.getLevel();
  private final boolean additive = logger.isAdditive();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false); // the console stays quiet
  }

  /** The formatted messages of the events at the level, with their throwables' text. */
  List<String> messages(Level atLeast) {
    return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
        .map(e -> e.getLevel() + " " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
        .toList();
  }

  List<String> all() {
    return messages(Level.TRACE);
  }

  List<String> from(Class<?> source, Level atLeast) {
    return appender.list.stream().filter(e -> e.getLoggerName().equals(source.getName()) && e.getLevel().isGreaterOrEqual(atLeast))
        .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  void clear() {
    appender.list.clear();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(level);
    logger.setAdditive(additive);
  }
}
