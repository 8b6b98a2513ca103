package io.gatehouse.impl.chain;

import io.gatehouse.auth.Principal;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.http.Request;
import io.gatehouse.impl.net.IpLiteral;
import io.gatehouse.impl.routing.Cookies;
import io.gatehouse.impl.routing.QueryParameters;
import java.util.List;

/**
 * Reads a {@link RequestKey}'s value for a request: the one reading that rate limits, consistent
 * hashing and sticky splits share. What a missing value means is each caller's own (a limit's
 * keyless choice, a random target or branch). The client address is the request state's
 * ({@link RequestState#clientAddress()}), the one every stage reads.
 */
public final class RequestKeys {
  /** The one instance: reading keys keeps no state. */
  public static final RequestKeys INSTANCE = new RequestKeys();

  private RequestKeys() {}

  /**
   * The key's value for a request.
   *
   * @param key the key
   * @param exchange the request as the chain has it here (a custom key's function gets it)
   * @param state the request's state: its route and principal
   * @return the value, or null when the request has none
   */
  public String valueOf(RequestKey key, Exchange exchange, RequestState state) {
    Request request = exchange.request();
    return switch (key.kind()) {
      case HEADER -> request.headers().first(key.name().orElseThrow()).orElse(null);
      case COOKIE -> first(Cookies.parse(request.headers().all("Cookie")).get(key.name().orElseThrow()));
      case QUERY_PARAMETER -> first(QueryParameters.parse(request.rawQuery().orElse("")).get(key.name().orElseThrow()));
      case CLIENT_IP -> network(state.clientAddress(), key);
      case CONSUMER -> state.principal().map(Principal::id).orElse(null);
      case ROUTE -> state.routeId().orElse(null);
      case CUSTOM -> key.function().orElseThrow().apply(exchange).orElse(null);
    };
  }

  /**
   * The client's address cut to the key's prefix length, as {@code network/length}; the address
   * itself for a full-length prefix, and a peer that is no IP address (an unresolved name) as it is.
   */
  private static String network(String address, RequestKey key) {
    boolean ipv6 = address.indexOf(':') >= 0;
    int prefix = ipv6 ? key.ipv6PrefixLength() : key.ipv4PrefixLength();
    if (prefix == (ipv6 ? 128 : 32)) {
      return address;
    }
    return IpLiteral.tryParse(address).map(ip -> ip.masked(prefix) + "/" + prefix).orElse(address);
  }

  private static String first(List<String> values) {
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
