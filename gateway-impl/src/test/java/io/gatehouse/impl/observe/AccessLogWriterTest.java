package io.gatehouse.impl.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.gatehouse.observe.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The access log's hand-off to its writer thread: bounded, nothing lost, written on close, failures contained. */
class AccessLogWriterTest {
  private final Logger accessLogger = (Logger) LoggerFactory.getLogger("io.gatehouse.access");
  private final Logger selfLogger = (Logger) LoggerFactory.getLogger(AccessLog.class);
  private final Level accessLevel = accessLogger.getLevel();
  private final Level selfLevel = selfLogger.getLevel();
  private final List<Runnable> undo = new ArrayList<>();

  @AfterEach
  void restore() {
    undo.forEach(Runnable::run);
    accessLogger.setLevel(accessLevel);
    selfLogger.setLevel(selfLevel);
  }

  /**
   * A thread-safe appender that runs {@code before} on each event, then keeps it. It overrides
   * {@code doAppend}, which logback's base classes guard, so a failure of {@code before} reaches the
   * logger's caller, as with a backend that lets it.
   */
  private final class Capture extends AppenderBase<ILoggingEvent> {
    private final Consumer<ILoggingEvent> before;
    private final List<ILoggingEvent> events = new ArrayList<>();

    Capture(Logger logger, Consumer<ILoggingEvent> before) {
      this.before = before;
      start();
      logger.addAppender(this);
      undo.add(() -> logger.detachAppender(this));
    }

    @Override
    public void doAppend(ILoggingEvent event) {
      event.prepareForDeferredProcessing(); // the thread name and the like, as of now: logback takes them lazily
      before.accept(event);
      synchronized (events) {
        events.add(event);
      }
    }

    @Override
    protected void append(ILoggingEvent event) {
      throw new AssertionError("doAppend is overridden");
    }

    List<ILoggingEvent> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }
  }

  private static RequestRecord record(String path) {
    return new RequestRecord(Instant.EPOCH, "id", "0af7651916cd43dd8448eb211c80319c", "127.0.0.1", Optional.empty(),
        Optional.of("r"), "GET", path, Optional.empty(), 200, 0, 1, Duration.ofMillis(3), Optional.empty(), Optional.empty(), 1);
  }

  private static List<String> paths(List<ILoggingEvent> events) {
    return events.stream().map(e -> e.getArgumentArray()[1].toString()).toList();
  }

  @Test
  void past_the_capacity_the_requests_thread_writes_its_own_record_and_nothing_is_lost() throws InterruptedException {
    accessLogger.setLevel(Level.INFO);
    CountDownLatch writerHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Capture capture = new Capture(accessLogger, e -> {
      if (e.getThreadName().equals(AccessLog.THREAD)) {
        writerHeld.countDown();
        await(release);
      }
    });
    AccessLog accessLog = new AccessLog(2, Duration.ofMillis(1));
    accessLog.onRequest(record("/1"));
    assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue(); // the writer took /1 and is stuck in the appender

    accessLog.onRequest(record("/2"));
    accessLog.onRequest(record("/3")); // two waiting: the capacity
    assertThat(capture.events()).isEmpty();
    accessLog.onRequest(record("/4")); // one too many: written here, now
    assertThat(capture.events()).singleElement().satisfies(e -> {
      assertThat(e.getThreadName()).isEqualTo(Thread.currentThread().getName());
      assertThat(e.getArgumentArray()[1]).isEqualTo("/4");
    });

    release.countDown();
    accessLog.close();
    assertThat(paths(capture.events())).containsExactlyInAnyOrder("/1", "/2", "/3", "/4");
  }

  @Test
  void close_writes_every_queued_record_before_it_returns() {
    accessLogger.setLevel(Level.INFO);
    Capture capture = new Capture(accessLogger, e -> { });
    AccessLog accessLog = new AccessLog(AccessLog.CAPACITY, Duration.ofMillis(200));
    for (int i = 0; i < 1_000; i++) {
      accessLog.onRequest(record("/" + i));
    }
    accessLog.close();
    assertThat(capture.events()).hasSize(1_000);
    accessLog.onRequest(record("/after"));
    assertThat(capture.events()).hasSize(1_001).last().satisfies(e -> assertThat(e.getThreadName()).isEqualTo(Thread.currentThread().getName()));
  }

  @Test
  void records_of_one_linger_are_written_as_one_batch_by_one_thread() {
    accessLogger.setLevel(Level.INFO);
    Capture capture = new Capture(accessLogger, e -> { });
    AccessLog accessLog = new AccessLog(AccessLog.CAPACITY, Duration.ofMillis(200));
    for (int i = 0; i < 100; i++) {
      accessLog.onRequest(record("/" + i));
    }
    assertThat(capture.events()).isEmpty(); // still lingering: nothing was written on this thread
    accessLog.close();
    assertThat(capture.events()).hasSize(100).allSatisfy(e -> assertThat(e.getThreadName()).isEqualTo(AccessLog.THREAD));
  }

  @Test
  void nothing_is_queued_while_the_logger_is_off() {
    accessLogger.setLevel(Level.WARN);
    Capture capture = new Capture(accessLogger, e -> { });
    AccessLog accessLog = new AccessLog(1, Duration.ofMillis(1));
    accessLog.onRequest(record("/1"));
    accessLog.close();
    assertThat(capture.events()).isEmpty();
  }

  @Test
  void a_failing_appender_is_reported_once_at_warn_and_the_other_records_are_still_written() {
    accessLogger.setLevel(Level.INFO);
    selfLogger.setLevel(Level.DEBUG);
    Capture capture = new Capture(accessLogger, e -> {
      if (e.getArgumentArray()[1].toString().startsWith("/bad")) {
        throw new IllegalStateException("disk full");
      }
    });
    Capture reports = new Capture(selfLogger, e -> { });
    AccessLog accessLog = new AccessLog(AccessLog.CAPACITY, Duration.ofMillis(1));
    accessLog.onRequest(record("/bad1"));
    accessLog.onRequest(record("/ok"));
    accessLog.onRequest(record("/bad2"));
    accessLog.close();
    assertThat(paths(capture.events())).containsExactly("/ok");
    assertThat(reports.events()).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.DEBUG);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
