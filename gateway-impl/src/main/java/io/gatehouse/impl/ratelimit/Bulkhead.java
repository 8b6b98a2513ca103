package io.gatehouse.impl.ratelimit;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slots for one route's requests in flight, and a bounded queue of requests waiting for one. A
 * waiter is a future: a released slot is handed to the oldest waiter directly; a waiter whose time
 * runs out completes with false. Nothing blocks; every count is atomic. A gateway swapped in with
 * the same route and limit takes the slots over, so requests still finishing on the old gateway
 * count against the new one's limit.
 */
final class Bulkhead implements CarriedState {
  private final String routeId;
  private final ConcurrencyLimit limit;
  private final TimeSource.Scheduler timer;
  private volatile Slots slots;

  /** The counts and the queue; shared with a successor. */
  private static final class Slots {
    final int max;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger queued = new AtomicInteger();
    final ConcurrentLinkedQueue<CompletableFuture<Boolean>> waiters = new ConcurrentLinkedQueue<>();

    Slots(int max) {
      this.max = max;
    }
  }

  Bulkhead(String routeId, ConcurrencyLimit limit, TimeSource.Scheduler timer) {
    this.routeId = routeId;
    this.limit = limit;
    this.timer = timer;
    this.slots = new Slots(limit.maxInFlight());
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("concurrency-limit", routeId, limit);
  }

  @Override
  public void takeOver(CarriedState previous) {
    slots = ((Bulkhead) previous).slots;
  }

  ConcurrencyLimit limit() {
    return limit;
  }

  /**
   * A slot held, to give back once with {@link #release}, or a refusal.
   */
  static final class Grant {
    private static final Grant REFUSED = new Grant(null);
    private final Slots from; // null when refused

    private Grant(Slots from) {
      this.from = from;
    }

    boolean admitted() {
      return from != null;
    }

    /** Gives the slot back to the slots it came from, whoever holds them now. */
    void release() {
      from.inFlight.decrementAndGet();
      handOff(from);
    }
  }

  /** Completes once the caller holds a slot or is refused; never exceptionally. */
  CompletableFuture<Grant> acquire() {
    Slots s = slots;
    Grant granted = new Grant(s);
    AtomicInteger queued = s.queued;
    ConcurrentLinkedQueue<CompletableFuture<Boolean>> waiters = s.waiters;
    if (tryTake(s)) {
      return CompletableFuture.completedFuture(granted);
    }
    if (limit.maxQueued() == 0) {
      return CompletableFuture.completedFuture(Grant.REFUSED);
    }
    if (queued.incrementAndGet() > limit.maxQueued()) {
      queued.decrementAndGet();
      return CompletableFuture.completedFuture(Grant.REFUSED);
    }
    CompletableFuture<Boolean> waiter = new CompletableFuture<>();
    TimeSource.Scheduled expiry;
    try {
      // Closing the gateway runs the timer's tasks: a request still queued then is refused.
      expiry = timer.schedule(limit.maxWait(), () -> {
        if (waiter.complete(false)) {
          waiters.remove(waiter);
          queued.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException closing) {
      queued.decrementAndGet(); // the gateway is closing: no wait; a successor sharing the slots keeps its whole queue
      return CompletableFuture.completedFuture(Grant.REFUSED);
    }
    waiter.thenRun(expiry::cancel); // admitted: the expiry must not stay queued until the wait's end
    waiters.add(waiter); // if the expiry ran already, the waiter is done and a hand-off passes it by
    handOff(s); // a slot may have come free between tryTake and add
    return waiter.thenApply(admitted -> admitted ? granted : Grant.REFUSED);
  }

  /** Gives free slots to waiters, oldest first. */
  private static void handOff(Slots s) {
    while (!s.waiters.isEmpty() && tryTake(s)) {
      CompletableFuture<Boolean> waiter = s.waiters.poll();
      if (waiter != null && waiter.complete(true)) {
        s.queued.decrementAndGet();
      } else {
        s.inFlight.decrementAndGet(); // no waiter after all, or one that timed out meanwhile
      }
    }
  }

  private static boolean tryTake(Slots s) {
    int max = s.max;
    AtomicInteger inFlight = s.inFlight;
    while (true) {
      int n = inFlight.get();
      if (n >= max) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  int inFlight() {
    return slots.inFlight.get();
  }
}
