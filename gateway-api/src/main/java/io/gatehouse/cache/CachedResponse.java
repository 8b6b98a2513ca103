package io.gatehouse.cache;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One stored response, as a {@link ResponseCacheStore} keeps it: the status, headers and body the
 * upstream sent (without hop-by-hop fields, {@code Content-Length} or {@code Set-Cookie}), when
 * the request went out and the response came back (wall-clock time, which is what RFC 9111's age
 * calculation uses, and what several gateway instances sharing a store can agree on), and the
 * request's values of the fields the response's {@code Vary} names. Immutable.
 *
 * <p>{@code CachedResponse entry = CachedResponse.of(200, headers, bytes, sentAt, receivedAt, Map.of("accept-encoding", "gzip"));}
 *
 * @since 0.2
 */
public final class CachedResponse {
  private final int status;
  private final HttpHeaders headers;
  private final byte[] body;
  private final Instant requestTime;
  private final Instant responseTime;
  private final Map<String, String> varyValues;

  private CachedResponse(int status, HttpHeaders headers, byte[] body, Instant requestTime, Instant responseTime,
      Map<String, String> varyValues) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.requestTime = requestTime;
    this.responseTime = responseTime;
    this.varyValues = varyValues;
  }

  /**
   * A stored response.
   *
   * @param status 100 to 599
   * @param headers the response's headers
   * @param body the body; copied
   * @param requestTime when the request that got it was sent
   * @param responseTime when it was received; not before {@code requestTime}
   * @param varyValues for each lower-case field name the response's {@code Vary} names, the
   *     request's value (its lines joined with {@code ", "}); a field the request lacked is absent
   * @return the entry
   */
  public static CachedResponse of(int status, HttpHeaders headers, byte[] body, Instant requestTime,
      Instant responseTime, Map<String, String> varyValues) {
    Check.between("status", status, 100, 599);
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(requestTime, "requestTime");
    Objects.requireNonNull(responseTime, "responseTime");
    if (responseTime.isBefore(requestTime)) {
      throw Check.invalid("responseTime", responseTime, ">= requestTime " + requestTime);
    }
    return new CachedResponse(status, headers, body.clone(), requestTime, responseTime, Map.copyOf(varyValues));
  }

  /** {@return the status} */
  public int status() {
    return status;
  }

  /** {@return the stored headers} */
  public HttpHeaders headers() {
    return headers;
  }

  /** {@return the body, as a read-only view (no copy)} */
  public ByteBuffer body() {
    return ByteBuffer.wrap(body).asReadOnlyBuffer();
  }

  /** {@return the body's length in bytes} */
  public int bodyLength() {
    return body.length;
  }

  /** {@return when the request that got this response was sent} */
  public Instant requestTime() {
    return requestTime;
  }

  /** {@return when this response was received} */
  public Instant responseTime() {
    return responseTime;
  }

  /** {@return the request's values of the fields {@code Vary} names, by lower-case name} */
  public Map<String, String> varyValues() {
    return varyValues;
  }

  /**
   * The same response with other headers and times, after a revalidation (a 304) refreshed it.
   *
   * @param headers the updated headers
   * @param requestTime when the revalidation was sent
   * @param responseTime when its answer came back
   * @return the refreshed entry, sharing this one's body
   */
  public CachedResponse refreshed(HttpHeaders headers, Instant requestTime, Instant responseTime) {
    Objects.requireNonNull(headers, "headers");
    if (responseTime.isBefore(requestTime)) {
      throw Check.invalid("responseTime", responseTime, ">= requestTime " + requestTime);
    }
    return new CachedResponse(status, headers, body, requestTime, responseTime, varyValues);
  }

  /**
   * Roughly the memory this entry takes, for bounding a store by bytes: body, header text and a
   * fixed overhead.
   *
   * @return bytes, at least 1
   */
  public long weight() {
    long[] w = {body.length + 128L};
    headers.forEach((n, v) -> w[0] += n.length() + v.length() + 32L);
    varyValues.forEach((n, v) -> w[0] += n.length() + v.length() + 32L);
    return w[0];
  }

  @Override
  public String toString() {
    return Text.fields(this, "status", status, "headers", headers, "body", body.length + " bytes", "requestTime",
        requestTime, "responseTime", responseTime, "varyValues", varyValues.keySet());
  }
}
