package io.gatehouse.impl.proxy;

import io.gatehouse.auth.Principal;
import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Request;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.routing.Cookies;
import io.gatehouse.upstream.HashKey;
import java.util.List;
import java.util.function.Function;

/** Reads a request's {@link HashKey}: the value that keeps it sticky, or null when it has none. */
public final class HashKeys {
  private final Function<Request, String> clientAddress;

  public HashKeys(Function<Request, String> clientAddress) {
    this.clientAddress = clientAddress;
  }

  String of(HashKey key, Request request, RequestState state) {
    return switch (key.source()) {
      case HEADER -> request.headers().first(key.name()).orElse(null);
      case COOKIE -> cookie(request, key.name());
      case CLIENT_IP -> clientAddress.apply(request);
      case CONSUMER -> state.principal().map(Principal::id).orElse(null);
    };
  }

  static String cookie(Request request, String name) {
    List<String> values = Cookies.parse(request.headers().all("Cookie")).get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
