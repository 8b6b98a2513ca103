package io.gatehouse.impl.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.SubmissionPublisher;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A body read whole within the cap; past it, no more read until the replay is asked for, and replayed whole. */
class BoundedBodyTest {

  @Test
  void a_body_within_the_cap_is_whole() throws Exception {
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>(Runnable::run, 16);
    BoundedBody body = BoundedBody.read(source, 10);
    source.submit(ByteBuffer.wrap("12345".getBytes(StandardCharsets.UTF_8)));
    source.submit(ByteBuffer.wrap("67890".getBytes(StandardCharsets.UTF_8)));
    source.close();

    assertThat(new String(body.whole().get(), StandardCharsets.UTF_8)).isEqualTo("1234567890");
  }

  @Test
  void past_the_cap_reading_stops_and_the_replay_gives_every_byte_in_order() throws Exception {
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>(Runnable::run, 16);
    BoundedBody body = BoundedBody.read(source, 8);
    source.submit(ByteBuffer.wrap("12345".getBytes(StandardCharsets.UTF_8)));
    source.submit(ByteBuffer.wrap("67890".getBytes(StandardCharsets.UTF_8)));
    assertThat(body.whole().get()).isNull();
    source.submit(ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)));
    assertThat(source.estimateMaximumLag()).as("nothing read past the cap before the replay asks").isEqualTo(1);

    GzipBodyTest.Taker taker = new GzipBodyTest.Taker(true);
    body.replay().subscribe(taker);
    source.close();

    assertThat(taker.completed).isTrue();
    assertThat(new String(taker.all(), StandardCharsets.UTF_8)).isEqualTo("1234567890abc");
    GzipBodyTest.Taker second = new GzipBodyTest.Taker(true);
    body.replay().subscribe(second);
    assertThat(second.failed).hasMessageContaining("replayed once");
  }

  @Test
  void discarding_cancels_the_source() {
    SubmissionPublisher<ByteBuffer> source = new SubmissionPublisher<>(Runnable::run, 16);
    BoundedBody body = BoundedBody.read(source, 8);
    body.discard();

    assertThat(source.getNumberOfSubscribers()).isZero();
    assertThat(body.whole()).isCancelled();
  }

  @Test
  void a_decompression_bomb_stops_at_the_ratio_and_a_large_body_at_the_cap() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(new byte[8 << 20]); // 8 MiB of zeros, about 8 KiB compressed
    }
    byte[] bomb = gz.toByteArray();

    Gunzip.Stopped ratio = org.junit.jupiter.api.Assertions.assertThrows(Gunzip.Stopped.class,
        () -> Gunzip.inflate(bomb, 64L << 20, 100));
    Gunzip.Stopped size = org.junit.jupiter.api.Assertions.assertThrows(Gunzip.Stopped.class,
        () -> Gunzip.inflate(bomb, 1 << 20, 100_000));
    Gunzip.Stopped corrupt = org.junit.jupiter.api.Assertions.assertThrows(Gunzip.Stopped.class,
        () -> Gunzip.inflate("not gzip".getBytes(StandardCharsets.UTF_8), 1 << 20, 100));

    assertThat(ratio.why).isEqualTo(Gunzip.Stop.BOMB);
    assertThat(ratio).hasMessage("decompresses more than 100 times its compressed size");
    assertThat(size.why).isEqualTo(Gunzip.Stop.TOO_LARGE);
    assertThat(size).hasMessage("decompresses to more than 1048576 bytes");
    assertThat(corrupt.why).isEqualTo(Gunzip.Stop.CORRUPT);
    assertThat(Gunzip.inflate(bomb, 8 << 20, 100_000)).hasSize(8 << 20);
  }

  @Test
  void small_repetitive_bodies_are_below_the_ratio_floor() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(" ".repeat(Gunzip.RATIO_FLOOR).getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Gunzip.inflate(gz.toByteArray(), 1 << 20, 2)).hasSize(Gunzip.RATIO_FLOOR);
  }
}
