package io.gatehouse.adapter;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor whose tasks run when the test says, one at a time, in order: an I/O thread under control. */
final class ManualExecutor implements Executor {
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private int submitted;

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
    submitted++;
  }

  /** Runs tasks, those they submit included, until none is left; returns how many ran. */
  int runAll() {
    int ran = 0;
    for (Runnable next = poll(); next != null; next = poll()) {
      next.run();
      ran++;
    }
    return ran;
  }

  synchronized int submitted() {
    return submitted;
  }

  synchronized int pending() {
    return tasks.size();
  }

  private synchronized Runnable poll() {
    return tasks.poll();
  }
}
