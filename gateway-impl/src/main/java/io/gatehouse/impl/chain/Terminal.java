package io.gatehouse.impl.chain;

import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The end of a route's chain: what answers once every filter has passed the exchange on. */
public interface Terminal {
  /**
   * Answers the request.
   *
   * @param exchange the exchange the last stage passed on
   * @param state the request's state
   */
  CompletionStage<Response> handle(Exchange exchange, RequestState state);

  /** The names of the steps this terminal takes, in order, for a route explanation. */
  default List<String> stages() {
    return List.of(toString());
  }
}
