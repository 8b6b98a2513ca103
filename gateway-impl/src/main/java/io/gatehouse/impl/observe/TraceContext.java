package io.gatehouse.impl.observe;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestSpan;
import io.gatehouse.observe.Tracing;
import io.gatehouse.observe.UpstreamSpan;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * W3C Trace Context (traceparent) as the gateway carries it: the trace id of a valid incoming
 * {@code traceparent} is kept with its flags, otherwise a new trace is started (sampled, so that
 * upstream tracers decide as they would for a new root). Each upstream call gets the trace id
 * with a new parent id, the gateway's hop; {@code tracestate} passes through untouched.
 *
 * <p>The gateway's {@link Tracing} when none is set: it records no spans, so its spans' ends do
 * nothing.
 */
public final class TraceContext implements RequestSpan {
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  public static final String TRACEPARENT = "traceparent";

  /** The built-in tracing: W3C Trace Context propagation without spans. */
  public static final Tracing W3C = request -> of(request.headers());

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
   */
  public static TraceContext of(HttpHeaders headers) {
    String value = headers.first(TRACEPARENT).orElse("");
    if (headers.all(TRACEPARENT).size() == 1 && wellFormed(value) && !value.startsWith("ff")) {
      String traceId = value.substring(3, 35);
      String parent = value.substring(36, 52);
      if (!traceId.equals(ZERO_TRACE) && !parent.equals(ZERO_PARENT)) {
        return new TraceContext(traceId, value.substring(53, 55));
      }
    }
    return new TraceContext(hex(16), "01");
  }

  /** {@code version-traceid-parentid-flags} in lower-case hex, maybe followed by {@code -} and more (later versions). */
  private static boolean wellFormed(String value) {
    if (value.length() < 55 || (value.length() > 55 && value.charAt(55) != '-')) {
      return false;
    }
    for (int i = 0; i < 55; i++) {
      char c = value.charAt(i);
      boolean dash = i == 2 || i == 35 || i == 52;
      if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** The 32-hex-digit trace id. */
  @Override
  public String traceId() {
    return traceId;
  }

  @Override
  public void routed(String routeId, String pathPattern) {}

  /** Carries a new hop of this trace; its end records nothing. */
  @Override
  public UpstreamSpan upstream(String method, String url, int attempt) {
    return new Hop(nextHop());
  }

  @Override
  public void inject(BiConsumer<String, String> header) {
    header.accept(TRACEPARENT, nextHop());
  }

  @Override
  public void end(int status, Optional<Rejection> rejection) {}

  /**
   * A {@code traceparent} for one upstream call: the trace id, a new parent id, the flags.
   */
  public String nextHop() {
    return "00-" + traceId + "-" + hex(8) + "-" + flags;
  }

  /** {@code bytes} random bytes in lower-case hex, most significant digit first; never all zeros. */
  private static String hex(int bytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] text = new byte[bytes * 2];
    for (int i = 0; i < bytes; i += 8) {
      long bits = random.nextLong();
      if (i == 0 && bits == 0) {
        bits = 1; // all zeros is invalid
      }
      int digits = Math.min(16, (bytes - i) * 2);
      for (int d = 0; d < digits; d++) {
        text[i * 2 + d] = HEX_DIGITS[(int) (bits >>> (60 - 4 * d)) & 0xf];
      }
    }
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** One upstream call's {@code traceparent}. */
  private record Hop(String traceparent) implements UpstreamSpan {
    @Override
    public void inject(BiConsumer<String, String> header) {
      header.accept(TRACEPARENT, traceparent);
    }

    @Override
    public void end(int status, Optional<String> failure) {}
  }
}
