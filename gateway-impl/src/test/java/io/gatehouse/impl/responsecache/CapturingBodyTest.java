package io.gatehouse.impl.responsecache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CapturingBodyTest {

  /** A publisher the test drives by hand: it emits only what the test pushes, as the subscriber demands. */
  private static final class Manual implements Flow.Publisher<ByteBuffer> {
    Flow.Subscriber<? super ByteBuffer> subscriber;
    long demand;
    boolean cancelled;

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      subscriber = s;
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          demand += n;
        }

        @Override
        public void cancel() {
          cancelled = true;
        }
      });
    }

    void push(String text) {
      assertThat(demand).as("demand before onNext").isPositive();
      demand--;
      subscriber.onNext(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  /** A client that reads everything. */
  private static final class Client implements Flow.Subscriber<ByteBuffer> {
    final StringBuilder seen = new StringBuilder();
    Flow.Subscription subscription;
    boolean completed;
    Throwable failed;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      byte[] b = new byte[item.remaining()];
      item.get(b); // consumes the buffer: the capture must have copied it first
      seen.append(new String(b, StandardCharsets.US_ASCII));
    }

    @Override
    public void onError(Throwable t) {
      failed = t;
    }

    @Override
    public void onComplete() {
      completed = true;
    }
  }

  private final Manual upstream = new Manual();
  private final AtomicReference<byte[]> whole = new AtomicReference<>();
  private final AtomicInteger gaveUp = new AtomicInteger();
  private final Client client = new Client();

  private void subscribe(int cap) {
    new CapturingBody(upstream, cap, whole::set, gaveUp::incrementAndGet).subscribe(client);
  }

  @Test
  void a_body_within_the_cap_reaches_the_client_as_it_comes_and_is_handed_over_whole_at_the_end() {
    subscribe(10);
    upstream.push("hello");
    assertThat(client.seen).hasToString("hello");
    assertThat(whole.get()).isNull();
    upstream.push(" you");
    upstream.subscriber.onComplete();

    assertThat(client.seen).hasToString("hello you");
    assertThat(client.completed).isTrue();
    assertThat(new String(whole.get(), StandardCharsets.US_ASCII)).isEqualTo("hello you");
    assertThat(gaveUp.get()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 10, 11})
  void the_cap_is_inclusive_and_one_byte_over_it_gives_up(int cap) {
    subscribe(cap);
    upstream.push("0123456789");
    upstream.subscriber.onComplete();

    assertThat(client.seen).hasToString("0123456789");
    assertThat(client.completed).isTrue();
    assertThat(whole.get() != null).isEqualTo(cap >= 10);
    assertThat(gaveUp.get()).isEqualTo(cap >= 10 ? 0 : 1);
  }

  @Test
  void past_the_cap_the_rest_streams_through_uncopied() {
    subscribe(4);
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      chunks.add("chunk" + i);
      upstream.push("chunk" + i);
    }
    upstream.subscriber.onComplete();

    assertThat(client.seen).hasToString(String.join("", chunks));
    assertThat(gaveUp.get()).isEqualTo(1);
    assertThat(whole.get()).isNull();
  }

  @Test
  void a_failure_drops_the_copy_and_reaches_the_client() {
    subscribe(100);
    upstream.push("part");
    IllegalStateException cut = new IllegalStateException("cut");
    upstream.subscriber.onError(cut);

    assertThat(client.failed).isSameAs(cut);
    assertThat(gaveUp.get()).isEqualTo(1);
    assertThat(whole.get()).isNull();
  }

  @Test
  void a_client_that_cancels_drops_the_copy_and_cancels_the_upstream() {
    subscribe(100);
    upstream.push("part");
    client.subscription.cancel();
    client.subscription.cancel();

    assertThat(upstream.cancelled).isTrue();
    assertThat(gaveUp.get()).isEqualTo(1);
    assertThat(whole.get()).isNull();
  }

  @Test
  void demand_passes_through_unchanged() {
    Flow.Subscriber<ByteBuffer> slow = new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(2);
      }

      @Override
      public void onNext(ByteBuffer item) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    };
    new CapturingBody(upstream, 10, whole::set, gaveUp::incrementAndGet).subscribe(slow);

    assertThat(upstream.demand).isEqualTo(2);
  }
}
