package io.gatehouse;

import java.time.Clock;
import java.time.Instant;

/**
 * Where a gateway reads time, of two kinds. <b>Durations</b> (rate limits and throttles, circuit
 * breakers, outlier ejections, retry budgets, key and token caches, name-resolution caches) are
 * measured on the monotonic {@link #nanoTime()}, so a step of the wall clock (NTP, a VM resumed, an
 * operator) neither locks clients out of their limits nor grants them a fresh burst, and an open
 * circuit still half-opens on time. <b>Calendar</b> things (quota windows such as "per day", token
 * {@code exp}/{@code nbf}/{@code iat}, metering windows, HTTP dates, the times in request records)
 * are read from the {@link #wallClock()}, and follow its steps by design.
 *
 * <p>The default is {@link #system()}. Tests give the gateway a {@code ManualClock} from the test
 * fixtures, which is a time source whose {@code advance} moves both kinds of time and whose
 * {@code set} steps only the wall clock:
 *
 * <p>{@code Gateway gateway = Gateway.builder().time(manualClock).route(...).build();}
 *
 * <p>Implementations must be thread-safe; {@code nanoTime()} must never go back.
 *
 * @since 0.1
 */
public interface TimeSource {

  /**
   * Monotonic time in nanoseconds, for durations: only the difference of two readings means
   * anything, as with {@link System#nanoTime()}.
   *
   * @return nanoseconds since an arbitrary origin; never less than an earlier reading
   */
  long nanoTime();

  /**
   * The wall clock, for calendar time: it may step forward or back.
   *
   * @return the clock
   */
  Clock wallClock();

  /**
   * The wall clock's instant now.
   *
   * @return {@code wallClock().instant()}
   */
  default Instant now() {
    return wallClock().instant();
  }

  /**
   * The machine's time: {@link System#nanoTime()} and {@link Clock#systemUTC()}.
   *
   * @return the system time source
   */
  static TimeSource system() {
    return SystemTime.INSTANCE;
  }
}
