package io.gatehouse.undertow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {
  private static final String NEXT = "GET /next HTTP/1.1\r\n\r\n";

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Decodes all of {@code wire} in one go; returns the body, and leaves {@code rest} what followed. */
  private static String decode(String wire, StringBuilder rest) throws ChunkedDecoder.MalformedChunkException {
    ChunkedDecoder decoder = new ChunkedDecoder();
    ByteBuffer in = bytes(wire);
    ByteBuffer out = ByteBuffer.allocate(wire.length());
    boolean ended = decoder.decode(in, out);
    assertThat(ended).as("ended").isTrue();
    assertThat(decoder.finished()).isTrue();
    rest.append(StandardCharsets.ISO_8859_1.decode(in));
    out.flip();
    return StandardCharsets.ISO_8859_1.decode(out).toString();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "5\\r\\nhello\\r\\n0\\r\\n\\r\\n                          | hello",
      "5\\r\\nhello\\r\\n0000\\r\\n\\r\\n                       | hello",
      "005\\r\\nhello\\r\\n0\\r\\n\\r\\n                        | hello",
      "A\\r\\n0123456789\\r\\n0\\r\\n\\r\\n                     | 0123456789",
      "a\\r\\n0123456789\\r\\n0\\r\\n\\r\\n                     | 0123456789",
      "2\\r\\nhe\\r\\n3\\r\\nllo\\r\\n0\\r\\n\\r\\n             | hello",
      "5;a=b\\r\\nhello\\r\\n0\\r\\n\\r\\n                      | hello",
      "5 ;a=b\\r\\nhello\\r\\n0\\r\\n\\r\\n                     | hello",
      "5\\t;a=\"q; r\"\\r\\nhello\\r\\n0;x\\r\\n\\r\\n           | hello",
      "5\\r\\nhello\\r\\n0\\r\\nX-T: 1\\r\\nY: two words\\r\\n\\r\\n | hello",
      "5\\r\\nhello\\r\\n0\\r\\nX-T:\\r\\n\\r\\n                | hello",
      "0\\r\\n\\r\\n                                          | ''",
      "5;a=\\tb~\\r\\nhello\\r\\n0\\r\\n\\r\\n                   | hello",
      "5;\\u00e9\\u00ff\\u0080\\r\\nhello\\r\\n0\\r\\n\\r\\n        | hello",
      "5\\r\\nhello\\r\\n0\\r\\n0:\\t1 ~\\u00e9\\r\\n9:\\r\\na:\\r\\nz:\\r\\nA:\\r\\nZ:\\r\\n`~!#$%&*+-.^_:\\r\\n\\r\\n | hello",
      "F\\r\\n0123456789abcde\\r\\nf\\r\\n0123456789abcde\\r\\n0\\r\\n\\r\\n | 0123456789abcde0123456789abcde",
      "10\\r\\n0123456789abcdef\\r\\n0\\r\\n\\r\\n           | 0123456789abcdef",
      "5\\r\\n\\r\\n\\r\\n\\r\\r\\n0\\r\\n\\r\\n                 | '\\r\\n\\r\\n\\r'",
  })
  void decodes_valid_chunked_bodies_and_stops_at_their_end(String wire, String body) throws Exception {
    StringBuilder rest = new StringBuilder();
    String unescaped = unescape(wire);

    assertThat(decode(unescaped + NEXT, rest)).isEqualTo(unescape(body));
    assertThat(rest.toString()).isEqualTo(NEXT);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "-1\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "+5\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "0x5\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      " 5\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5 \\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5 x\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "g\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      ";x\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5\\nhello\\r\\n0\\r\\n\\r\\n",
      "5\\rhello\\r\\n0\\r\\n\\r\\n",
      "5\\r\\nhelloX\\r\\n0\\r\\n\\r\\n",
      "5\\r\\nhello\\n0\\r\\n\\r\\n",
      "5\\r\\nhello\\r0\\r\\n\\r\\n",
      "5\\r\\nhelloGET / HTTP/1.1\\r\\n0\\r\\n\\r\\n",
      "5\\r\\nhell\\r\\n0\\r\\n\\r\\n",
      "5;a\\u0000b\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5;a\\nb\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX T: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX-T: a\\u0001b\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX-T: 1\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n\\n",
      "5\\r\\nhello\\r\\n0\\r\\n\\rX",
      "5\\r\\nhello\\r\\n0\\n\\r\\n",
      "1000000000000000\\r\\nhello\\r\\n",
      "ffffffffffffffffff\\r\\nhello\\r\\n",
      "\\u00e5\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5;a\\u007fb\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5;a\\u001fb\\r\\nhello\\r\\n0\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX: a\\u007f\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX: \\u0000\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n@: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n[: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n{: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n/: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX@: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX[: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX{: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\nX/: 1\\r\\n\\r\\n",
      "5\\r\\nhello\\r\\n0\\r\\n\\u00e9: 1\\r\\n\\r\\n",
      "\\u0661\\r\\nhello\\r\\n0\\r\\n\\r\\n",
  })
  void refuses_every_deviation_from_the_grammar(String wire) {
    ChunkedDecoder decoder = new ChunkedDecoder();
    String unescaped = unescape(wire);
    ByteBuffer in = ByteBuffer.wrap(unescaped.getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> decoder.decode(in, ByteBuffer.allocate(1 << 16)))
        .isInstanceOf(ChunkedDecoder.MalformedChunkException.class)
        .hasMessageStartingWith("request body: malformed chunked encoding: ");
  }

  @Test
  void accepts_the_largest_chunk_size_and_refuses_one_more_digit() throws Exception {
    ChunkedDecoder ok = new ChunkedDecoder();
    assertThat(ok.decode(bytes("fffffffffffffff\r\n"), ByteBuffer.allocate(0))).isFalse();
    assertThat(ok.finished()).isFalse();

    assertThatThrownBy(() -> new ChunkedDecoder().decode(bytes("1000000000000000\r\n"), ByteBuffer.allocate(0)))
        .hasMessageContaining("chunk size too large");
  }

  @Test
  void caps_the_size_line_and_the_trailers() throws Exception {
    String longest = "5;" + "x".repeat(ChunkedDecoder.MAX_LINE - 3) + "\r\n"; // MAX_LINE bytes up to the CR
    assertThat(new ChunkedDecoder().decode(bytes(longest), ByteBuffer.allocate(0))).isFalse();
    assertThatThrownBy(() -> new ChunkedDecoder().decode(bytes("5;x" + longest.substring(2)), ByteBuffer.allocate(0)))
        .hasMessageContaining("longer than");

    StringBuilder trailers = new StringBuilder("0\r\n");
    while (trailers.length() < ChunkedDecoder.MAX_TRAILERS + 100) {
      trailers.append("X-T: ").append("v".repeat(100)).append("\r\n");
    }
    assertThatThrownBy(() -> new ChunkedDecoder().decode(bytes(trailers + "\r\n"), ByteBuffer.allocate(0)))
        .hasMessageContaining("trailers longer than");
  }

  /** Each refusal says which rule the byte broke. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "-1\\r\\n                      | chunk size expected",
      "5x\\r\\n                      | invalid byte in chunk size",
      "5 x\\r\\n                     | whitespace after a chunk size not followed by an extension",
      "5;\\u0001\\r\\n               | control byte in a chunk extension",
      "5\\rx                         | CRLF after a chunk size expected",
      "1\\r\\naX                     | CRLF after chunk data expected",
      "1\\r\\na\\rX                  | CRLF after chunk data expected",
      "0\\r\\n:                      | invalid trailer field name",
      "0\\r\\nX :                    | invalid trailer field name",
      "0\\r\\nX:\\u0001               | control byte in a trailer field",
      "0\\r\\nX:1\\rX                | CRLF after a trailer field expected",
      "0\\r\\n\\rX                   | CRLF at the end of the chunked body expected",
  })
  void each_refusal_names_its_rule(String wire, String rule) {
    ByteBuffer in = ByteBuffer.wrap(unescape(wire).getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> new ChunkedDecoder().decode(in, ByteBuffer.allocate(64)))
        .hasMessage("request body: malformed chunked encoding: " + rule);
  }

  @Test
  void caps_the_trailers_at_exactly_their_limit() throws Exception {
    // Counted: every trailer byte up to each line's CR, and the CR of the empty line that ends them.
    String line = "X:" + "v".repeat(ChunkedDecoder.MAX_LINE - 4) + "\r\n"; // MAX_LINE - 1 bytes counted
    String four = line.repeat(4);
    int counted = 4 * (ChunkedDecoder.MAX_LINE - 1) + 1;
    String filler = "Y:" + "w".repeat(ChunkedDecoder.MAX_TRAILERS - counted - 3) + "\r\n";
    String exact = "0\r\n" + four + filler + "\r\n";

    assertThat(new ChunkedDecoder().decode(bytes(exact), ByteBuffer.allocate(0))).isTrue();
    assertThatThrownBy(() -> new ChunkedDecoder().decode(bytes("0\r\n" + four + "Y:w" + filler.substring(2) + "\r\n"),
        ByteBuffer.allocate(0)))
        .hasMessage("request body: malformed chunked encoding: trailers longer than " + ChunkedDecoder.MAX_TRAILERS + " bytes");
  }

  @Test
  void whitespace_before_an_extension_counts_toward_the_line_cap() {
    String wire = "5" + " ".repeat(ChunkedDecoder.MAX_LINE - 1) + ";x\r\n";

    assertThatThrownBy(() -> new ChunkedDecoder().decode(bytes(wire), ByteBuffer.allocate(0)))
        .hasMessage("request body: malformed chunked encoding: chunk size line longer than " + ChunkedDecoder.MAX_LINE + " bytes");
  }

  @Test
  void a_trailer_line_is_capped_like_a_size_line() throws Exception {
    String longest = "0\r\nX:" + "v".repeat(ChunkedDecoder.MAX_LINE - 3) + "\r\n\r\n";
    assertThat(new ChunkedDecoder().decode(bytes(longest), ByteBuffer.allocate(0))).isTrue();
    assertThatThrownBy(() -> new ChunkedDecoder().decode(bytes(longest.replace("X:", "X:v")), ByteBuffer.allocate(0)))
        .hasMessage("request body: malformed chunked encoding: chunk size line longer than " + ChunkedDecoder.MAX_LINE + " bytes");
  }

  @Test
  void the_line_cap_starts_again_on_each_line() throws Exception {
    String ext = ";" + "x".repeat(ChunkedDecoder.MAX_LINE - 3);
    String wire = "1" + ext + "\r\na\r\n1" + ext + "\r\nb\r\n0" + ext + "\r\n"
        + ("X:" + "v".repeat(ChunkedDecoder.MAX_LINE - 3) + "\r\n").repeat(2) + "\r\n";
    ByteBuffer out = ByteBuffer.allocate(2);

    assertThat(new ChunkedDecoder().decode(bytes(wire), out)).isTrue();
    assertThat(new String(out.array(), StandardCharsets.ISO_8859_1)).isEqualTo("ab");
  }

  @Test
  void decodes_the_same_byte_by_byte_and_into_a_small_buffer() throws Exception {
    String wire = "3\r\nabc\r\n10;e=1\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\n" + NEXT;
    ChunkedDecoder decoder = new ChunkedDecoder();
    StringBuilder body = new StringBuilder();
    ByteBuffer out = ByteBuffer.allocate(2);
    int i = 0;
    boolean ended = false;
    while (!ended) {
      ByteBuffer in = bytes(wire.substring(i, i + 1));
      while (in.hasRemaining() && !ended) {
        ended = decoder.decode(in, out);
        out.flip();
        body.append(StandardCharsets.ISO_8859_1.decode(out));
        out.clear();
      }
      i++;
    }
    assertThat(body.toString()).isEqualTo("abc0123456789abcdef");
    assertThat(wire.substring(i)).isEqualTo(NEXT);
  }

  @Test
  void waits_for_room_in_the_output_without_consuming_chunk_data() throws Exception {
    ChunkedDecoder decoder = new ChunkedDecoder();
    ByteBuffer in = bytes("5\r\nhello\r\n0\r\n\r\n");

    assertThat(decoder.decode(in, ByteBuffer.allocate(0))).isFalse();
    assertThat(in.position()).isEqualTo(3);
    ByteBuffer out = ByteBuffer.allocate(5);
    assertThat(decoder.decode(in, out)).isTrue();
    assertThat(in.hasRemaining()).isFalse();
    assertThat(new String(out.array(), StandardCharsets.ISO_8859_1)).isEqualTo("hello");
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'r' -> sb.append('\r');
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> sb.append('\\').append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
