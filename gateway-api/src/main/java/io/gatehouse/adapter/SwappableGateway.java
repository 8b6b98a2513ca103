package io.gatehouse.adapter;

import io.gatehouse.Gateway;
import io.gatehouse.Unstable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway an adapter passes new requests to, swappable while requests are in flight, and the
 * count of requests in flight on each gateway it has passed requests to. Adapters hold one and
 * take a {@link Lease} per request; users swap in a new configuration and learn when the old one
 * may be closed.
 *
 * <pre>{@code
 * SwappableGateway gateways = SwappableGateway.of(gatewayA);
 *
 * // adapter, per request:
 * SwappableGateway.Lease lease = gateways.acquire();
 * lease.gateway().handle(request);        // ... and when the response has been written:
 * lease.release();
 *
 * // operator, on a configuration change:
 * Gateway previous = gateways.swap(gatewayB);          // new requests go to B
 * gateways.drained(previous).thenRunAsync(previous::close, executor);   // close A once its requests end
 * }</pre>
 *
 * <p><b>Counting.</b> A request counts on the gateway it was given from {@link #acquire()} until
 * its lease is {@linkplain Lease#release() released}: adapters release when the exchange has ended
 * (response written, body included, or the client gone), so that streaming bodies count too.
 * Requests that reach a gateway by other ways (another adapter, a direct
 * {@link Gateway#handle} call) are not counted here.
 *
 * <p><b>Threads.</b> Thread-safe. {@link #acquire()}, {@link Lease#release()} and
 * {@link #current()} never block and take no lock. {@link #swap} is serialized with other swaps.
 *
 * @since 0.1
 */
@Unstable
public final class SwappableGateway {
  private final System.Logger log;
  private final Object lock = new Object();
  private final List<Listener> listeners = new ArrayList<>(); // guarded by lock
  // Gateways swapped out whose requests have not all ended yet.
  private final Map<Gateway, Slot> draining = new IdentityHashMap<>(); // guarded by lock
  private volatile Slot current;

  private SwappableGateway(Gateway initial, System.Logger log) {
    this.current = new Slot(initial);
    this.log = log;
  }

  /**
   * A holder whose first gateway is {@code initial}.
   *
   * <p>{@code SwappableGateway gateways = SwappableGateway.of(gateway);}
   *
   * @param initial the gateway for requests until the first swap; the holder never closes it
   * @return the holder
   */
  public static SwappableGateway of(Gateway initial) {
    Objects.requireNonNull(initial, "initial");
    return new SwappableGateway(initial, Services.logger(Services.find(), SwappableGateway.class));
  }

  /**
   * The gateway that new requests go to.
   *
   * <p>{@code Gateway now = gateways.current();}
   *
   * @return the current gateway
   */
  public Gateway current() {
    return current.gateway;
  }

  /**
   * Replaces the gateway for requests that start from now on. Requests already started keep the
   * gateway they started with and finish on it; nothing is closed. Before it takes requests,
   * {@code next} takes over the previous gateway's run-time state for every part whose definition
   * is unchanged (rate-limit buckets, quota counts, circuits, target health, metering: see
   * {@link Gateway#takeStateFrom}). Then the swap is logged at INFO as
   * {@code gateway configuration swapped: version A -> B} (logger
   * {@code io.gatehouse.adapter.SwappableGateway}), and the {@linkplain #addListener listeners}
   * are told, in the order they were added. Swapping in the current gateway again takes no state
   * and counts on.
   *
   * <pre>{@code
   * Gateway previous = gateways.swap(next);
   * gateways.drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @param next the gateway for new requests
   * @return the gateway it replaces
   */
  public Gateway swap(Gateway next) {
    Objects.requireNonNull(next, "next");
    Gateway previous;
    Slot drainedNow = null;
    synchronized (lock) {
      Slot old = current;
      previous = old.gateway;
      if (next != previous) {
        next.takeStateFrom(previous);
        // Swapped back in before its requests ended: it keeps counting them, so it is not "drained" early.
        Slot fresh = draining.remove(next);
        if (fresh == null || !fresh.revive()) {
          fresh = new Slot(next);
        }
        current = fresh;
        if (old.retire()) {
          drainedNow = old;
        } else {
          draining.put(previous, old);
        }
      }
      log.log(System.Logger.Level.INFO,
          "gateway configuration swapped: version " + previous.version() + " -> " + next.version());
      for (Listener listener : listeners) {
        try {
          listener.swapped(previous, next);
        } catch (RuntimeException e) {
          log.log(System.Logger.Level.WARNING, "swap listener " + listener + " failed; the swap stands", e);
        }
      }
    }
    if (drainedNow != null) {
      drainedNow.drained.complete(drainedNow.gateway);
    }
    return previous;
  }

  /**
   * Counts a new request on the current gateway and returns the gateway to pass it to. Call it
   * once per request, when the request starts, and {@link Lease#release()} once when it has ended.
   *
   * <p>{@code SwappableGateway.Lease lease = gateways.acquire(); lease.gateway().handle(request);}
   *
   * @return the lease; its gateway stays the same whatever is swapped in meanwhile
   */
  public Lease acquire() {
    while (true) {
      Slot slot = current;
      if (slot.tryAcquire()) {
        return new Lease(slot);
      }
      // That slot was swapped out between the read and the count: the new one is published already.
    }
  }

  /**
   * Completes with {@code gateway} once it is no longer current and no request acquired on it
   * through this holder is in flight: from then on, closing it loses nothing. For a gateway that
   * is neither current nor has requests in flight here (one whose requests have all ended, or one
   * this holder never had), the stage is complete already. If a gateway is swapped back in before
   * its requests have ended, the stage waits until it is swapped out again and drained.
   *
   * <p>The stage completes on the thread that releases the last lease (an adapter's I/O thread,
   * typically) or on the thread that swaps: do blocking work such as {@link Gateway#close()} with
   * {@code thenRunAsync(..., executor)}.
   *
   * <pre>{@code
   * Gateway previous = gateways.swap(next);
   * gateways.drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @param gateway a gateway this holder has or had
   * @return a stage that completes with the gateway, never exceptionally
   */
  public CompletionStage<Gateway> drained(Gateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    synchronized (lock) {
      Slot slot = current.gateway == gateway ? current : draining.get(gateway);
      if (slot != null) {
        return slot.drained.minimalCompletionStage();
      }
    }
    return CompletableFuture.completedStage(gateway);
  }

  /**
   * The requests in flight on a gateway that were acquired through this holder.
   *
   * <p>{@code int left = gateways.inFlight(previous);}
   *
   * @param gateway a gateway this holder has or had
   * @return the count; 0 for a gateway this holder never had
   */
  public int inFlight(Gateway gateway) {
    Objects.requireNonNull(gateway, "gateway");
    Slot slot;
    synchronized (lock) {
      slot = current.gateway == gateway ? current : draining.get(gateway);
    }
    return slot == null ? 0 : slot.inFlight();
  }

  /**
   * Adds a listener told of every later swap, such as the metrics following the gateway in use
   * ({@code GatehouseMetrics.follow(gateways)}).
   *
   * <p>{@code gateways.addListener((previous, next) -> metrics.watch(next));}
   *
   * @param listener runs for each swap, on the thread that swaps, after the new gateway has been
   *     published, while the swap holds its lock: it must be quick and must not swap; an exception
   *     it throws is logged and the swap stands
   */
  public void addListener(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      listeners.add(listener);
    }
  }

  @Override
  public String toString() {
    return "SwappableGateway[" + current.gateway + "]";
  }

  /** Told of each swap; see {@link SwappableGateway#addListener}. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A swap has happened: {@code next} takes new requests from now on.
     *
     * <p>{@code (previous, next) -> metrics.watch(next)}
     *
     * @param previous the gateway swapped out; its requests may still be in flight
     * @param next the gateway swapped in
     */
    void swapped(Gateway previous, Gateway next);
  }

  /**
   * One request's hold on the gateway it was given: that gateway is not {@linkplain #drained
   * drained} until the lease is released.
   *
   * <p>{@code lease.gateway().handle(request); ... lease.release();}
   *
   * @since 0.1
   */
  public static final class Lease {
    private static final VarHandle RELEASED;

    static {
      try {
        RELEASED = MethodHandles.lookup().findVarHandle(Lease.class, "released", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Slot slot;
    private volatile int released;

    private Lease(Slot slot) {
      this.slot = slot;
    }

    /**
     * The gateway that handles this request from start to end.
     *
     * <p>{@code lease.gateway().handle(request)}
     *
     * @return the gateway
     */
    public Gateway gateway() {
      return slot.gateway;
    }

    /**
     * Ends the request's count: call it when the exchange has ended, its response written or the
     * client gone. Idempotent; any thread; never blocks (it may complete a {@link #drained} stage,
     * whose dependent actions then run on this thread).
     *
     * <p>{@code exchange.addExchangeCompleteListener((ex, next) -> { lease.release(); next.proceed(); });}
     */
    public void release() {
      if (RELEASED.compareAndSet(this, 0, 1)) {
        slot.release();
      }
    }

    @Override
    public String toString() {
      return "Lease[" + slot.gateway + (released == 0 ? "" : ", released") + "]";
    }
  }

  /** One gateway's count while it is current or draining. */
  private final class Slot {
    final Gateway gateway;
    final CompletableFuture<Gateway> drained = new CompletableFuture<>();
    // Requests in flight times two, plus 1 once swapped out: exactly 1 means drained, for good.
    private final AtomicLong state = new AtomicLong();

    Slot(Gateway gateway) {
      this.gateway = gateway;
    }

    boolean tryAcquire() {
      long s;
      do {
        s = state.get();
        if ((s & 1) != 0) {
          return false;
        }
      } while (!state.compareAndSet(s, s + 2));
      return true;
    }

    void release() {
      if (state.addAndGet(-2) == 1) {
        synchronized (lock) {
          draining.remove(gateway, this);
        }
        drained.complete(gateway);
      }
    }

    /** Swapped out: true if nothing is in flight, so it is drained now. */
    boolean retire() {
      return state.getAndUpdate(s -> s | 1) == 0;
    }

    /** Swapped back in: false if it has drained already (then a new slot is needed). */
    boolean revive() {
      long s;
      do {
        s = state.get();
        if (s == 1) {
          return false;
        }
      } while (!state.compareAndSet(s, s & ~1L));
      return true;
    }

    int inFlight() {
      return (int) (state.get() >>> 1);
    }
  }
}
