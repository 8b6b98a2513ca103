package io.gatehouse.impl.proxy;

import io.gatehouse.TimeSource;
import io.gatehouse.http.Body;
import io.gatehouse.route.ExchangeDeadline;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proxied response body held to its route's {@link ExchangeDeadline}: when the whole exchange
 * outlasts its total, or the body's average rate since the head falls under the minimum, the
 * upstream's body is cancelled (which cancels the upstream call) and the subscriber gets
 * {@code onError}, so the adapter aborts the client's response instead of ending it as if whole.
 *
 * <p>Signals to the subscriber are serialized under this object's lock, as the timer and the
 * upstream's I/O thread may both want to signal; the timer runs on the gateway's scheduler and
 * never blocks it for longer than one {@code onNext}.
 */
final class BodyDeadline implements Flow.Publisher<ByteBuffer> {
  private static final Logger log = LoggerFactory.getLogger(BodyDeadline.class);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final Body body;
  private final ExchangeDeadline limits;
  private final long deadline; // time.nanoTime() of the total's end; Long.MAX_VALUE without one
  private final TimeSource time;
  private final TimeSource.Scheduler scheduler;
  private final String what;
  private final Runnable fired;

  private BodyDeadline(Body body, ExchangeDeadline limits, long deadline, TimeSource time, TimeSource.Scheduler scheduler,
      String what, Runnable fired) {
    this.time = time;
    this.fired = fired;
    this.body = body;
    this.limits = limits;
    this.deadline = deadline;
    this.scheduler = scheduler;
    this.what = what;
  }

  /**
   * The body held to the limits.
   *
   * @param body a streaming body
   * @param limits the route's deadline and rate; must {@link ExchangeDeadline#limits()}
   * @param started {@code time.nanoTime()} when the exchange reached the proxy stage
   * @param time the gateway's time source
   * @param scheduler the gateway's timer, on the same time source
   * @param what the route and request, for the log
   * @param fired told, before the subscriber hears of it, when the body is cut
   * @return a body of the same declared length
   */
  static Body wrap(Body body, ExchangeDeadline limits, long started, TimeSource time, TimeSource.Scheduler scheduler,
      String what, Runnable fired) {
    long deadline = limits.total().map(t -> started + t.toNanos()).orElse(Long.MAX_VALUE);
    return Body.ofPublisher(new BodyDeadline(body, limits, deadline, time, scheduler, what, fired),
        body.contentLength().orElse(-1));
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(new Guard(subscriber));
  }

  private final class Guard implements Flow.Subscriber<ByteBuffer> {
    private final Flow.Subscriber<? super ByteBuffer> downstream;
    private final long head = time.nanoTime();
    private Flow.Subscription upstream; // guarded by this
    private TimeSource.Scheduled timer; // guarded by this
    private long bytes; // guarded by this
    private boolean done; // guarded by this

    Guard(Flow.Subscriber<? super ByteBuffer> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      synchronized (this) {
        upstream = subscription;
        downstream.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            subscription.request(n);
          }

          @Override
          public void cancel() {
            stopTimer();
            subscription.cancel();
          }
        });
        if (!done) {
          schedule(time.nanoTime());
        }
      }
    }

    /** The next check: the total's end, or the next rate check, whichever comes first. */
    private void schedule(long now) {
      long next = deadline;
      if (limits.minBytesPerSecond() > 0) {
        long firstCheck = head + limits.grace().toNanos();
        long rateCheck = now < firstCheck ? firstCheck : now + SECOND;
        next = Math.min(next, rateCheck);
      }
      if (next == Long.MAX_VALUE) {
        return;
      }
      try {
        timer = scheduler.schedule(Duration.ofNanos(Math.max(0, next - now)), this::check);
      } catch (RejectedExecutionException e) {
        // The gateway is closing and cancels its upstream calls itself.
      }
    }

    private synchronized void check() {
      if (done) {
        return;
      }
      long now = time.nanoTime();
      String why = null;
      if (deadline != Long.MAX_VALUE && now - deadline >= 0) {
        why = "the exchange outlasted its deadline of " + limits.total().orElseThrow();
      } else if (limits.minBytesPerSecond() > 0 && now - head >= limits.grace().toNanos()) {
        double seconds = (now - head) / (double) SECOND;
        if (bytes < limits.minBytesPerSecond() * seconds) {
          why = String.format("the response body came at %.0f B/s, under its minimum of %d B/s",
              bytes / seconds, limits.minBytesPerSecond());
        }
      }
      if (why == null) {
        schedule(now);
        return;
      }
      done = true;
      log.warn("{}: {} after {} bytes; response aborted and upstream call cancelled", what, why, bytes);
      upstream.cancel();
      fired.run();
      downstream.onError(new TimeoutException(why));
    }

    private synchronized void stopTimer() {
      done = true;
      if (timer != null) {
        timer.cancel();
      }
    }

    @Override
    public synchronized void onNext(ByteBuffer item) {
      if (done) {
        return;
      }
      bytes += item.remaining();
      downstream.onNext(item);
    }

    @Override
    public synchronized void onError(Throwable failure) {
      if (done) {
        return;
      }
      stopTimer();
      downstream.onError(failure);
    }

    @Override
    public synchronized void onComplete() {
      if (done) {
        return;
      }
      stopTimer();
      downstream.onComplete();
    }
  }
}
