package io.gatehouse.undertow.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A strict decoder of the chunked transfer coding (RFC 9112 §7.1), for request bodies. Undertow's
 * own reader is lenient where leniency lets a front proxy and the gateway disagree on where a
 * request ends: it reads {@code -1} or {@code +5} as a last chunk, and skips whatever follows a
 * chunk's data up to the next LF (a whole request line, say). This one accepts only
 * {@code 1*HEXDIG [ BWS ";" ext ] CRLF}, exactly the chunk's bytes, then CRLF, and well-formed
 * trailer lines, under caps on line lengths; anything else is a {@link MalformedChunkException}.
 *
 * <pre>{@code
 * ChunkedDecoder decoder = new ChunkedDecoder();
 * boolean ended = decoder.decode(raw, body);  // raw keeps whatever follows the message
 * }</pre>
 *
 * <p>Not thread-safe: one decoder per request, used on its I/O thread.
 */
final class ChunkedDecoder {
  /** The longest chunk-size line, extensions included, and the longest trailer line. */
  static final int MAX_LINE = 4096;
  /** The most bytes of all trailer lines together. */
  static final int MAX_TRAILERS = 16 * 1024;
  /** A chunk size above this (2^60 - 1) is refused rather than risk overflow. */
  static final long MAX_CHUNK = (1L << 60) - 1;

  private enum State { SIZE, SIZE_BWS, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER_NAME,
    TRAILER_VALUE, TRAILER_LF, END_LF, DONE }

  private State state = State.SIZE;
  private long size;
  private int digits;
  private int lineLength;
  private int trailerBytes;
  private long remaining;

  /** Thrown for a body whose chunked framing is not exact. */
  static final class MalformedChunkException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedChunkException(String message) {
      super(message);
    }
  }

  /** Whether the whole message, trailers included, has been read. */
  boolean finished() {
    return state == State.DONE;
  }

  /**
   * Decodes what {@code in} holds into {@code out}, as far as both allow. Stops right after the
   * message's last byte, leaving what follows it in {@code in}.
   *
   * @return true once the message has ended
   * @throws MalformedChunkException at the first byte that breaks the framing
   */
  boolean decode(ByteBuffer in, ByteBuffer out) throws MalformedChunkException {
    while (state != State.DONE && in.hasRemaining()) {
      if (state == State.DATA) {
        if (!out.hasRemaining()) {
          return false;
        }
        int n = (int) Math.min(remaining, Math.min(in.remaining(), out.remaining()));
        int limit = in.limit();
        in.limit(in.position() + n);
        out.put(in);
        in.limit(limit);
        remaining -= n;
        if (remaining == 0) {
          state = State.DATA_CR;
        }
        continue;
      }
      step(in.get());
    }
    return state == State.DONE;
  }

  private void step(byte b) throws MalformedChunkException {
    switch (state) {
      case SIZE -> {
        line();
        int digit = Character.digit(b, 16);
        if (digit >= 0 && b < 0x80) {
          if (size > (MAX_CHUNK >> 4)) {
            throw malformed("chunk size too large");
          }
          size = (size << 4) | digit;
          digits++;
        } else if (digits == 0) {
          throw malformed("chunk size expected");
        } else if (b == ';') {
          state = State.EXTENSION;
        } else if (b == ' ' || b == '\t') {
          state = State.SIZE_BWS;
        } else if (b == '\r') {
          state = State.SIZE_LF;
        } else {
          throw malformed("invalid byte in chunk size");
        }
      }
      case SIZE_BWS -> {
        line();
        if (b == ';') {
          state = State.EXTENSION;
        } else if (b != ' ' && b != '\t') {
          throw malformed("whitespace after a chunk size not followed by an extension");
        }
      }
      case EXTENSION -> {
        line();
        if (b == '\r') {
          state = State.SIZE_LF;
        } else if (isControl(b)) {
          throw malformed("control byte in a chunk extension");
        }
      }
      case SIZE_LF -> {
        expect(b, '\n', "CRLF after a chunk size");
        lineLength = 0;
        if (size == 0) {
          state = State.TRAILER_START;
        } else {
          remaining = size;
          state = State.DATA;
        }
      }
      case DATA_CR -> {
        expect(b, '\r', "CRLF after chunk data");
        state = State.DATA_LF;
      }
      case DATA_LF -> {
        expect(b, '\n', "CRLF after chunk data");
        size = 0;
        digits = 0;
        state = State.SIZE;
      }
      case TRAILER_START -> {
        trailer();
        if (b == '\r') {
          state = State.END_LF;
        } else if (isTokenChar(b)) {
          state = State.TRAILER_NAME;
        } else {
          throw malformed("invalid trailer field name");
        }
      }
      case TRAILER_NAME -> {
        trailer();
        if (b == ':') {
          state = State.TRAILER_VALUE;
        } else if (!isTokenChar(b)) {
          throw malformed("invalid trailer field name");
        }
      }
      case TRAILER_VALUE -> {
        trailer();
        if (b == '\r') {
          state = State.TRAILER_LF;
        } else if (isControl(b)) {
          throw malformed("control byte in a trailer field");
        }
      }
      case TRAILER_LF -> {
        expect(b, '\n', "CRLF after a trailer field");
        lineLength = 0;
        state = State.TRAILER_START;
      }
      case END_LF -> {
        expect(b, '\n', "CRLF at the end of the chunked body");
        state = State.DONE;
      }
      default -> throw new IllegalStateException("decoding in state " + state);
    }
  }

  private void line() throws MalformedChunkException {
    if (++lineLength > MAX_LINE) {
      throw malformed("chunk size line longer than " + MAX_LINE + " bytes");
    }
  }

  private void trailer() throws MalformedChunkException {
    line();
    if (++trailerBytes > MAX_TRAILERS) {
      throw malformed("trailers longer than " + MAX_TRAILERS + " bytes");
    }
  }

  private static void expect(byte b, char wanted, String what) throws MalformedChunkException {
    if (b != wanted) {
      throw malformed(what + " expected");
    }
  }

  /** CTLs but HTAB, and DEL (RFC 9110 §5.5). */
  private static boolean isControl(byte b) {
    return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7f;
  }

  /** tchar (RFC 9110 §5.6.2). */
  private static boolean isTokenChar(byte b) {
    if (b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
  }

  private static MalformedChunkException malformed(String why) {
    return new MalformedChunkException("request body: malformed chunked encoding: " + why);
  }
}
