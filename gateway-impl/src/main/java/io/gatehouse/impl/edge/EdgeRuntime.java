package io.gatehouse.impl.edge;

import io.gatehouse.GatewaySpec;
import io.gatehouse.edge.IpRules;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.chain.Stage;
import io.gatehouse.impl.proxy.TrustedProxies;
import io.gatehouse.route.RouteSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The front door of one gateway: each route's IP rules stage, and the security headers of every
 * response, a route's own or the gateway's. Immutable.
 */
public final class EdgeRuntime {
  private final GatewaySpec spec;
  private final TrustedProxies trusted;
  private final SecurityHeaderWriter gatewayHeaders;
  private final Map<String, SecurityHeaderWriter> routeHeaders = new HashMap<>();
  private final boolean touchesResponses;

  /** Made by {@link EdgeCompiler#build}. */
  EdgeRuntime(GatewaySpec spec, TrustedProxies trusted) {
    this.spec = spec;
    this.trusted = trusted;
    this.gatewayHeaders = new SecurityHeaderWriter(spec.ingress().securityHeaders());
    boolean any = !gatewayHeaders.isNone();
    for (RouteSpec route : spec.routes()) {
      SecurityHeaderWriter writer = route.rewrite().securityHeaders().map(SecurityHeaderWriter::new).orElse(gatewayHeaders);
      routeHeaders.putIfAbsent(route.id(), writer);
      any |= !writer.isNone();
    }
    this.touchesResponses = any;
  }

  /**
   * The IP rules stage of a route, unless its rules (or the gateway's, when it has none) let every
   * address in. Call only while compiling.
   *
   * @param route a route of the spec
   */
  public Optional<Stage> ipRulesStage(RouteSpec route) {
    IpRules rules = route.access().ipRules().orElse(spec.ingress().ipRules());
    return rules.isAny() ? Optional.empty() : Optional.of(new IpRulesStage(route.id(), IpFilter.of(rules)));
  }

  /** Whether {@link #secured} changes any response: false when no route and not the gateway set headers. */
  public boolean touchesResponses() {
    return touchesResponses;
  }

  /**
   * The response with the security headers of the route the request matched, or the gateway's
   * when it matched none.
   *
   * @param response the response the gateway is about to return
   * @param state the request's state, which knows its route
   * @param arrived the request as it arrived, which says whether it came over TLS
   */
  public Response secured(Response response, RequestState state, Request arrived) {
    if (!touchesResponses) {
      return response;
    }
    SecurityHeaderWriter writer = state.routeId().map(routeHeaders::get).orElse(gatewayHeaders);
    if (writer.isNone()) {
      return response;
    }
    return writer.apply(response, trusted.arrivedOverTls(arrived));
  }
}
