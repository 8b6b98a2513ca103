package io.gatehouse.impl.metering;

import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.metering.Metering;
import io.gatehouse.metering.Usage;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.metering.UsageWindow;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.RequestRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts finished requests per (consumer, route) in fixed, epoch-aligned windows of the gateway's
 * clock. A request counts in the window of the instant it finished (the clock read when the record
 * arrives), never in an older one than the newest, so ended windows stay put for exporters.
 *
 * <p>Memory: at most {@code keep} windows (older ones are dropped when a new one starts and are
 * not reported once out of range), each with at most {@code maxKeys} pairs plus one
 * {@link Usage#OTHER} pair per route. Counting is lock-free but for a short lock on the pair's
 * counters (so that a snapshot's classes always add up to its requests) and a lock when a
 * window starts, once per window. No threads.
 */
public final class UsageMeter implements GatewayObserver, CarriedState {
  private final Metering metering;
  private final Clock clock;
  private final long windowSeconds;
  private final int keep;
  private final int maxKeys;
  private volatile Windows windows = new Windows();

  /** The windows counted so far; shared with a gateway swapped in with the same metering. */
  private static final class Windows {
    volatile Window current;
    /** The windows before {@link #current}, oldest first; guarded by this. */
    final ArrayDeque<Window> earlier = new ArrayDeque<>();
  }

  /**
   * A meter.
   *
   * @param metering the windows and bounds
   * @param clock the gateway's clock
   */
  public UsageMeter(Metering metering, Clock clock) {
    this.metering = metering;
    this.clock = clock;
    this.windowSeconds = metering.window().getSeconds();
    this.keep = metering.keep();
    this.maxKeys = metering.maxKeys();
  }

  @Override
  public void onRequest(RequestRecord record) {
    long start = windowStart(clock.instant());
    Windows ws = windows;
    Window window = ws.current;
    if (window == null || window.start != start) {
      window = windowAt(ws, start);
    }
    window.count(record);
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("metering", "gateway", metering);
  }

  @Override
  public void takeOver(CarriedState previous) {
    windows = ((UsageMeter) previous).windows;
  }

  /** The windows kept, oldest first, as of the clock's time now. */
  public UsageReport report() {
    long oldest = windowStart(clock.instant()) - (keep - 1) * windowSeconds;
    List<Window> kept;
    Windows ws = windows;
    synchronized (ws) {
      dropBefore(ws, oldest);
      kept = new ArrayList<>(ws.earlier);
      if (ws.current != null) {
        kept.add(ws.current);
      }
    }
    List<UsageWindow> report = new ArrayList<>(kept.size());
    for (Window w : kept) {
      if (w.start >= oldest) {
        report.add(w.snapshot());
      }
    }
    return new UsageReport(report);
  }

  private long windowStart(Instant now) {
    return Math.floorDiv(now.getEpochSecond(), windowSeconds) * windowSeconds;
  }

  /** The window to count in when the clock is in the one at {@code start}: a new one, or the newest. */
  private Window windowAt(Windows ws, long start) {
    synchronized (ws) {
      Window newest = ws.current;
      if (newest != null && start <= newest.start) {
        return newest; // another thread started it, or the clock stepped back
      }
      if (newest != null) {
        ws.earlier.addLast(newest);
      }
      Window started = new Window(start, start + windowSeconds, maxKeys);
      ws.current = started;
      dropBefore(ws, start - (keep - 1) * windowSeconds);
      return started;
    }
  }

  private static void dropBefore(Windows ws, long oldest) {
    while (!ws.earlier.isEmpty() && ws.earlier.peekFirst().start < oldest) {
      ws.earlier.removeFirst();
    }
  }

  private record Key(String consumer, String route) {}

  /** One window's counters. */
  private static final class Window {
    final long start;
    final long end;
    final int maxKeys;
    final Map<Key, Counters> counters = new ConcurrentHashMap<>();
    /** The pairs counted apart so far, at most maxKeys; the (other) pairs are not among them. */
    final AtomicInteger keys = new AtomicInteger();

    Window(long start, long end, int maxKeys) {
      this.start = start;
      this.end = end;
      this.maxKeys = maxKeys;
    }

    void count(RequestRecord r) {
      String route = r.routeId().orElse(Usage.NO_ROUTE);
      Key key = new Key(r.consumer().orElse(Usage.ANONYMOUS), route);
      Counters c = counters.get(key);
      if (c == null && keys.get() < maxKeys) {
        c = counters.computeIfAbsent(key, k -> admit());
      }
      if (c == null) {
        c = counters.computeIfAbsent(new Key(Usage.OTHER, route), k -> new Counters());
      }
      c.add(r.status(), r.bytesIn(), r.bytesOut());
    }

    /** Counters for a new pair, or null (no mapping) when the window has its fill of pairs. */
    private Counters admit() {
      if (keys.incrementAndGet() > maxKeys) {
        keys.decrementAndGet();
        return null;
      }
      return new Counters();
    }

    UsageWindow snapshot() {
      List<Usage> usage = new ArrayList<>(counters.size());
      counters.forEach((key, c) -> usage.add(c.snapshot(key)));
      usage.sort(Comparator.comparing(Usage::consumer).thenComparing(Usage::route));
      return new UsageWindow(Instant.ofEpochSecond(start), Instant.ofEpochSecond(end), usage);
    }
  }

  /** The counts of one pair in one window. */
  private static final class Counters {
    private long requests;
    private long informational;
    private long success;
    private long redirection;
    private long clientErrors;
    private long serverErrors;
    private long bytesIn;
    private long bytesOut;

    synchronized void add(int status, long in, long out) {
      requests++;
      if (status < 200) {
        informational++;
      } else if (status < 300) {
        success++;
      } else if (status < 400) {
        redirection++;
      } else if (status < 500) {
        clientErrors++;
      } else {
        serverErrors++;
      }
      bytesIn += in;
      bytesOut += out;
    }

    synchronized Usage snapshot(Key key) {
      return new Usage(key.consumer(), key.route(), requests, informational, success, redirection, clientErrors,
          serverErrors, bytesIn, bytesOut);
    }
  }
}
