package io.gatehouse.impl.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.TimeSource;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.observe.TraceContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class FilterChainTest {
  private static final Stage PROCEEDS = Stage.of((ex, chain) -> chain.proceed(ex));

  private static RequestState state() {
    Request request = Request.builder("GET", "/a").build();
    RequestState state = new RequestState("r-1", TimeSource.system(), TraceContext.W3C.start(request), () -> "127.0.0.1");
    state.routed("a", Map.of());
    return state;
  }

  private static CompletionStage<Response> start(FilterChain chain) {
    RequestState state = state();
    return chain.start(new ExchangeImpl(Request.builder("GET", "/a").build(), state), state);
  }

  private static Throwable failure(CompletionStage<Response> stage) {
    CompletableFuture<Response> f = stage.toCompletableFuture();
    assertThat(f).isCompletedExceptionally();
    return f.handle((r, t) -> t instanceof CompletionException && t.getCause() != null ? t.getCause() : t).join();
  }

  @Test
  void a_terminal_that_throws_is_named_not_the_filter_that_called_proceed() {
    Terminal throwing = new Terminal() {
      @Override
      public CompletionStage<Response> handle(Exchange exchange, RequestState state) {
        throw new IndexOutOfBoundsException("No group 2");
      }

      @Override
      public List<String> stages() {
        return List.of("upstream http://a:1");
      }
    };
    FilterChain chain = new FilterChain(List.of(PROCEEDS, PROCEEDS), List.of("auth stage", "rate-limit stage"), throwing);

    assertThat(failure(start(chain)))
        .isInstanceOf(FilterChain.FilterFailure.class)
        .hasMessage("the terminal (upstream http://a:1) threw java.lang.IndexOutOfBoundsException: No group 2")
        .hasCauseInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void a_filter_that_throws_is_named() {
    Filter throwing = (ex, chain) -> {
      throw new IllegalStateException("broken");
    };
    FilterChain chain = new FilterChain(List.of(PROCEEDS, Stage.of(throwing)), List.of("auth stage", "route 'a' filter #1"),
        (ex, state) -> CompletableFuture.completedFuture(Response.builder(200).build()));

    assertThat(failure(start(chain))).hasMessage("route 'a' filter #1 threw java.lang.IllegalStateException: broken");
  }
}
