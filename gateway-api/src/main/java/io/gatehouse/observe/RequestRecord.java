package io.gatehouse.observe;

import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished request: what the access log writes, what metrics and metering count. Made when
 * the response body has been sent (or the exchange ended otherwise). Holds no header value: no
 * credential, cookie or authorization ever reaches a record.
 *
 * <p>{@code observer = record -> meter.record(record.routeId().orElse("none"), record.status(), record.duration());}
 *
 * @param start when the gateway received the request
 * @param requestId the request id, as sent upstream and in problem responses
 * @param traceId the W3C trace id the request carried or was given
 * @param clientAddress the client's address, as the trusted proxies let it be known
 * @param consumer the authenticated principal's id, if any
 * @param routeId the route that matched, if any
 * @param method the request method
 * @param path the normalized request path, without the query
 * @param upstream the base URL of the target that answered last, if any was called
 * @param status the response status; 499 when the client left before it was ready
 * @param bytesIn the request body bytes the gateway read
 * @param bytesOut the response body bytes the gateway sent
 * @param duration from receiving the request to the end of the response
 * @param upstreamDuration the time spent in upstream calls until their response heads, if any
 * @param rejection why the gateway answered by itself, if it did
 * @param upstreamAttempts how many upstream calls the request made: 0 when none, more than 1 after retries
 *     (the mirror's copy does not count)
 * @param cache what the route's response cache did, for a request to a route with one (since 0.2)
 * @since 0.1
 */
public record RequestRecord(
    Instant start,
    String requestId,
    String traceId,
    String clientAddress,
    Optional<String> consumer,
    Optional<String> routeId,
    String method,
    String path,
    Optional<String> upstream,
    int status,
    long bytesIn,
    long bytesOut,
    Duration duration,
    Optional<Duration> upstreamDuration,
    Optional<Rejection> rejection,
    int upstreamAttempts,
    Optional<CacheOutcome> cache) {

  /**
   * Checks that nothing is null.
   *
   * @param start when the gateway received the request
   * @param requestId the request id, as sent upstream and in problem responses
   * @param traceId the W3C trace id the request carried or was given
   * @param clientAddress the client's address, as the trusted proxies let it be known
   * @param consumer the authenticated principal's id, if any
   * @param routeId the route that matched, if any
   * @param method the request method
   * @param path the normalized request path, without the query
   * @param upstream the base URL of the target that answered last, if any was called
   * @param status the response status; 499 when the client left before it was ready
   * @param bytesIn the request body bytes the gateway read
   * @param bytesOut the response body bytes the gateway sent
   * @param duration from receiving the request to the end of the response
   * @param upstreamDuration the time spent in upstream calls until their response heads, if any
   * @param rejection why the gateway answered by itself, if it did
   * @param upstreamAttempts how many upstream calls the request made, at least 0
   * @param cache what the route's response cache did, if the route has one
   */
  public RequestRecord {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(routeId, "routeId");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(upstreamDuration, "upstreamDuration");
    Objects.requireNonNull(rejection, "rejection");
    Check.atLeast("upstreamAttempts", upstreamAttempts, 0);
    Objects.requireNonNull(cache, "cache");
  }

  /**
   * A record of a request to a route without a response cache, as before 0.2.
   *
   * @param start when the gateway received the request
   * @param requestId the request id, as sent upstream and in problem responses
   * @param traceId the W3C trace id the request carried or was given
   * @param clientAddress the client's address, as the trusted proxies let it be known
   * @param consumer the authenticated principal's id, if any
   * @param routeId the route that matched, if any
   * @param method the request method
   * @param path the normalized request path, without the query
   * @param upstream the base URL of the target that answered last, if any was called
   * @param status the response status; 499 when the client left before it was ready
   * @param bytesIn the request body bytes the gateway read
   * @param bytesOut the response body bytes the gateway sent
   * @param duration from receiving the request to the end of the response
   * @param upstreamDuration the time spent in upstream calls until their response heads, if any
   * @param rejection why the gateway answered by itself, if it did
   * @param upstreamAttempts how many upstream calls the request made, at least 0
   */
  public RequestRecord(Instant start, String requestId, String traceId, String clientAddress, Optional<String> consumer,
      Optional<String> routeId, String method, String path, Optional<String> upstream, int status, long bytesIn,
      long bytesOut, Duration duration, Optional<Duration> upstreamDuration, Optional<Rejection> rejection,
      int upstreamAttempts) {
    this(start, requestId, traceId, clientAddress, consumer, routeId, method, path, upstream, status, bytesIn, bytesOut,
        duration, upstreamDuration, rejection, upstreamAttempts, Optional.empty());
  }

  @Override
  public String toString() {
    return Text.record(this);
  }
}
