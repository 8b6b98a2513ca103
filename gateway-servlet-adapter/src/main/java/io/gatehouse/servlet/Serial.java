package io.gatehouse.servlet;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exchange's tasks one at a time, in the order they were submitted, on whichever thread
 * submits while none is running: a container thread (a read or write callback), the thread that
 * completes the gateway's stage, or the thread of a body's publisher. Everything that touches the
 * servlet request and response of an exchange runs here, so that they are never used by two
 * threads at once, as the Servlet specification requires, without a lock and without a thread of
 * its own. A task submitted from inside a task runs after it, on the same thread.
 */
final class Serial implements Executor {
  private static final Logger log = LoggerFactory.getLogger(Serial.class);

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() != 0) {
      return; // the thread running the tasks will run this one too
    }
    do {
      Runnable next = tasks.poll();
      try {
        next.run();
      } catch (Throwable t) {
        // Never leave the count up: every later task of the exchange would wait behind it forever.
        log.error("an exchange task failed", t);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
