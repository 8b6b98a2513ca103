package io.gatehouse.impl.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Body;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Streaming gzip: every chunk flushed as it comes, valid gzip whatever the chunking, demand one for one. */
class GzipBodyTest {

  private static byte[] gunzip(byte[] gz) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** Takes what it is given, asking for one item at a time unless told otherwise. */
  static final class Taker implements Flow.Subscriber<ByteBuffer> {
    final List<byte[]> items = new CopyOnWriteArrayList<>();
    volatile boolean completed;
    volatile Throwable failed;
    volatile Flow.Subscription subscription;
    final boolean auto;

    Taker(boolean auto) {
      this.auto = auto;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (auto) {
        s.request(1);
      }
    }

    @Override
    public void onNext(ByteBuffer item) {
      byte[] b = new byte[item.remaining()];
      item.get(b);
      items.add(b);
      if (auto) {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      failed = t;
    }

    @Override
    public void onComplete() {
      completed = true;
    }

    byte[] all() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      items.forEach(out::writeBytes);
      return out.toByteArray();
    }
  }

  @Test
  void a_chunked_body_compresses_to_valid_gzip_with_one_flushed_chunk_per_input_chunk() throws Exception {
    List<byte[]> chunks = new ArrayList<>();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    for (int i = 0; i < 20; i++) {
      byte[] c = ("{\"line\":" + i + ",\"text\":\"" + "abc".repeat(i * 50) + "\"}\n").getBytes(StandardCharsets.UTF_8);
      chunks.add(c);
      whole.writeBytes(c);
    }
    Taker taker = new Taker(true);
    try (SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>()) {
      new GzipBody(source, 6).subscribe(taker);
      for (byte[] c : chunks) {
        source.submit(ByteBuffer.wrap(c));
      }
      source.close();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!taker.completed && System.nanoTime() < until) {
        Thread.sleep(5);
      }
    }

    assertThat(taker.completed).isTrue();
    assertThat(taker.items).hasSize(21); // one per chunk, then the trailer
    assertThat(gunzip(taker.all())).isEqualTo(whole.toByteArray());
    assertThat(taker.all().length).isLessThan(whole.size());
  }

  @Test
  void each_chunk_can_be_decompressed_as_soon_as_it_arrives() throws Exception {
    Taker taker = new Taker(false);
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>(Runnable::run, 16);
    new GzipBody(source, 1).subscribe(taker);
    taker.subscription.request(1);
    source.submit(ByteBuffer.wrap("data: first event\n\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(taker.items).hasSize(1);
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    byte[] gz = taker.items.get(0);
    inflater.setInput(gz, 10, gz.length - 10);
    byte[] out = new byte[100];
    int n = inflater.inflate(out);
    assertThat(new String(out, 0, n, StandardCharsets.UTF_8)).isEqualTo("data: first event\n\n");
    inflater.end();
    source.close();
  }

  @Test
  void the_trailer_waits_for_demand() throws Exception {
    Taker taker = new Taker(false);
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>(Runnable::run, 16);
    new GzipBody(source, 6).subscribe(taker);
    taker.subscription.request(1);
    source.submit(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
    source.close();

    assertThat(taker.items).hasSize(1);
    assertThat(taker.completed).isFalse();
    taker.subscription.request(1);
    assertThat(taker.items).hasSize(2);
    assertThat(taker.completed).isTrue();
    assertThat(gunzip(taker.all())).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void an_empty_body_is_a_valid_empty_gzip_stream() throws Exception {
    Taker taker = new Taker(true);
    new GzipBody(Body.empty(), 6).subscribe(taker);

    assertThat(taker.completed).isTrue();
    assertThat(gunzip(taker.all())).isEmpty();
  }

  @Test
  void a_failure_passes_on_and_a_cancel_reaches_the_source() {
    Taker failing = new Taker(true);
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>(Runnable::run, 16);
    new GzipBody(source, 6).subscribe(failing);
    source.closeExceptionally(new IllegalStateException("upstream reset"));
    assertThat(failing.failed).hasMessage("upstream reset");

    Taker leaving = new Taker(false);
    SubmissionPublisher<ByteBuffer> other = new SubmissionPublisher<>(Runnable::run, 16);
    new GzipBody(other, 6).subscribe(leaving);
    leaving.subscription.cancel();
    assertThat(other.getNumberOfSubscribers()).isZero();
  }
}
