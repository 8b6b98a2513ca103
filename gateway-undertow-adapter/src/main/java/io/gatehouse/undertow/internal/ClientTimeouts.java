package io.gatehouse.undertow.internal;

import io.gatehouse.adapter.BodyPace;
import java.time.Duration;
import java.util.Objects;

/**
 * How long the adapter waits on a slow client: for request body bytes (after a pause, and on
 * average), and for the client to take response bytes. Set on {@code GatewayServer}; a handler
 * mounted in an application's own Undertow uses {@link #DEFAULTS}.
 *
 * <pre>{@code
 * ExchangeBridge.handle(exchange, gateway, ClientTimeouts.DEFAULTS);
 * }</pre>
 *
 * @param bodyIdle the longest wait for the next request body byte while the gateway wants one
 * @param minBodyRate the slowest average request body rate, in bytes per second of waiting for
 *     the client, that is tolerated once {@code minBodyRateGrace} of waiting has passed; 0 turns
 *     the check off
 * @param minBodyRateGrace the waiting time before the average rate counts
 * @param write the longest wait for a client to take response bytes
 */
public record ClientTimeouts(Duration bodyIdle, long minBodyRate, Duration minBodyRateGrace, Duration write) {
  /** 30 s body idle (nginx: client_body_timeout 60 s), 240 B/s after 5 s (Kestrel's MinRequestBodyDataRate), 60 s write (nginx: send_timeout 60 s). */
  public static final ClientTimeouts DEFAULTS = new ClientTimeouts(BodyPace.Limits.DEFAULTS.idle(),
      BodyPace.Limits.DEFAULTS.minBytesPerSecond(), BodyPace.Limits.DEFAULTS.grace(), Duration.ofSeconds(60));

  /**
   * Checks the values.
   *
   * @param bodyIdle more than zero
   * @param minBodyRate zero or more
   * @param minBodyRateGrace zero or more
   * @param write more than zero
   */
  public ClientTimeouts {
    Objects.requireNonNull(bodyIdle, "bodyIdle");
    Objects.requireNonNull(minBodyRateGrace, "minBodyRateGrace");
    Objects.requireNonNull(write, "write");
    if (bodyIdle.isNegative() || bodyIdle.isZero() || write.isNegative() || write.isZero()
        || minBodyRate < 0 || minBodyRateGrace.isNegative()) {
      throw new IllegalArgumentException("client timeouts: " + bodyIdle + ", " + minBodyRate + " B/s after "
          + minBodyRateGrace + ", " + write + " (expected: timeouts > 0, a rate and grace >= 0)");
    }
  }
}
