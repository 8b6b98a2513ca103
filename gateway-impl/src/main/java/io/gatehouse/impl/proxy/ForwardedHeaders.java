package io.gatehouse.impl.proxy;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Sets {@code X-Forwarded-For/-Proto/-Host}, {@code Forwarded} (RFC 7239) and, when the gateway is
 * mounted under a prefix, {@code X-Forwarded-Prefix} for the upstream. Incoming values are used
 * only when the peer is a trusted proxy (for-lists extended, proto, host and port passed on, a
 * prefix put before the mount's); from anyone else they were already removed at ingress
 * ({@link io.gatehouse.impl.ingress.OriginHeaders}), so a client cannot make the upstream believe
 * it came from elsewhere.
 */
public final class ForwardedHeaders {
  private final TrustedProxies trusted;

  public ForwardedHeaders(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  void apply(Request request, HttpHeaders.Builder out) {
    InetAddress peer = request.remoteAddress().getAddress();
    String peerText = peer == null ? request.remoteAddress().getHostString() : peer.getHostAddress();
    String host = request.headers().first("Host").orElse("");
    boolean trustedPeer = trusted.trusts(peer);
    HttpHeaders in = request.headers();

    String xff = peerText;
    String proto = request.scheme();
    String xfHost = host;
    String forwarded = forwardedElement(peer, peerText, request.scheme(), host);
    String prefix = request.mountPath();
    String port = null;
    if (trustedPeer) {
      String outer = in.first("X-Forwarded-Prefix").map(String::trim).orElse("");
      while (outer.endsWith("/")) {
        outer = outer.substring(0, outer.length() - 1);
      }
      if (outer.startsWith("/")) {
        prefix = outer + prefix;
      }
      port = in.first("X-Forwarded-Port").orElse(null);
      if (!in.all("X-Forwarded-For").isEmpty()) {
        xff = String.join(", ", in.all("X-Forwarded-For")) + ", " + peerText;
      }
      proto = in.first("X-Forwarded-Proto").orElse(proto);
      xfHost = in.first("X-Forwarded-Host").orElse(xfHost);
      if (!in.all("Forwarded").isEmpty()) {
        forwarded = String.join(", ", in.all("Forwarded")) + ", " + forwarded;
      }
    }
    out.remove("X-Forwarded-For").remove("X-Forwarded-Proto").remove("X-Forwarded-Host")
        .remove("X-Forwarded-Port").remove("X-Forwarded-Prefix").remove("Forwarded").remove("X-Real-IP");
    out.add("X-Forwarded-For", xff).add("X-Forwarded-Proto", proto);
    if (!xfHost.isEmpty()) {
      out.add("X-Forwarded-Host", xfHost);
    }
    if (port != null) {
      out.add("X-Forwarded-Port", port);
    }
    if (!prefix.isEmpty()) {
      out.add("X-Forwarded-Prefix", prefix);
    }
    out.add("Forwarded", forwarded);
  }

  private static String forwardedElement(InetAddress peer, String peerText, String scheme, String host) {
    String node = peer instanceof Inet6Address ? "\"[" + stripScope(peerText) + "]\"" : peerText;
    StringBuilder sb = new StringBuilder("for=").append(node).append(";proto=").append(scheme);
    if (!host.isEmpty()) {
      sb.append(";host=").append(quoteIfNeeded(host));
    }
    return sb.toString();
  }

  private static String stripScope(String v6) {
    int percent = v6.indexOf('%');
    return percent < 0 ? v6 : v6.substring(0, percent);
  }

  /** RFC 7239 values are tokens or quoted strings; a host with a port or brackets needs quotes. */
  private static String quoteIfNeeded(String value) {
    if (HttpHeaders.isValidName(value)) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
