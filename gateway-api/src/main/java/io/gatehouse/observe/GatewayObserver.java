package io.gatehouse.observe;

import io.gatehouse.Unstable;

/**
 * Receives what the gateway tells about itself: one {@link RequestRecord} per request and the
 * {@link GatewayEvent}s. Metrics, metering and the access log are observers; add yours with
 * {@code Gateway.Builder.observer(...)}.
 *
 * <p>{@code Gateway.builder().observer(record -> usage.add(record.consumer(), record.bytesOut()))}
 *
 * <p>Contract: called on any thread (an I/O thread, often), concurrently; must not block and
 * should be quick. An exception it throws is logged and otherwise ignored; the request is not
 * affected.
 *
 * @since 0.1
 */
@Unstable
@FunctionalInterface
public interface GatewayObserver {

  /**
   * A request finished. A response held in memory is recorded before {@code Gateway.handle}
   * completes; a streamed one when its body ends, before its reader gets the last bytes of a body
   * of known length or hears the end of one of unknown length, so a client or test that has read
   * a response to its end finds it recorded.
   *
   * @param record what happened
   */
  void onRequest(RequestRecord record);

  /**
   * The gateway's state changed. The default ignores it.
   *
   * @param event what changed
   */
  default void onEvent(GatewayEvent event) {}
}
