package io.gatehouse.route;

import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.internal.Text;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a route's requests go: one upstream group, a traffic split between several, or a fixed
 * response the gateway gives by itself, or an aggregation of several backends; a mirror that receives copies; and where requests go while
 * the route's circuit is open (a fallback response or upstream). Immutable; made by
 * {@link RouteBuilder} ({@code upstream}, {@code split}, {@code respond}, {@code mirror},
 * {@code fallback}).
 *
 * <p>{@code Optional<Upstream> upstream = route.destination().upstream();}
 *
 * @since 0.1
 */
public final class RouteDestination {
  private final Optional<Upstream> upstream;
  private final Optional<TrafficSplit> split;
  private final Optional<StaticResponse> staticResponse;
  private final Optional<Mirror> mirror;
  private final Optional<StaticResponse> fallbackResponse;
  private final Optional<Upstream> fallbackUpstream;
  private final Optional<Aggregation> aggregation;
  private final Optional<WebSocket> webSocket;

  RouteDestination(Optional<Upstream> upstream, Optional<TrafficSplit> split, Optional<StaticResponse> staticResponse,
      Optional<Mirror> mirror, Optional<StaticResponse> fallbackResponse, Optional<Upstream> fallbackUpstream,
      Optional<Aggregation> aggregation, Optional<WebSocket> webSocket) {
    this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.split = Objects.requireNonNull(split, "split");
    this.staticResponse = Objects.requireNonNull(staticResponse, "staticResponse");
    this.mirror = Objects.requireNonNull(mirror, "mirror");
    this.fallbackResponse = Objects.requireNonNull(fallbackResponse, "fallbackResponse");
    this.fallbackUpstream = Objects.requireNonNull(fallbackUpstream, "fallbackUpstream");
    this.webSocket = Objects.requireNonNull(webSocket, "webSocket");
  }

  /**
   * The upstream group, when the route proxies to one.
   *
   * @return the group, or empty
   */
  public Optional<Upstream> upstream() {
    return upstream;
  }

  /**
   * The upstreams the route's traffic is split between, when it proxies to several.
   *
   * @return the split, or empty
   */
  public Optional<TrafficSplit> split() {
    return split;
  }

  /**
   * The fixed response, when the route answers by itself.
   *
   * @return the response, or empty
   */
  public Optional<StaticResponse> staticResponse() {
    return staticResponse;
  }

  /**
   * Where copies of the requests go; their answers are discarded.
   *
   * @return the mirror, or empty
   */
  public Optional<Mirror> mirror() {
    return mirror;
  }

  /**
   * The answer while the route's circuit is open.
   *
   * @return the response, or empty
   */
  public Optional<StaticResponse> fallbackResponse() {
    return fallbackResponse;
  }

  /**
   * Where requests go while the route's circuit is open.
   *
   * @return the upstream, or empty
   */
  public Optional<Upstream> fallbackUpstream() {
    return fallbackUpstream;
  }

  /**
   * The backends the route calls and merges, when it aggregates.
   *
   * @return the aggregation, or empty
   * @since 0.2
   */
  public Optional<Aggregation> aggregation() {
    return aggregation;
  }

  /**
   * How the route carries WebSocket sessions, when it takes them.
   *
   * @return the settings, or empty for a route that forwards no upgrade
   * @since 0.2
   */
  public Optional<WebSocket> webSocket() {
    return webSocket;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteDestination d && upstream.equals(d.upstream) && split.equals(d.split)
        && staticResponse.equals(d.staticResponse) && mirror.equals(d.mirror)
        && fallbackResponse.equals(d.fallbackResponse) && fallbackUpstream.equals(d.fallbackUpstream)
        && aggregation.equals(d.aggregation) && webSocket.equals(d.webSocket);
  }

  @Override
  public int hashCode() {
    return Objects.hash(upstream, split, staticResponse, mirror, fallbackResponse, fallbackUpstream, aggregation, webSocket);
  }

  @Override
  public String toString() {
    return Text.fields(this, "upstream", upstream, "split", split, "staticResponse", staticResponse, "mirror", mirror,
        "fallbackResponse", fallbackResponse, "fallbackUpstream", fallbackUpstream, "aggregation", aggregation,
        "webSocket", webSocket);
  }
}
