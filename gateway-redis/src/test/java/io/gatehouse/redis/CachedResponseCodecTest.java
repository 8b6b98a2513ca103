package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The binary form of a key's variants: round trips, the cap, and every kind of value that must not decode. */
class CachedResponseCodecTest {
  private static final String KEY = "r\nhttp\nexample.com\n\n\n/items/7\n?a=1";
  private static final Instant SENT = Instant.parse("2026-12-07T12:00:00.123456789Z");
  private static final Instant RECEIVED = Instant.parse("2026-12-07T12:00:00.500Z");

  private static CachedResponse entry(int status, HttpHeaders headers, String body, Map<String, String> vary) {
    return CachedResponse.of(status, headers, body.getBytes(StandardCharsets.UTF_8), SENT, RECEIVED, vary);
  }

  private static List<CachedResponse> twoVariants() {
    return List.of(
        entry(200, HttpHeaders.of("Content-Type", "text/plain; charset=utf-8", "Vary", "Accept-Language",
            "Cache-Control", "max-age=60", "X-Multi", "one", "X-Multi", "two", "X-Unicode", "é"), "grüß dich",
            Map.of("accept-language", "de")),
        entry(404, HttpHeaders.of("Vary", "Accept-Language"), "", Map.of()));
  }

  private static byte[] encoded() throws Exception {
    return CachedResponseCodec.encode(KEY, twoVariants(), 1 << 20);
  }

  @Test
  void variants_round_trip_with_status_headers_body_times_and_vary_values() throws Exception {
    List<CachedResponse> decoded = CachedResponseCodec.decode(KEY, encoded());

    assertThat(decoded).hasSize(2);
    List<CachedResponse> original = twoVariants();
    for (int i = 0; i < 2; i++) {
      CachedResponse a = original.get(i);
      CachedResponse b = decoded.get(i);
      assertThat(b.status()).isEqualTo(a.status());
      assertThat(b.headers()).isEqualTo(a.headers());
      assertThat(b.body()).isEqualTo(a.body());
      assertThat(b.requestTime()).isEqualTo(SENT);
      assertThat(b.responseTime()).isEqualTo(RECEIVED);
      assertThat(b.varyValues()).isEqualTo(a.varyValues());
    }
    assertThat(decoded.get(0).headers().all("X-Multi")).containsExactly("one", "two");
  }

  @Test
  void the_encoding_is_compact() throws Exception {
    CachedResponse small = entry(200, HttpHeaders.of("Content-Type", "application/json"), "{}", Map.of());
    // version, key, count, status, two instants, header count, two strings, vary count, body
    int expected = 1 + 4 + KEY.length() + 1 + 2 + 24 + 2 + (4 + 12) + (4 + 16) + 1 + 4 + 2;
    assertThat(CachedResponseCodec.encode(KEY, List.of(small), 1 << 20)).hasSize(expected);
  }

  @Test
  void a_binary_body_with_every_byte_value_survives() throws Exception {
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    CachedResponse binary = CachedResponse.of(200, HttpHeaders.of(), body, SENT, RECEIVED, Map.of());
    CachedResponse back = CachedResponseCodec.decode(KEY, CachedResponseCodec.encode(KEY, List.of(binary), 4096)).get(0);
    byte[] read = new byte[back.bodyLength()];
    back.body().get(read);
    assertThat(read).isEqualTo(body);
  }

  @Test
  void encoding_stops_at_the_cap_and_an_exact_fit_is_stored() throws Exception {
    int size = encoded().length;
    assertThat(CachedResponseCodec.encode(KEY, twoVariants(), size)).hasSize(size);
    assertThatThrownBy(() -> CachedResponseCodec.encode(KEY, twoVariants(), size - 1))
        .isInstanceOf(CachedResponseCodec.TooLarge.class).hasMessage("over " + (size - 1) + " bytes");
    CachedResponse big = CachedResponse.of(200, HttpHeaders.of(), new byte[10_000], SENT, RECEIVED, Map.of());
    assertThatThrownBy(() -> CachedResponseCodec.encode(KEY, List.of(big), 9_999))
        .isInstanceOf(CachedResponseCodec.TooLarge.class);
  }

  @ParameterizedTest
  @MethodSource("neverStored")
  void a_framing_connection_or_cookie_field_is_refused_when_encoding(String name) {
    CachedResponse entry = entry(200, HttpHeaders.of(name, "x"), "", Map.of());
    assertThatThrownBy(() -> CachedResponseCodec.encode(KEY, List.of(entry), 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("variants: header '" + name + "' (expected: none of ");
  }

  static Stream<String> neverStored() {
    return Stream.of("Content-Length", "transfer-encoding", "Connection", "Keep-Alive", "Proxy-Connection", "TE",
        "Trailer", "Upgrade", "Set-Cookie");
  }

  @Test
  void every_truncation_of_a_value_does_not_decode() throws Exception {
    byte[] value = encoded();
    for (int length = 0; length < value.length; length++) {
      byte[] cut = Arrays.copyOf(value, length);
      assertThatThrownBy(() -> CachedResponseCodec.decode(KEY, cut)).as("first %d bytes", length)
          .isInstanceOf(CachedResponseCodec.Undecodable.class);
    }
  }

  @Test
  void a_value_written_for_another_key_does_not_decode() throws Exception {
    byte[] value = encoded();
    assertThatThrownBy(() -> CachedResponseCodec.decode(KEY + "x", value))
        .isInstanceOf(CachedResponseCodec.Undecodable.class).hasMessage("written for another key");
  }

  @Test
  void bytes_after_the_last_variant_do_not_decode() throws Exception {
    byte[] value = encoded();
    byte[] longer = Arrays.copyOf(value, value.length + 1);
    assertThatThrownBy(() -> CachedResponseCodec.decode(KEY, longer))
        .isInstanceOf(CachedResponseCodec.Undecodable.class).hasMessage("1 bytes after the last variant");
  }

  /** A valid value for {@link #KEY} with one variant, written field by field so that each can be spoilt. */
  private static byte[] handMade(Consumer<Writer> spoil) {
    Writer w = new Writer();
    w.spoil = spoil;
    w.field("version", b -> b.put((byte) 1));
    w.field("key", b -> str(b, KEY));
    w.field("count", b -> b.put((byte) 1));
    w.field("status", b -> b.putShort((short) 200));
    w.field("requestTime", b -> b.putLong(SENT.getEpochSecond()).putInt(SENT.getNano()));
    w.field("responseTime", b -> b.putLong(RECEIVED.getEpochSecond()).putInt(RECEIVED.getNano()));
    w.field("headerCount", b -> b.putShort((short) 1));
    w.field("headerName", b -> str(b, "ETag"));
    w.field("headerValue", b -> str(b, "\"1\""));
    w.field("varyCount", b -> b.put((byte) 1));
    w.field("varyName", b -> str(b, "accept"));
    w.field("varyValue", b -> str(b, "text/html"));
    w.field("body", b -> {
      b.putInt(2);
      b.put((byte) 'o').put((byte) 'k');
    });
    return w.bytes();
  }

  private static void str(ByteBuffer b, String s) {
    str(b, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void str(ByteBuffer b, byte[] bytes) {
    b.putInt(bytes.length).put(bytes);
  }

  private static final class Writer {
    final ByteBuffer buffer = ByteBuffer.allocate(4096);
    Consumer<Writer> spoil;
    String field;
    Consumer<ByteBuffer> write;
    final List<String> seen = new ArrayList<>();

    void field(String name, Consumer<ByteBuffer> value) {
      field = name;
      write = value;
      seen.add(name);
      spoil.accept(this);
      if (write != null) {
        write.accept(buffer);
      }
    }

    /** Writes {@code replacement} instead of the field {@code name}. */
    void replace(String name, Consumer<ByteBuffer> replacement) {
      if (field.equals(name)) {
        write = replacement;
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  @Test
  void the_hand_made_value_decodes() throws Exception {
    CachedResponse decoded = CachedResponseCodec.decode(KEY, handMade(w -> { })).get(0);
    assertThat(decoded.headers()).isEqualTo(HttpHeaders.of("ETag", "\"1\""));
    assertThat(decoded.varyValues()).isEqualTo(Map.of("accept", "text/html"));
    assertThat(decoded.bodyLength()).isEqualTo(2);
  }

  static Stream<Arguments> hostileValues() {
    return Stream.of(
        Arguments.of("version 0", (Consumer<Writer>) w -> w.replace("version", b -> b.put((byte) 0))),
        Arguments.of("version 2", (Consumer<Writer>) w -> w.replace("version", b -> b.put((byte) 2))),
        Arguments.of("key length negative", (Consumer<Writer>) w -> w.replace("key", b -> b.putInt(-1))),
        Arguments.of("key length past the end", (Consumer<Writer>) w -> w.replace("key", b -> b.putInt(Integer.MAX_VALUE))),
        Arguments.of("key not UTF-8", (Consumer<Writer>) w -> w.replace("key", b -> str(b, new byte[] {(byte) 0xc3, 0x28}))),
        Arguments.of("no variants", (Consumer<Writer>) w -> w.replace("count", b -> b.put((byte) 0))),
        Arguments.of("nine variants", (Consumer<Writer>) w -> w.replace("count", b -> b.put((byte) 9))),
        Arguments.of("255 variants", (Consumer<Writer>) w -> w.replace("count", b -> b.put((byte) 255))),
        Arguments.of("status 99", (Consumer<Writer>) w -> w.replace("status", b -> b.putShort((short) 99))),
        Arguments.of("status 600", (Consumer<Writer>) w -> w.replace("status", b -> b.putShort((short) 600))),
        Arguments.of("status 65535", (Consumer<Writer>) w -> w.replace("status", b -> b.putShort((short) -1))),
        Arguments.of("nanos negative", (Consumer<Writer>) w -> w.replace("requestTime", b -> b.putLong(0).putInt(-1))),
        Arguments.of("nanos one second", (Consumer<Writer>) w -> w.replace("requestTime", b -> b.putLong(0).putInt(1_000_000_000))),
        Arguments.of("instant out of range", (Consumer<Writer>) w -> w.replace("requestTime", b -> b.putLong(Long.MAX_VALUE).putInt(0))),
        Arguments.of("response before request", (Consumer<Writer>) w -> w.replace("responseTime",
            b -> b.putLong(SENT.getEpochSecond() - 1).putInt(0))),
        Arguments.of("1001 headers", (Consumer<Writer>) w -> w.replace("headerCount", b -> b.putShort((short) 1001))),
        Arguments.of("65535 headers", (Consumer<Writer>) w -> w.replace("headerCount", b -> b.putShort((short) -1))),
        Arguments.of("header name with a space", (Consumer<Writer>) w -> w.replace("headerName", b -> str(b, "E Tag"))),
        Arguments.of("empty header name", (Consumer<Writer>) w -> w.replace("headerName", b -> str(b, ""))),
        Arguments.of("header value with CR LF", (Consumer<Writer>) w -> w.replace("headerValue",
            b -> str(b, "\"1\"\r\nSet-Cookie: session=stolen"))),
        Arguments.of("header value with LF", (Consumer<Writer>) w -> w.replace("headerValue", b -> str(b, "a\nb"))),
        Arguments.of("header value with NUL", (Consumer<Writer>) w -> w.replace("headerValue", b -> str(b, "a\0b"))),
        Arguments.of("header value not UTF-8", (Consumer<Writer>) w -> w.replace("headerValue",
            b -> str(b, new byte[] {(byte) 0xff}))),
        Arguments.of("Content-Length header", (Consumer<Writer>) w -> w.replace("headerName", b -> str(b, "Content-Length"))),
        Arguments.of("Transfer-Encoding header", (Consumer<Writer>) w -> w.replace("headerName",
            b -> str(b, "Transfer-Encoding"))),
        Arguments.of("Set-Cookie header", (Consumer<Writer>) w -> w.replace("headerName", b -> str(b, "set-cookie"))),
        Arguments.of("Connection header", (Consumer<Writer>) w -> w.replace("headerName", b -> str(b, "Connection"))),
        Arguments.of("65 vary values", (Consumer<Writer>) w -> w.replace("varyCount", b -> b.put((byte) 65))),
        Arguments.of("vary name not a token", (Consumer<Writer>) w -> w.replace("varyName", b -> str(b, "ac cept"))),
        Arguments.of("vary value with LF", (Consumer<Writer>) w -> w.replace("varyValue", b -> str(b, "a\nb"))),
        Arguments.of("body length negative", (Consumer<Writer>) w -> w.replace("body", b -> b.putInt(-2))),
        Arguments.of("body length past the end", (Consumer<Writer>) w -> w.replace("body", b -> b.putInt(3).put((byte) 'o'))),
        Arguments.of("body length 2 GiB", (Consumer<Writer>) w -> w.replace("body", b -> b.putInt(Integer.MAX_VALUE))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileValues")
  void a_hostile_value_does_not_decode(String row, Consumer<Writer> spoil) {
    byte[] value = handMade(spoil);
    assertThatThrownBy(() -> CachedResponseCodec.decode(KEY, value)).isInstanceOf(CachedResponseCodec.Undecodable.class);
  }

  @Test
  void a_repeated_vary_name_does_not_decode() {
    byte[] value = handMade(w -> {
      w.replace("varyCount", b -> b.put((byte) 2));
      w.replace("varyValue", b -> {
        str(b, "a");
        str(b, "accept");
        str(b, "b");
      });
    });
    assertThatThrownBy(() -> CachedResponseCodec.decode(KEY, value))
        .isInstanceOf(CachedResponseCodec.Undecodable.class).hasMessage("an invalid or repeated vary value");
  }
}
