package io.gatehouse.redis;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCacheStore;
import io.gatehouse.http.HttpHeaders;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The binary form of a key's variants in Redis. Big-endian:
 *
 * <pre>
 * value   = version:u8 (1) key:str count:u8 (1..8) variant{count}
 * variant = status:u16 requestTime:instant responseTime:instant
 *           headerCount:u16 (name:str value:str){headerCount}
 *           varyCount:u8 (name:str value:str){varyCount}
 *           bodyLength:i32 body
 * instant = seconds:i64 nanos:i32
 * str     = length:i32 UTF-8 bytes
 * </pre>
 *
 * <p>The key is stored too, so that a value is only ever read for the key it was written for, and a
 * purge can read a key exactly. Decoding trusts nothing: every length is checked against what is
 * left of the value before anything is allocated, counts are bounded, strings must be well-formed
 * UTF-8, headers must be valid and never framing, connection or cookie fields (which the gateway
 * never stores), times and statuses must be what {@link CachedResponse#of} accepts, and nothing may
 * follow the last variant. Anything else is {@link Undecodable}.
 */
final class CachedResponseCodec {
  static final byte VERSION = 1;
  static final int MAX_HEADERS = 1_000;
  static final int MAX_VARY = 64;
  /** Fields a stored response never has: framing and per-connection fields, and cookies (never stored, never replayed). */
  private static final Set<String> NEVER_STORED = Set.of("content-length", "transfer-encoding", "connection",
      "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "set-cookie");

  /** The value is not one this codec wrote for this key. */
  static final class Undecodable extends Exception {
    private static final long serialVersionUID = 1L;

    Undecodable(String message) {
      super(message, null, false, false);
    }
  }

  /** The encoded value would exceed the cap. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private CachedResponseCodec() {}

  /**
   * Encodes a key's variants, giving up as soon as the value would exceed {@code maxBytes}.
   *
   * @throws IllegalArgumentException if a variant holds a field the gateway never stores
   */
  static byte[] encode(String key, List<CachedResponse> variants, int maxBytes) throws TooLarge {
    Out out = new Out(maxBytes);
    out.u8(VERSION);
    out.str(key);
    out.u8(variants.size());
    for (CachedResponse v : variants) {
      out.u16(v.status());
      out.instant(v.requestTime());
      out.instant(v.responseTime());
      HttpHeaders headers = v.headers();
      List<String> fields = new ArrayList<>(headers.size() * 2);
      headers.forEach((name, value) -> {
        if (NEVER_STORED.contains(name.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("variants: header '" + name + "' (expected: none of " + NEVER_STORED + ")");
        }
        fields.add(name);
        fields.add(value);
      });
      if (fields.size() / 2 > MAX_HEADERS || v.varyValues().size() > MAX_VARY) {
        throw new IllegalArgumentException("variants: " + fields.size() / 2 + " headers, " + v.varyValues().size()
            + " vary values (expected: at most " + MAX_HEADERS + " and " + MAX_VARY + ")");
      }
      out.u16(fields.size() / 2);
      for (String field : fields) {
        out.str(field);
      }
      out.u8(v.varyValues().size());
      for (Map.Entry<String, String> e : v.varyValues().entrySet()) {
        out.str(e.getKey());
        out.str(e.getValue());
      }
      ByteBuffer body = v.body();
      out.i32(body.remaining());
      out.bytes(body);
    }
    return out.toByteArray();
  }

  /** Decodes a value written for {@code key}. */
  static List<CachedResponse> decode(String key, byte[] value) throws Undecodable {
    try {
      ByteBuffer in = ByteBuffer.wrap(value);
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new Undecodable("version " + version + " (expected: " + VERSION + ")");
      }
      String storedKey = str(in);
      if (!storedKey.equals(key)) {
        throw new Undecodable("written for another key");
      }
      int count = in.get() & 0xff;
      if (count < 1 || count > ResponseCacheStore.MAX_VARIANTS) {
        throw new Undecodable("variant count " + count + " (expected: 1 to " + ResponseCacheStore.MAX_VARIANTS + ")");
      }
      List<CachedResponse> variants = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        variants.add(variant(in));
      }
      if (in.hasRemaining()) {
        throw new Undecodable(in.remaining() + " bytes after the last variant");
      }
      return List.copyOf(variants);
    } catch (BufferUnderflowException e) {
      throw new Undecodable("truncated");
    }
  }

  private static CachedResponse variant(ByteBuffer in) throws Undecodable {
    int status = in.getShort() & 0xffff;
    Instant requestTime = instant(in);
    Instant responseTime = instant(in);
    int headerCount = in.getShort() & 0xffff;
    if (headerCount > MAX_HEADERS) {
      throw new Undecodable(headerCount + " headers (expected: at most " + MAX_HEADERS + ")");
    }
    HttpHeaders.Builder headers = HttpHeaders.builder();
    for (int i = 0; i < headerCount; i++) {
      String name = str(in);
      String value = str(in);
      if (NEVER_STORED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new Undecodable("a " + name + " header");
      }
      try {
        headers.add(name, value);
      } catch (IllegalArgumentException e) {
        throw new Undecodable("an invalid header");
      }
    }
    int varyCount = in.get() & 0xff;
    if (varyCount > MAX_VARY) {
      throw new Undecodable(varyCount + " vary values (expected: at most " + MAX_VARY + ")");
    }
    Map<String, String> vary = new HashMap<>();
    for (int i = 0; i < varyCount; i++) {
      String name = str(in);
      String value = str(in);
      if (!HttpHeaders.isValidName(name) || !HttpHeaders.isValidValue(value) || vary.put(name, value) != null) {
        throw new Undecodable("an invalid or repeated vary value");
      }
    }
    int bodyLength = length(in);
    byte[] body = new byte[bodyLength];
    in.get(body);
    try {
      return CachedResponse.of(status, headers.build(), body, requestTime, responseTime, vary);
    } catch (IllegalArgumentException e) {
      throw new Undecodable("not a response: " + e.getMessage());
    }
  }

  private static Instant instant(ByteBuffer in) throws Undecodable {
    long seconds = in.getLong();
    int nanos = in.getInt();
    if (nanos < 0 || nanos > 999_999_999) {
      throw new Undecodable("nanos " + nanos);
    }
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (DateTimeException e) {
      throw new Undecodable("an instant out of range");
    }
  }

  /** A length, checked against what is left before anything is allocated for it. */
  private static int length(ByteBuffer in) throws Undecodable {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new Undecodable("length " + length + " with " + in.remaining() + " bytes left");
    }
    return length;
  }

  private static String str(ByteBuffer in) throws Undecodable {
    int length = length(in);
    ByteBuffer bytes = in.slice(in.position(), length);
    in.position(in.position() + length);
    CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = strict.decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new Undecodable("malformed UTF-8");
    }
  }

  /** A growing buffer that refuses to grow past a cap. */
  private static final class Out {
    private final int max;
    private byte[] buf = new byte[256];
    private int size;

    Out(int max) {
      this.max = max;
    }

    private void ensure(int more) throws TooLarge {
      long needed = (long) size + more;
      if (needed > max) {
        throw new TooLarge("over " + max + " bytes");
      }
      if (needed > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(max, Math.max(needed, 2L * buf.length)));
      }
    }

    void u8(int v) throws TooLarge {
      ensure(1);
      buf[size++] = (byte) v;
    }

    void u16(int v) throws TooLarge {
      ensure(2);
      buf[size++] = (byte) (v >>> 8);
      buf[size++] = (byte) v;
    }

    void i32(int v) throws TooLarge {
      ensure(4);
      for (int shift = 24; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    void i64(long v) throws TooLarge {
      ensure(8);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buf[size++] = (byte) (v >>> shift);
      }
    }

    void instant(Instant t) throws TooLarge {
      i64(t.getEpochSecond());
      i32(t.getNano());
    }

    void str(String s) throws TooLarge {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      i32(utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buf, size, utf8.length);
      size += utf8.length;
    }

    void bytes(ByteBuffer b) throws TooLarge {
      int n = b.remaining();
      ensure(n);
      b.get(buf, size, n);
      size += n;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
