package io.gatehouse.impl.pool;

import io.gatehouse.TimeSource;
import io.gatehouse.upstream.ServiceDiscovery;
import io.gatehouse.upstream.Target;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an upstream group's {@link ServiceDiscovery} for its targets right away and then every
 * refresh interval after the previous answer, and gives each answer to {@link TargetPool#update}.
 * A lookup that fails or answers null keeps the last targets; the failure is logged when lookups
 * start failing and the recovery when they answer again, not at every lookup.
 *
 * <pre>{@code
 * DiscoveryPoller poller = new DiscoveryPoller(pool, discovery, Duration.ofSeconds(30), gatewayScheduler);
 * poller.start();
 * ...
 * poller.close();
 * }</pre>
 *
 * <p>Threads: lookups may block (DNS), so they run on a daemon thread of the poller's own, named
 * {@code gatehouse-discovery-<group>}, which {@link #start()} creates and {@link #close()} stops,
 * so a slow lookup delays no one else; the gateway's scheduler only times the intervals (so a
 * manual clock drives them) and hands each lookup to that thread. With one thread and the interval
 * counted from the end of each lookup, a lookup slower than the interval delays the next one instead of
 * piling up.
 */
public final class DiscoveryPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryPoller.class);

  /** How long close() waits for a lookup in progress; the thread is a daemon, so one stuck longer is left behind. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

  private final TargetPool pool;
  private final ServiceDiscovery discovery;
  private final Duration refreshInterval;
  private final TimeSource.Scheduler scheduler;
  private ExecutorService thread; // guarded by this
  private TimeSource.Scheduled next; // guarded by this: the interval before the next lookup
  private volatile boolean closed;
  private boolean failing; // only the poller's thread touches it

  /**
   * Creates a poller; nothing runs before {@link #start()}.
   *
   * @param pool the group whose targets the discovery finds
   * @param discovery where the targets come from
   * @param refreshInterval the time between the end of one lookup and the start of the next
   * @param scheduler the gateway's timer, which times the intervals
   */
  public DiscoveryPoller(TargetPool pool, ServiceDiscovery discovery, Duration refreshInterval, TimeSource.Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.discovery = Objects.requireNonNull(discovery, "discovery");
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refreshInterval: " + refreshInterval + " (expected: > 0)");
    }
  }

  /**
   * Starts the poller's thread; the first lookup runs on it at once.
   *
   * @throws IllegalStateException if the poller was started or closed before
   */
  public synchronized void start() {
    if (closed || thread != null) {
      throw new IllegalStateException(pool + ": discovery poller already " + (closed ? "closed" : "started"));
    }
    String name = "gatehouse-discovery-" + pool.name();
    thread = Executors.newSingleThreadExecutor(runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    });
    thread.execute(this::lookup);
  }

  /** Hands the next lookup to the poller's thread, once its interval has passed. */
  private synchronized void submit() {
    if (closed) {
      return;
    }
    try {
      thread.execute(this::lookup);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private synchronized void scheduleNext() {
    if (closed) {
      return;
    }
    try {
      next = scheduler.schedule(refreshInterval, this::submit);
    } catch (RejectedExecutionException e) {
      next = null; // the gateway is closing
    }
  }

  private void lookup() {
    try {
      lookupOnce();
    } finally {
      scheduleNext();
    }
  }

  private void lookupOnce() {
    // No failure may escape: the next lookup must still be scheduled, and the thread kept.
    try {
      List<Target> found = discovery.lookup();
      if (closed) {
        return;
      }
      if (found == null) {
        failed("it answered null");
        return;
      }
      pool.update(found);
      if (failing) {
        failing = false;
        log.info("upstream '{}': discovery {} answers again", pool.name(), discovery);
      }
    } catch (Exception e) {
      if (closed) {
        return; // close() interrupts a lookup in progress: not a failure of the discovery
      }
      failed(e.toString());
    }
  }

  private void failed(String why) {
    if (!failing) {
      failing = true;
      log.warn("upstream '{}': discovery {} fails ({}); keeping its {} targets until it answers again",
          pool.name(), discovery, why, pool.targets().size());
    } else {
      log.debug("upstream '{}': discovery {} still fails ({})", pool.name(), discovery, why);
    }
  }

  /** Stops the lookups and the poller's thread, waiting up to a second for a lookup in progress. Later calls do nothing. */
  @Override
  public void close() {
    ExecutorService started;
    TimeSource.Scheduled interval;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      started = thread;
      interval = next;
    }
    if (interval != null) {
      interval.cancel();
    }
    if (started == null) {
      return;
    }
    started.shutdownNow();
    try {
      if (!started.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("upstream '{}': discovery {} still looking up after {}; its daemon thread is left to end alone",
            pool.name(), discovery, CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
