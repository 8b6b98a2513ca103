package io.gatehouse;

import java.time.Clock;

/** The machine's time: {@link System#nanoTime()} and the UTC system clock. */
enum SystemTime implements TimeSource {
  INSTANCE;

  private static final Clock UTC = Clock.systemUTC();

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Clock wallClock() {
    return UTC;
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
