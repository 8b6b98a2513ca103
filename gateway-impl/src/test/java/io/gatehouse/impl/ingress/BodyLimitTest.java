package io.gatehouse.impl.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import io.gatehouse.http.BodyTooLargeException;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BodyLimitTest {
  private static Request withBody(Body body) {
    return Request.builder("POST", "/upload").body(body).build();
  }

  @ParameterizedTest(name = "declared {0}, cap {1}")
  @CsvSource({"101, 100, true", "100, 100, false", "99, 100, false", "0, 0, false", "1, 0, true"})
  void a_declared_length_over_the_cap_is_413_with_close(int declared, long cap, boolean refused) {
    Request request = withBody(Body.of(new byte[declared]));

    if (refused) {
      Response response = BodyLimit.rejection(request, cap, "req-1").orElseThrow();
      assertThat(response.status()).isEqualTo(413);
      assertThat(response.headers().first("Connection")).contains("close");
      assertThat(new String(response.body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
          .contains("the request body is larger than " + cap + " bytes").contains("req-1");
    } else {
      assertThat(BodyLimit.rejection(request, cap, "req-1")).isEmpty();
    }
  }

  @Test
  void a_body_of_unknown_length_is_not_refused_up_front_but_capped() {
    Request request = withBody(Body.ofPublisher(new Source(), -1));

    assertThat(BodyLimit.rejection(request, 0, "r")).isEmpty();
    assertThat(BodyLimit.capped(request, 10)).isNotSameAs(request);
    assertThat(BodyLimit.capped(request, 10).body().contentLength()).isEmpty();
    assertThat(BodyLimit.capped(request, Long.MAX_VALUE)).isSameAs(request);
    Request known = withBody(Body.of("abc"));
    assertThat(BodyLimit.capped(known, 1)).isSameAs(known);
  }

  /** A publisher the test drives by hand. */
  private static final class Source implements Flow.Publisher<ByteBuffer> {
    Flow.Subscriber<? super ByteBuffer> subscriber;
    int cancelled;
    long requested;

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      subscriber = s;
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          requested += n;
        }

        @Override
        public void cancel() {
          cancelled++;
        }
      });
    }

    void send(int bytes) {
      subscriber.onNext(ByteBuffer.wrap(new byte[bytes]));
    }
  }

  private static final class Sink implements Flow.Subscriber<ByteBuffer> {
    final List<String> signals = new ArrayList<>();
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(5);
    }

    @Override
    public void onNext(ByteBuffer item) {
      signals.add("next " + item.remaining());
    }

    @Override
    public void onError(Throwable t) {
      signals.add("error " + t.getClass().getSimpleName()
          + (t instanceof BodyTooLargeException e ? " " + e.limit() : " " + t.getMessage()));
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }
  }

  private static Sink subscribe(Source source, long cap) {
    Sink sink = new Sink();
    BodyLimit.capped(withBody(Body.ofPublisher(source, -1)), cap).body().subscribe(sink);
    return sink;
  }

  @Test
  void relays_up_to_the_cap_then_cancels_and_fails_once() {
    Source source = new Source();
    Sink sink = subscribe(source, 10);

    assertThat(source.requested).as("the subscription is passed through").isEqualTo(5);
    source.send(4);
    source.send(6);
    assertThat(source.cancelled).isZero();
    source.send(1);
    source.send(1);
    source.subscriber.onError(new IllegalStateException("late"));
    source.subscriber.onComplete();

    assertThat(sink.signals).containsExactly("next 4", "next 6", "error BodyTooLargeException 10");
    assertThat(source.cancelled).isEqualTo(1);
  }

  @Test
  void completes_and_fails_as_the_source_does_but_only_once() {
    Source completing = new Source();
    Sink completed = subscribe(completing, 10);
    completing.send(10);
    completing.subscriber.onComplete();
    completing.subscriber.onComplete();
    completing.subscriber.onError(new IllegalStateException("late"));
    assertThat(completed.signals).containsExactly("next 10", "complete");

    Source failing = new Source();
    Sink failed = subscribe(failing, 10);
    failing.subscriber.onError(new IllegalStateException("reset"));
    failing.subscriber.onError(new IllegalStateException("again"));
    failing.subscriber.onComplete();
    assertThat(failed.signals).containsExactly("error IllegalStateException reset");
    assertThat(failing.cancelled).isZero();
  }

  @Test
  void the_cap_is_found_through_up_to_eight_wrappers() {
    Throwable failure = new BodyTooLargeException(42);
    for (int depth = 1; depth < 8; depth++) {
      failure = new CompletionException(failure);
    }
    assertThat(BodyLimit.exceededCap(failure)).hasValue(42);
    assertThat(BodyLimit.exceededCap(new RuntimeException(failure))).isEmpty();
    assertThat(BodyLimit.exceededCap(new BodyTooLargeException(7))).hasValue(7);
    assertThat(BodyLimit.exceededCap(new IllegalStateException())).isEmpty();
    assertThat(BodyLimit.exceededCap(null)).isEmpty();
  }

  @Test
  void the_413_names_the_cap() {
    Response response = BodyLimit.tooLarge(2048, "req-9");

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.headers().first("Connection")).contains("close");
    assertThat(new String(response.body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
        .contains("Content Too Large").contains("the request body is larger than 2048 bytes");
  }
}
