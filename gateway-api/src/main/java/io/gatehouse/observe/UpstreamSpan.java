package io.gatehouse.observe;

import io.gatehouse.Unstable;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The trace of one upstream attempt, made by {@link RequestSpan#upstream}: the gateway calls
 * {@link #inject} to put its context into the attempt's headers, then {@link #end} exactly once,
 * when the attempt has its response head, failed, or was cancelled.
 *
 * <pre>{@code
 * UpstreamSpan call = span.upstream("GET", "http://orders:8080/orders/7", 1);
 * call.inject(headers::set);
 * call.end(503, Optional.empty());
 * }</pre>
 *
 * <p>Contract: {@link #end} runs on whichever thread completed the attempt; neither method may
 * block or throw.
 *
 * @since 0.1
 */
@Unstable
public interface UpstreamSpan {

  /**
   * Gives the headers that carry this attempt's context to the upstream. Each header replaces one
   * of the same name.
   *
   * <p>{@code call.inject(headers::set);}
   *
   * @param header takes each header's name and value
   */
  void inject(BiConsumer<String, String> header);

  /**
   * The attempt ended; called exactly once.
   *
   * <p>{@code call.end(0, Optional.of("timeout"));}
   *
   * @param status the response status, or 0 when there was no response
   * @param failure without a response, what went wrong, as a short low-cardinality code such as
   *     {@code timeout}, {@code connect_refused} or {@code cancelled}
   */
  void end(int status, Optional<String> failure);
}
