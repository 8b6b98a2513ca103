package io.gatehouse.undertow.internal;

import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * The exchanges of one I/O thread that start watching their client once they have run for a
 * fixed delay, in the order they came: one XNIO timer per thread, armed while any waits, instead
 * of a timer per exchange (each of which takes the thread's timer lock and a tree insertion to add
 * and to remove). Most exchanges end before the delay and leave the queue in constant time.
 *
 * <p>Every method runs on the queue's I/O thread.
 */
final class DelayedWatches {
  private static final ThreadLocal<DelayedWatches> OF_THREAD = new ThreadLocal<>();

  private final XnioIoThread thread;
  private final long delayNanos;
  private Entry head;
  private Entry tail;
  private XnioExecutor.Key timer;

  private DelayedWatches(XnioIoThread thread, long delayNanos) {
    this.thread = thread;
    this.delayNanos = delayNanos;
  }

  /** The queue of the current I/O thread, with the given delay (every queue of the adapter has the same). */
  static DelayedWatches ofCurrentThread(XnioIoThread thread, long delayMillis) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("a watch queue is used on its own I/O thread only (called on '"
          + Thread.currentThread().getName() + "')");
    }
    DelayedWatches queue = OF_THREAD.get();
    if (queue == null) {
      queue = new DelayedWatches(thread, TimeUnit.MILLISECONDS.toNanos(delayMillis));
      OF_THREAD.set(queue);
    }
    return queue;
  }

  /** One exchange's place in the queue. */
  static final class Entry {
    private final Runnable start;
    private Entry prev;
    private Entry next;
    private long due;
    private boolean queued;

    /** @param start starts watching; runs on the I/O thread once the delay has passed */
    Entry(Runnable start) {
      this.start = start;
    }

    boolean queued() {
      return queued;
    }
  }

  /** Queues the entry to start after the delay; does nothing if it is queued already. */
  void add(Entry e) {
    if (e.queued) {
      return;
    }
    e.queued = true;
    e.due = System.nanoTime() + delayNanos;
    e.prev = tail;
    e.next = null;
    if (tail == null) {
      head = e;
    } else {
      tail.next = e;
    }
    tail = e;
    if (timer == null) {
      timer = thread.executeAfter(this::startDue, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Takes the entry off the queue, if it is on it. */
  void remove(Entry e) {
    if (!e.queued) {
      return;
    }
    e.queued = false;
    if (e.prev == null) {
      head = e.next;
    } else {
      e.prev.next = e.next;
    }
    if (e.next == null) {
      tail = e.prev;
    } else {
      e.next.prev = e.prev;
    }
    e.prev = null;
    e.next = null;
  }

  private void startDue() {
    timer = null;
    long now = System.nanoTime();
    while (head != null && now - head.due >= 0) {
      Entry e = head;
      remove(e);
      e.start.run();
    }
    if (head != null) {
      timer = thread.executeAfter(this::startDue, Math.max(1, head.due - now), TimeUnit.NANOSECONDS);
    }
  }
}
