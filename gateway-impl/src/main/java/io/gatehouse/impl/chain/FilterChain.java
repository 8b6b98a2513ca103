package io.gatehouse.impl.chain;

import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A route's filters and terminal, immutable. Each call to {@code proceed} moves to a fresh step
 * at the next index, so the contract (at most one proceed, never null) is checked per filter and a
 * broken filter is named in the failure.
 */
public final class FilterChain {
  private final Filter[] filters;
  private final String[] names;
  private final Terminal terminal;

  public FilterChain(List<Filter> filters, List<String> names, Terminal terminal) {
    this.filters = filters.toArray(new Filter[0]);
    this.names = names.toArray(new String[0]);
    this.terminal = terminal;
  }

  /** The names of the filters and the terminal's steps, in the order they run. */
  public List<String> stages() {
    List<String> stages = new ArrayList<>(List.of(names));
    stages.addAll(terminal.stages());
    return stages;
  }

  public CompletionStage<Response> start(Exchange exchange) {
    return run(0, exchange);
  }

  private CompletionStage<Response> run(int index, Exchange exchange) {
    if (index == filters.length) {
      try {
        return terminal.handle(exchange);
      } catch (RuntimeException | Error e) {
        // Caught here, the failure names the terminal rather than the filter that called proceed().
        return CompletableFuture.failedFuture(
            new FilterFailure("the terminal (" + String.join(", ", terminal.stages()) + ") threw " + e, e));
      }
    }
    String name = names[index];
    CompletionStage<Response> stage;
    try {
      stage = filters[index].filter(exchange, new Step(index + 1, name));
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(new FilterFailure(name + " threw " + e, e));
    }
    if (stage == null) {
      return CompletableFuture.failedFuture(
          new FilterFailure(name + " returned null (expected: a CompletionStage of a response)", null));
    }
    return stage.thenApply(response -> {
      if (response == null) {
        throw new FilterFailure(name + " completed with a null response (expected: a response)", null);
      }
      return response;
    });
  }

  private final class Step implements Chain {
    private final int next;
    private final String caller;
    private final AtomicBoolean proceeded = new AtomicBoolean();

    Step(int next, String caller) {
      this.next = next;
      this.caller = caller;
    }

    @Override
    public CompletionStage<Response> proceed(Exchange exchange) {
      if (exchange == null) {
        throw new NullPointerException(caller + " called proceed(null) (expected: an exchange)");
      }
      if (!proceeded.compareAndSet(false, true)) {
        throw new IllegalStateException(caller + " called proceed() twice (expected: at most once)");
      }
      return run(next, exchange);
    }
  }

  /** A filter broke the chain contract or failed; the gateway answers 500 and logs this. */
  static final class FilterFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FilterFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
