package io.gatehouse.impl.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonAnswerReaderTest {

  /** A subscription that records demand and cancellation; the test pushes chunks itself. */
  private static final class Feed implements Flow.Subscription {
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();

    @Override
    public void request(long n) {
      requested.addAndGet(n);
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }
  }

  private static JsonAnswerReader read(long cap, Feed feed, String... chunks) {
    JsonAnswerReader reader = new JsonAnswerReader(cap);
    reader.onSubscribe(feed);
    for (String chunk : chunks) {
      if (reader.result().isDone()) {
        break;
      }
      reader.onNext(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.UTF_8)));
    }
    if (!reader.result().isDone()) {
      reader.onComplete();
    }
    return reader;
  }

  private static String failure(JsonAnswerReader reader) {
    try {
      reader.result().join();
    } catch (CompletionException e) {
      return e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
    }
    throw new AssertionError("expected a failure, got " + reader.result().join());
  }

  @Test
  void a_body_split_anywhere_is_read_into_one_tree_asking_one_chunk_at_a_time() {
    Feed feed = new Feed();
    JsonNode tree = read(1000, feed, "{\"na", "me\":\"al", "ice\",\"n\":[1,2.50", ",1e400,123456789012345678901234567890],", "\"ok\":true,\"x\":null}").result().join();
    assertThat(tree.toString()).isEqualTo(
        "{\"name\":\"alice\",\"n\":[1,2.50,1E+400,123456789012345678901234567890],\"ok\":true,\"x\":null}");
    assertThat(feed.requested.get()).isEqualTo(6);
    assertThat(feed.cancelled).isFalse();
  }

  @Test
  void an_empty_body_is_json_null() {
    assertThat(read(10, new Feed()).result().join().isNull()).isTrue();
  }

  @Test
  void a_body_past_the_cap_fails_and_cancels_the_stream_without_reading_on() {
    Feed feed = new Feed();
    JsonAnswerReader reader = read(10, feed, "[1,2,3,4", ",5,6,7,8]");
    assertThat(failure(reader)).isEqualTo("BadAnswerException: is larger than 10 bytes");
    assertThat(feed.cancelled).isTrue();
    assertThat(feed.requested.get()).isEqualTo(2);
  }

  @Test
  void exactly_the_cap_is_accepted() {
    assertThat(read(9, new Feed(), "[1,2,3,4]").result().join().size()).isEqualTo(4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"a\":1,\"a\":2}|Duplicate field 'a'",
      "[1] [2]|is not one JSON value: another follows the first",
      "<html>|is not valid JSON",
      "{\"a\":|is not valid JSON",
      "{\"a\" 1}|is not valid JSON",
      "nul|is not valid JSON",
      "'a'|is not valid JSON",
  })
  void hostile_or_broken_json_fails_with_the_reason(String body, String reason) {
    Feed feed = new Feed();
    JsonAnswerReader reader = read(1000, feed, body);
    assertThat(failure(reader)).startsWith("BadAnswerException: ").contains(reason);
  }

  @Test
  void nesting_deeper_than_the_limit_fails_and_at_the_limit_is_read() {
    String ok = "[".repeat(JsonAnswerReader.MAX_DEPTH) + "]".repeat(JsonAnswerReader.MAX_DEPTH);
    assertThat(read(100_000, new Feed(), ok).result().join().isArray()).isTrue();
    String deep = "[".repeat(JsonAnswerReader.MAX_DEPTH + 1) + "]".repeat(JsonAnswerReader.MAX_DEPTH + 1);
    assertThat(failure(read(100_000, new Feed(), deep))).contains("nesting depth").contains("exceeds the maximum allowed");
    String hostile = "{\"a\":".repeat(100_000);
    Feed feed = new Feed();
    assertThat(failure(read(1_000_000, feed, hostile))).contains("nesting depth");
    assertThat(feed.cancelled).isTrue();
  }

  @Test
  void cancel_cancels_the_stream_and_fails_the_result() {
    Feed feed = new Feed();
    JsonAnswerReader reader = new JsonAnswerReader(100);
    reader.onSubscribe(feed);
    reader.onNext(ByteBuffer.wrap("{\"a\":".getBytes(StandardCharsets.UTF_8)));
    reader.cancel();
    assertThat(feed.cancelled).isTrue();
    assertThat(reader.result()).isCompletedExceptionally();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.result().join())
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void a_stream_failure_is_the_result() {
    JsonAnswerReader reader = new JsonAnswerReader(100);
    reader.onSubscribe(new Feed());
    reader.onError(new java.io.IOException("reset"));
    assertThat(failure(reader)).isEqualTo("IOException: reset");
  }
}
