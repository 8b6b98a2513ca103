package io.gatehouse.impl.chain;

import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Answers with a fixed response, built once: an in-memory body can be sent any number of times. */
public final class StaticTerminal implements Terminal {
  private final CompletableFuture<Response> response;
  private final int status;

  public StaticTerminal(Response response) {
    this.response = CompletableFuture.completedFuture(response);
    this.status = response.status();
  }

  @Override
  public CompletionStage<Response> handle(Exchange exchange, RequestState state) {
    return response;
  }

  @Override
  public String toString() {
    return "static response " + status;
  }
}
