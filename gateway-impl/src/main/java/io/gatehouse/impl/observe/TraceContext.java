package io.gatehouse.impl.observe;

import io.gatehouse.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context (traceparent) as the gateway carries it: the trace id of a valid incoming
 * {@code traceparent} is kept with its flags, otherwise a new trace is started (sampled, so that
 * upstream tracers decide as they would for a new root). Each upstream call gets the trace id
 * with a new parent id, the gateway's hop; {@code tracestate} passes through untouched.
 */
public final class TraceContext {
  /** The header's name. */
  public static final String TRACEPARENT = "traceparent";

  private static final Pattern VALID = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");
  private static final String ZERO_TRACE = "00000000000000000000000000000000";
  private static final String ZERO_PARENT = "0000000000000000";

  private final String traceId;
  private final String flags;

  private TraceContext(String traceId, String flags) {
    this.traceId = traceId;
    this.flags = flags;
  }

  /**
   * The trace a request belongs to: its own, if its {@code traceparent} is valid, else a new one.
   *
   * @param headers the request's headers
   * @return the trace
   */
  public static TraceContext of(HttpHeaders headers) {
    String value = headers.first(TRACEPARENT).orElse("");
    if (headers.all(TRACEPARENT).size() == 1 && VALID.matcher(value).matches() && !value.startsWith("ff")) {
      String traceId = value.substring(3, 35);
      String parent = value.substring(36, 52);
      if (!traceId.equals(ZERO_TRACE) && !parent.equals(ZERO_PARENT)) {
        return new TraceContext(traceId, value.substring(53, 55));
      }
    }
    return new TraceContext(hex(16), "01");
  }

  /** The 32-hex-digit trace id. */
  public String traceId() {
    return traceId;
  }

  /**
   * A {@code traceparent} for one upstream call: the trace id, a new parent id, the flags.
   *
   * @return the header value
   */
  public String nextHop() {
    return "00-" + traceId + "-" + hex(8) + "-" + flags;
  }

  private static String hex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder text = new StringBuilder(bytes * 2);
    for (int i = 0; i < bytes; i += 8) {
      long bits = random.nextLong();
      if (i == 0 && bits == 0) {
        bits = 1; // all zeros is invalid
      }
      String chunk = Long.toHexString(bits);
      text.append("0".repeat(16 - chunk.length())).append(chunk);
    }
    return text.substring(0, bytes * 2);
  }
}
