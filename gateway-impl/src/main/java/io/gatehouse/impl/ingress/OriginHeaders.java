package io.gatehouse.impl.ingress;

import io.gatehouse.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request headers that upstream frameworks read as routing or origin information: where the
 * request "really" came from, which host, scheme, port or path it "really" had. A client that
 * could send them could make an upstream build redirects to its host, believe a request arrived
 * over TLS, or route it to another path than the one the gateway authorized.
 *
 * <p>Which headers are kept, by peer:
 * <ul>
 *   <li>from a peer that is not a trusted proxy: none of them; the gateway sets
 *       {@code X-Forwarded-For/-Proto/-Host}, {@code Forwarded} and, when it is mounted under a
 *       prefix, {@code X-Forwarded-Prefix} from its own facts;
 *   <li>from a trusted proxy: {@link #FROM_TRUSTED_PROXIES} ({@code X-Forwarded-For} and
 *       {@code Forwarded} are extended with the peer, {@code X-Forwarded-Proto},
 *       {@code X-Forwarded-Host} and {@code X-Forwarded-Port} passed on, {@code X-Forwarded-Prefix}
 *       prepended to the mount's prefix); every other header of {@link #NAMES} and
 *       {@link #PREFIXES} is removed, since the gateway does not vouch for it.
 * </ul>
 */
public final class OriginHeaders {
  /**
   * Header names read as routing or origin information, with the frameworks that read them:
   * <ul>
   *   <li>Spring {@code ForwardedHeaderFilter} and Spring Boot's
   *       {@code server.forward-headers-strategy}: {@code Forwarded}, {@code X-Forwarded-Host},
   *       {@code -Port}, {@code -Proto}, {@code -Ssl}, {@code -Prefix}, {@code -For};
   *   <li>Symfony {@code Request::setTrustedProxies}: {@code X-Forwarded-*}, {@code Forwarded},
   *       and, through IIS, {@code X-Original-URL} and {@code X-Rewrite-URL};
   *   <li>IIS URL Rewrite and ASP.NET: {@code X-Original-URL}, {@code X-Rewrite-URL},
   *       {@code X-Original-Host}, {@code Front-End-Https}, {@code X-Original-Proto},
   *       {@code X-Original-For};
   *   <li>nginx ({@code real_ip_header}, common configurations): {@code X-Real-IP},
   *       {@code X-Forwarded-Server}, {@code X-Forwarded-Scheme}, {@code X-Url-Scheme},
   *       {@code X-Original-Forwarded-For} (ingress-nginx);
   *   <li>Envoy: {@code X-Envoy-*} (see {@link #PREFIXES}), {@code X-Forwarded-Client-Cert},
   *       {@code X-Envoy-Original-Path};
   *   <li>Rails, Rack, Django, Express, Tomcat {@code RemoteIpValve} and CDNs:
   *       {@code X-Forwarded-Protocol}, {@code X-Forwarded-Path}, {@code X-Forwarded-Uri},
   *       {@code X-Host}, {@code X-HTTP-Host-Override}, {@code X-Client-IP},
   *       {@code True-Client-IP}, {@code X-Cluster-Client-IP}, {@code X-ProxyUser-Ip},
   *       {@code CF-Connecting-IP}, {@code Fastly-Client-IP}, {@code X-Originating-IP},
   *       {@code X-Remote-IP}, {@code X-Remote-Addr}, {@code Client-IP}, {@code X-Proxy-Url}.
   * </ul>
   * Lower case; {@link #PREFIXES} adds whole families.
   */
  public static final Set<String> NAMES = Set.of(
      "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto",
      "x-forwarded-prefix", "x-forwarded-ssl", "x-forwarded-server", "x-forwarded-scheme",
      "x-forwarded-protocol", "x-forwarded-path", "x-forwarded-uri", "x-forwarded-client-cert",
      "x-original-url", "x-rewrite-url", "x-original-host", "x-original-uri", "x-original-proto",
      "x-original-for", "x-original-forwarded-for", "front-end-https", "x-url-scheme",
      "x-real-ip", "x-client-ip", "true-client-ip", "x-cluster-client-ip", "x-proxyuser-ip",
      "cf-connecting-ip", "fastly-client-ip", "x-originating-ip", "x-remote-ip", "x-remote-addr",
      "client-ip", "x-host", "x-http-host-override", "x-proxy-url", "x-envoy-original-path");

  /**
   * Whole families, by lower-case name prefix: every {@code X-Forwarded-*} (also those not named
   * in {@link #NAMES}) and every {@code X-Envoy-*} (Envoy trusts its own internal headers, such as
   * {@code X-Envoy-Internal} and {@code X-Envoy-Original-Path}).
   */
  public static final List<String> PREFIXES = List.of("x-forwarded-", "x-envoy-");

  private static final String[] NAME_ARRAY = NAMES.toArray(String[]::new);

  /** The names kept from a trusted proxy; lower case. */
  public static final Set<String> FROM_TRUSTED_PROXIES = Set.of(
      "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
      "x-forwarded-prefix");

  private OriginHeaders() {}

  /**
   * Whether a header is read as routing or origin information.
   *
   * @param name the header name, in any case
   * @return true if it is in {@link #NAMES} or starts with one of {@link #PREFIXES}
   */
  public static boolean isOriginHeader(String name) {
    // Compared in place, ignoring ASCII case (header names are tokens, ASCII only): this runs for
    // every field of every request, and a lower-case copy of each name was most of its cost.
    for (String known : NAME_ARRAY) {
      if (known.length() == name.length() && known.equalsIgnoreCase(name)) {
        return true;
      }
    }
    for (String prefix : PREFIXES) {
      if (name.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return true;
      }
    }
    return false;
  }

  /** Removes the origin headers that {@code peerTrusted} does not allow; true if any was there. */
  static boolean strip(HttpHeaders headers, HttpHeaders.Builder into, boolean peerTrusted) {
    boolean any = false;
    for (String name : headers.names()) {
      if (isOriginHeader(name) && !(peerTrusted && FROM_TRUSTED_PROXIES.contains(name.toLowerCase(Locale.ROOT)))) {
        into.remove(name);
        any = true;
      }
    }
    return any;
  }
}
