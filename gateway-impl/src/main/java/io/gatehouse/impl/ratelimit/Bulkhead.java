package io.gatehouse.impl.ratelimit;

import io.gatehouse.ratelimit.ConcurrencyLimit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slots for one route's requests in flight, and a bounded queue of requests waiting for one. A
 * waiter is a future: a released slot is handed to the oldest waiter directly; a waiter whose time
 * runs out completes with false. Nothing blocks; every count is atomic.
 */
final class Bulkhead {
  private final ConcurrencyLimit limit;
  private final ScheduledExecutorService timer; // null without a queue
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<CompletableFuture<Boolean>> waiters = new ConcurrentLinkedQueue<>();

  Bulkhead(ConcurrencyLimit limit, ScheduledExecutorService timer) {
    this.limit = limit;
    this.timer = timer;
  }

  ConcurrencyLimit limit() {
    return limit;
  }

  /** Completes with true once the caller holds a slot (it must {@link #release} it), false if refused. */
  CompletableFuture<Boolean> acquire() {
    if (tryTake()) {
      return CompletableFuture.completedFuture(true);
    }
    if (limit.maxQueued() == 0 || queued.incrementAndGet() > limit.maxQueued()) {
      if (limit.maxQueued() > 0) {
        queued.decrementAndGet();
      }
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> waiter = new CompletableFuture<>();
    waiters.add(waiter);
    try {
      timer.schedule(() -> {
        if (waiter.complete(false)) {
          waiters.remove(waiter);
          queued.decrementAndGet();
        }
      }, limit.maxWait().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      if (waiter.complete(false)) { // the gateway is closing
        waiters.remove(waiter);
        queued.decrementAndGet();
      }
    }
    handOff(); // a slot may have come free between tryTake and add
    return waiter;
  }

  void release() {
    inFlight.decrementAndGet();
    handOff();
  }

  /** Gives free slots to waiters, oldest first. */
  private void handOff() {
    while (!waiters.isEmpty() && tryTake()) {
      CompletableFuture<Boolean> waiter = waiters.poll();
      if (waiter != null && waiter.complete(true)) {
        queued.decrementAndGet();
      } else {
        inFlight.decrementAndGet(); // no waiter after all, or one that timed out meanwhile
      }
    }
  }

  private boolean tryTake() {
    while (true) {
      int n = inFlight.get();
      if (n >= limit.maxInFlight()) {
        return false;
      }
      if (inFlight.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  int inFlight() {
    return inFlight.get();
  }
}
