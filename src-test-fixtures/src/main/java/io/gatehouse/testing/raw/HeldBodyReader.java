package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gateway's side of a request body that is read slowly: as a handler, it asks for one buffer of
 * the body and then for nothing until {@link #release()}; then it reads the rest and answers 200
 * with the number of body bytes it got (500 if the body failed). For tests that show a consumer
 * that does not read holds the client back through the adapter.
 *
 * <pre>{@code
 * HeldBodyReader reader = HeldBodyReader.create();
 * server = start(request -> reader.read(request));   // the adapter's handler
 * ... the client uploads; it stalls ...
 * assertThat(reader.onNextCalls()).isEqualTo(1);
 * reader.release();                                    // the answer is "67108864"
 * }</pre>
 *
 * <p>One request. Thread-safe.
 *
 * @since 0.1
 */
@Unstable
public final class HeldBodyReader {
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong onNextCalls = new AtomicLong();
  private final CompletableFuture<Response> answer = new CompletableFuture<>();

  private HeldBodyReader() {}

  /**
   * A reader for one request.
   *
   * @return the reader
   */
  public static HeldBodyReader create() {
    return new HeldBodyReader();
  }

  /**
   * Subscribes to the request's body and asks for one buffer.
   *
   * @param request the request the gateway got
   * @return the answer, once the body has ended: 200 with the byte count, or 500
   */
  public CompletionStage<Response> read(Request request) {
    request.body().subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription.set(s);
        s.request(1); // one buffer, then nothing until the test asks for more
      }

      @Override
      public void onNext(ByteBuffer item) {
        onNextCalls.incrementAndGet();
        delivered.addAndGet(item.remaining());
      }

      @Override
      public void onError(Throwable t) {
        answer.complete(Response.builder(500).build());
      }

      @Override
      public void onComplete() {
        answer.complete(Response.builder(200).body(Body.of(String.valueOf(delivered.get()))).build());
      }
    });
    return answer;
  }

  /**
   * How many buffers the body has delivered.
   *
   * @return the count of {@code onNext}
   */
  public long onNextCalls() {
    return onNextCalls.get();
  }

  /**
   * Asks for the rest of the body.
   *
   * @throws IllegalStateException if {@link #read} has not subscribed yet
   */
  public void release() {
    Flow.Subscription s = subscription.get();
    if (s == null) {
      throw new IllegalStateException("held body reader: release: no subscription yet (expected: read(request) first)");
    }
    s.request(Long.MAX_VALUE);
  }
}
