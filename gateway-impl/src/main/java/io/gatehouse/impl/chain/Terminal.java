package io.gatehouse.impl.chain;

import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The end of a route's chain: what answers once every filter has passed the exchange on. */
public interface Terminal {
  CompletionStage<Response> handle(Exchange exchange);

  /** The names of the steps this terminal takes, in order, for a route explanation. */
  default List<String> stages() {
    return List.of(toString());
  }
}
