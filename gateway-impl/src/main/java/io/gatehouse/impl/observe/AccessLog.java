package io.gatehouse.impl.observe;

import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.RequestRecord;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one INFO event per finished request on the logger {@code io.gatehouse.access},
 * with the fields as SLF4J 2 key-value pairs (a JSON encoder writes them as fields) and a short
 * readable message, which names the number of upstream attempts when there were retries. No header
 * value is logged, so no credential can be.
 *
 * <p>The request's thread only queues the record: no lock, and no wake-up of another thread per
 * request. This gateway's writer thread ({@value #THREAD}, started on the first record, ended after
 * a second without any) logs the records of the last {@link #LINGER} as one batch, as Envoy's
 * access-log flush thread and nginx's buffered {@code access_log} do, so the logging configuration
 * needs no asynchronous appender of its own. Nothing is dropped: past {@link #CAPACITY} records
 * waiting, and after {@link #close()}, the request's thread logs its record itself. {@code close()}
 * writes what is queued before it returns.
 */
final class AccessLog implements GatewayObserver {
  static final String THREAD = "gatehouse-access-log";
  static final Duration LINGER = Duration.ofMillis(10);
  static final int CAPACITY = 65_536;
  private static final Logger log = LoggerFactory.getLogger("io.gatehouse.access");
  private static final Logger self = LoggerFactory.getLogger(AccessLog.class);

  private final int capacity;
  private final long lingerNanos;
  private final Queue<RequestRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean batchPending = new AtomicBoolean();
  private final AtomicBoolean failedBefore = new AtomicBoolean();
  private final ThreadPoolExecutor writer;

  AccessLog() {
    this(CAPACITY, LINGER);
  }

  AccessLog(int capacity, Duration linger) {
    this.capacity = capacity;
    this.lingerNanos = linger.toNanos();
    this.writer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
      Thread thread = new Thread(task, THREAD);
      thread.setDaemon(true);
      return thread;
    });
    writer.allowCoreThreadTimeOut(true);
  }

  @Override
  public void onRequest(RequestRecord r) {
    if (!log.isInfoEnabled()) {
      return;
    }
    if (queued.incrementAndGet() > capacity || writer.isShutdown()) {
      queued.decrementAndGet();
      write(r);
      return;
    }
    queue.add(r);
    if (!batchPending.get() && batchPending.compareAndSet(false, true)) {
      try {
        writer.execute(this::writeBatch);
      } catch (RejectedExecutionException closed) {
        writeQueued();
      }
    }
  }

  /** Writes what is queued, then stops the writer thread; records after this are written by their own thread. */
  void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        self.warn("the access log's writer did not finish within 5 s; {} records are written by the closing thread", queued.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeQueued();
  }

  private void writeBatch() {
    LockSupport.parkNanos(lingerNanos);
    batchPending.set(false); // a record queued after this schedules the next batch
    writeQueued();
  }

  private void writeQueued() {
    RequestRecord r;
    while ((r = queue.poll()) != null) {
      queued.decrementAndGet();
      write(r);
    }
  }

  private void write(RequestRecord r) {
    try {
      long millis = r.duration().toMillis();
      log.atInfo()
          .setMessage(r.upstreamAttempts() > 1 ? "{} {} {} {} ms ({} upstream attempts)" : "{} {} {} {} ms")
          .addArgument(r.method())
          .addArgument(r.path())
          .addArgument(r.status())
          .addArgument(millis)
          .addArgument(r.upstreamAttempts())
          .addKeyValue("time", r.start())
          .addKeyValue("requestId", r.requestId())
          .addKeyValue("traceId", r.traceId())
          .addKeyValue("client", r.clientAddress())
          .addKeyValue("consumer", r.consumer().orElse("-"))
          .addKeyValue("route", r.routeId().orElse("-"))
          .addKeyValue("method", r.method())
          .addKeyValue("path", r.path())
          .addKeyValue("upstream", r.upstream().orElse("-"))
          .addKeyValue("status", r.status())
          .addKeyValue("bytesIn", r.bytesIn())
          .addKeyValue("bytesOut", r.bytesOut())
          .addKeyValue("durationMs", millis)
          .addKeyValue("attempts", r.upstreamAttempts())
          .addKeyValue("upstreamMs", r.upstreamDuration().map(Duration::toMillis).map(String::valueOf).orElse("-"))
          .addKeyValue("rejection", r.rejection().map(Enum::name).orElse("-"))
          .addKeyValue("cache", r.cache().map(Enum::name).orElse("-"))
          .log();
    } catch (RuntimeException e) {
      if (failedBefore.compareAndSet(false, true)) {
        self.warn("the access log could not write a record (later failures are logged at debug level)", e);
      } else {
        self.debug("the access log could not write a record", e);
      }
    }
  }
}
