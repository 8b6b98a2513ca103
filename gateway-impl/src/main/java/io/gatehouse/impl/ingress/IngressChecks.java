package io.gatehouse.impl.ingress;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.Response;
import io.gatehouse.http.UnderscoreHeaders;
import io.gatehouse.impl.problem.Problems;
import io.gatehouse.observe.Rejection;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * What every request passes once, before normalization, routing or any stage: first the checks
 * that may refuse it ({@link #rejection}), in this order: target length and query parameters
 * (414), header count and bytes (431), control bytes in header values (400), header names with
 * {@code _} under {@link UnderscoreHeaders#REJECT} (400); then the cleaning ({@link #cleaned}):
 * names with {@code _} dropped under {@link UnderscoreHeaders#DROP}, hop-by-hop headers removed
 * ({@link HopByHop}, a {@code Connection} token naming a header the gateway relies on being
 * ignored), and the routing and origin headers that the peer may not send removed
 * ({@link OriginHeaders}).
 *
 * <p>Every refusal is problem+json with {@code Connection: close}: the gateway has not read the
 * rest of the request (its body, or a head it cannot trust), so the adapter closes the connection
 * after the answer instead of reading on.
 *
 * <p>{@code checks.rejection(request, requestId).orElseGet(() -> route(checks.cleaned(request)))}
 */
public final class IngressChecks {
  /**
   * The headers a {@code Connection} token cannot remove, because the gateway or the upstream
   * relies on them end to end: the target's host, credentials, framing and content, the request
   * id and trace context, and the forwarding headers a trusted proxy sends. The identity headers
   * are added per gateway. Lower case.
   */
  public static final Set<String> END_TO_END = Set.of(
      "host", "authorization", "cookie", "content-length", "content-type", "content-encoding",
      "x-request-id", "traceparent", "tracestate",
      "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
      "x-forwarded-prefix");

  /** A refusal: the problem to send and why, for observers. */
  public record Rejected(Response response, Rejection why) {}

  private final RequestLimits limits;
  private final UnderscoreHeaders underscores;
  private final Predicate<InetAddress> trustedPeer;
  private final Set<String> endToEnd;

  /**
   * @param limits the gateway's limits
   * @param underscores what to do with names that contain {@code _}
   * @param trustedPeer whether a peer is a trusted proxy
   * @param identityHeaders the gateway's identity headers, which a {@code Connection} token cannot remove either
   */
  public IngressChecks(RequestLimits limits, UnderscoreHeaders underscores, Predicate<InetAddress> trustedPeer,
      Collection<String> identityHeaders) {
    this.limits = limits;
    this.underscores = underscores;
    this.trustedPeer = trustedPeer;
    Set<String> kept = new HashSet<>(END_TO_END);
    identityHeaders.forEach(name -> kept.add(name.toLowerCase(Locale.ROOT)));
    this.endToEnd = Set.copyOf(kept);
  }

  /**
   * Why the request is refused, if it is.
   *
   * @param request the request as the adapter passed it
   * @param requestId the id for the problem
   * @return the refusal, or empty when the request may go on
   */
  public Optional<Rejected> rejection(Request request, String requestId) {
    long targetLength = (long) request.mountPath().length() + request.target().length();
    if (targetLength > limits.maxTargetLength()) {
      return refuse(414, "URI Too Long", "the request target is longer than " + limits.maxTargetLength()
          + " characters", requestId, Rejection.TOO_LARGE);
    }
    Optional<String> query = request.rawQuery();
    if (query.isPresent() && queryParameters(query.get()) > limits.maxQueryParameters()) {
      return refuse(414, "URI Too Long", "the query has more than " + limits.maxQueryParameters()
          + " parameters", requestId, Rejection.TOO_LARGE);
    }
    HttpHeaders headers = request.headers();
    if (headers.size() > limits.maxHeaderCount()) {
      return refuse(431, "Request Header Fields Too Large", "the request has more than "
          + limits.maxHeaderCount() + " header fields", requestId, Rejection.TOO_LARGE);
    }
    HeaderScan scan = new HeaderScan(underscores == UnderscoreHeaders.REJECT);
    headers.forEach(scan);
    if (scan.bytes > limits.maxHeaderBytes()) {
      return refuse(431, "Request Header Fields Too Large", "the request headers are larger than "
          + limits.maxHeaderBytes() + " bytes", requestId, Rejection.TOO_LARGE);
    }
    if (scan.controlByteIn != null) {
      return refuse(400, "Bad Request", "header '" + scan.controlByteIn + "' has a control byte 0x"
          + String.format("%02X", (int) scan.controlByte) + " in its value (expected: none but HTAB)",
          requestId, Rejection.BAD_REQUEST);
    }
    if (scan.underscoreIn != null) {
      return refuse(400, "Bad Request", "header name '" + scan.underscoreIn
          + "' contains '_' (expected: names without '_')", requestId, Rejection.BAD_REQUEST);
    }
    return Optional.empty();
  }

  /**
   * The request with the headers no stage may see removed; the same request when there are none.
   *
   * @param request a request that {@link #rejection} let through
   */
  public Request cleaned(Request request) {
    HttpHeaders headers = request.headers();
    boolean[] seen = new boolean[2]; // a name with '_', an origin header
    headers.forEach((name, value) -> {
      seen[0] |= name.indexOf('_') >= 0;
      seen[1] |= OriginHeaders.isOriginHeader(name);
    });
    boolean dropUnderscores = underscores == UnderscoreHeaders.DROP && seen[0];
    boolean hopByHop = HopByHop.present(headers);
    boolean origin = seen[1];
    if (!dropUnderscores && !hopByHop && !origin) {
      return request;
    }
    HttpHeaders.Builder out = headers.toBuilder();
    if (dropUnderscores) {
      for (String name : headers.names()) {
        if (name.indexOf('_') >= 0) {
          out.remove(name);
        }
      }
    }
    // Stripped before any stage adds its own headers, so that no Connection token can remove them.
    if (hopByHop) {
      HopByHop.strip(headers, out, endToEnd);
    }
    if (origin) {
      OriginHeaders.strip(headers, out, trustedPeer.test(request.remoteAddress().getAddress()));
    }
    return request.toBuilder().headers(out.build()).build();
  }

  private static Optional<Rejected> refuse(int status, String title, String detail, String requestId, Rejection why) {
    return Optional.of(new Rejected(Problems.closing(status, title, detail, requestId), why));
  }

  /** The non-empty {@code &}-separated parts. */
  static int queryParameters(String rawQuery) {
    int count = 0;
    int start = 0;
    for (int i = 0; i <= rawQuery.length(); i++) {
      if (i == rawQuery.length() || rawQuery.charAt(i) == '&') {
        if (i > start) {
          count++;
        }
        start = i + 1;
      }
    }
    return count;
  }

  /** One pass over the field lines: their bytes as sent, the first control byte, the first {@code _} name. */
  private static final class HeaderScan implements BiConsumer<String, String> {
    private final boolean findUnderscores;
    long bytes;
    String controlByteIn;
    char controlByte;
    String underscoreIn;

    HeaderScan(boolean findUnderscores) {
      this.findUnderscores = findUnderscores;
    }

    @Override
    public void accept(String name, String value) {
      bytes += name.length() + value.length() + 4;
      if (controlByteIn == null) {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if ((c < 0x20 && c != '\t') || c == 0x7f) {
            controlByteIn = name;
            controlByte = c;
            break;
          }
        }
      }
      if (findUnderscores && underscoreIn == null && name.indexOf('_') >= 0) {
        underscoreIn = name;
      }
    }
  }
}
