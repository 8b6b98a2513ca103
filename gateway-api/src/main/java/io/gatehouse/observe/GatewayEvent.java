package io.gatehouse.observe;

import io.gatehouse.upstream.TargetStatus;
import java.util.Objects;

/**
 * A change of the gateway's state that metrics and alerts care about.
 *
 * <pre>{@code
 * observer.onEvent(event) -> {
 *   if (event instanceof GatewayEvent.CircuitChanged c && c.state() == TargetStatus.Circuit.OPEN) alert(c.circuit());
 * }
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface GatewayEvent {

  /**
   * A circuit breaker changed state.
   *
   * @param circuit what it guards: {@code route 'orders'} or {@code upstream 'orders' target http://...}
   * @param state its new state
   */
  record CircuitChanged(String circuit, TargetStatus.Circuit state) implements GatewayEvent {
    /**
     * Checks that nothing is null.
     *
     * @param circuit what it guards
     * @param state its new state
     */
    public CircuitChanged {
      Objects.requireNonNull(circuit, "circuit");
      Objects.requireNonNull(state, "state");
    }
  }

  /**
   * A target's health changed (an active check's verdict, an ejection, or its end seen by a request).
   *
   * @param upstream the group's name
   * @param target the target's base URL
   * @param health its new health
   */
  record TargetHealthChanged(String upstream, String target, TargetStatus.Health health) implements GatewayEvent {
    /**
     * Checks that nothing is null.
     *
     * @param upstream the group's name
     * @param target the target's base URL
     * @param health its new health
     */
    public TargetHealthChanged {
      Objects.requireNonNull(upstream, "upstream");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(health, "health");
    }
  }

  /**
   * The shared rate-limit store stopped answering (degraded is true) or answers again (false).
   *
   * @param degraded whether limits are now decided by the fallback
   */
  record RateLimitStoreDegraded(boolean degraded) implements GatewayEvent {}

  /** One rate-limit or quota decision was made by the fallback because the shared store could not answer. */
  record DegradedDecision() implements GatewayEvent {}
}
