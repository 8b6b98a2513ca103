package io.gatehouse;

import io.gatehouse.edge.IpRules;
import io.gatehouse.edge.SecurityHeaders;
import io.gatehouse.http.RequestLimits;
import io.gatehouse.http.UnderscoreHeaders;
import io.gatehouse.internal.Text;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the gateway takes requests in, before any route is chosen: whose forwarding headers it
 * believes, the size limits, what it does with unusual headers and methods, how paths are compared
 * and whether responses echo the request id; which client addresses may send requests and which
 * security headers responses carry, on routes that set none of their own. Immutable; made by
 * {@link Gateway.Builder} ({@code trustedProxies}, {@code requestLimits}, {@code underscoreHeaders},
 * {@code extensionMethods}, {@code methodOverride}, {@code caseInsensitivePaths},
 * {@code echoRequestId}, {@code ipRules}, {@code securityHeaders}).
 *
 * <p>{@code RequestLimits limits = gateway.spec().ingress().requestLimits();}
 *
 * @since 0.1
 */
public final class IngressSettings {
  private final List<String> trustedProxies;
  private final RequestLimits requestLimits;
  private final UnderscoreHeaders underscoreHeaders;
  private final Set<String> extensionMethods;
  private final boolean methodOverride;
  private final boolean caseInsensitivePaths;
  private final boolean echoRequestId;
  private final IpRules ipRules;
  private final SecurityHeaders securityHeaders;

  IngressSettings(List<String> trustedProxies, RequestLimits requestLimits, UnderscoreHeaders underscoreHeaders,
      Set<String> extensionMethods, boolean methodOverride, boolean caseInsensitivePaths, boolean echoRequestId,
      IpRules ipRules, SecurityHeaders securityHeaders) {
    this.trustedProxies = List.copyOf(trustedProxies);
    this.requestLimits = Objects.requireNonNull(requestLimits, "requestLimits");
    this.underscoreHeaders = Objects.requireNonNull(underscoreHeaders, "underscoreHeaders");
    this.extensionMethods = Collections.unmodifiableSet(new LinkedHashSet<>(extensionMethods));
    this.methodOverride = methodOverride;
    this.caseInsensitivePaths = caseInsensitivePaths;
    this.echoRequestId = echoRequestId;
    this.ipRules = Objects.requireNonNull(ipRules, "ipRules");
    this.securityHeaders = Objects.requireNonNull(securityHeaders, "securityHeaders");
  }

  /**
   * The peers whose forwarding headers ({@code X-Forwarded-*}, {@code Forwarded}) are believed.
   *
   * @return addresses or CIDR blocks, in declaration order
   */
  public List<String> trustedProxies() {
    return trustedProxies;
  }

  /**
   * The size limits every request must keep to.
   *
   * @return the limits
   */
  public RequestLimits requestLimits() {
    return requestLimits;
  }

  /**
   * What happens to request headers whose names contain {@code _}.
   *
   * @return the policy
   */
  public UnderscoreHeaders underscoreHeaders() {
    return underscoreHeaders;
  }

  /**
   * The request methods beyond RFC 9110's nine that the gateway routes; any other gets 501.
   *
   * @return the methods, in declaration order
   */
  public Set<String> extensionMethods() {
    return extensionMethods;
  }

  /**
   * Whether a POST's method-override header or {@code _method} query parameter is honoured.
   *
   * @return true if honoured; otherwise overrides are removed
   */
  public boolean methodOverride() {
    return methodOverride;
  }

  /**
   * Whether path patterns match ignoring ASCII case.
   *
   * @return true if case is folded
   */
  public boolean caseInsensitivePaths() {
    return caseInsensitivePaths;
  }

  /**
   * Whether every response carries the request's {@code X-Request-Id}.
   *
   * @return true if it does
   */
  public boolean echoRequestId() {
    return echoRequestId;
  }

  /**
   * Which client addresses may send requests to routes that set no rules of their own.
   *
   * @return the rules; {@link IpRules#any()} unless set
   * @since 0.2
   */
  public IpRules ipRules() {
    return ipRules;
  }

  /**
   * The security headers of responses from routes that set none of their own, and of the
   * gateway's answers to requests that match no route.
   *
   * @return the headers; {@link SecurityHeaders#none()} unless set
   * @since 0.2
   */
  public SecurityHeaders securityHeaders() {
    return securityHeaders;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IngressSettings i && trustedProxies.equals(i.trustedProxies)
        && requestLimits.equals(i.requestLimits) && underscoreHeaders == i.underscoreHeaders
        && extensionMethods.equals(i.extensionMethods) && methodOverride == i.methodOverride
        && caseInsensitivePaths == i.caseInsensitivePaths && echoRequestId == i.echoRequestId
        && ipRules.equals(i.ipRules) && securityHeaders.equals(i.securityHeaders);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trustedProxies, requestLimits, underscoreHeaders, extensionMethods, methodOverride,
        caseInsensitivePaths, echoRequestId, ipRules, securityHeaders);
  }

  @Override
  public String toString() {
    return Text.fields(this, "trustedProxies", trustedProxies, "requestLimits", requestLimits,
        "underscoreHeaders", underscoreHeaders, "extensionMethods", extensionMethods, "methodOverride", methodOverride,
        "caseInsensitivePaths", caseInsensitivePaths, "echoRequestId", echoRequestId, "ipRules", ipRules,
        "securityHeaders", securityHeaders);
  }
}
