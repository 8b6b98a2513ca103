package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.UpstreamServer;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.transform.Compression;
import io.gatehouse.transform.JsonTransform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Response compression over real sockets on every mount: the Accept-Encoding family, what is never
 * compressed (event streams, compressed types, an upstream's own coding, HEAD, 204, 304, 206,
 * no-transform, small bodies), the headers of a compressed answer, and a body that streams.
 */
class CompressionOverSocketsTest {
  private static final String BIG = "{\"items\":[" + "{\"sku\":\"abcdef\",\"qty\":1},".repeat(200) + "{}]}";
  private static UpstreamServer upstream;
  private static Gateway gateway;
  private static Map<Mount, Mount.Running> running;

  @BeforeAll
  static void start() {
    upstream = UpstreamServer.start().respondWith(req -> switch (req.path()) {
      case "/json" -> answer(200, "application/json; charset=utf-8", BIG, "ETag", "\"v1\"", "Vary", "Origin");
      case "/small" -> answer(200, "application/json", "{\"a\":1}");
      case "/text" -> answer(200, "text/html", BIG);
      case "/problem" -> answer(200, "application/problem+json", BIG);
      case "/sse" -> answer(200, "text/event-stream", "data: " + BIG + "\n\n");
      case "/png" -> answer(200, "image/png", BIG);
      case "/none" -> answer(200, "", BIG);
      case "/encoded" -> answer(200, "application/json", BIG, "Content-Encoding", "br");
      case "/identity" -> answer(200, "application/json", BIG, "Content-Encoding", "identity");
      case "/no-transform" -> answer(200, "application/json", BIG, "Cache-Control", "public, no-transform");
      case "/vary-star" -> answer(200, "application/json", BIG, "Vary", "*");
      case "/weak" -> answer(200, "application/json", BIG, "ETag", "W/\"v2\"");
      case "/204" -> Response.builder(204).header("Content-Type", "application/json").build();
      case "/304" -> Response.builder(304).header("Content-Type", "application/json").header("ETag", "\"v1\"").build();
      case "/206" -> answer(206, "application/json", BIG.substring(0, 2000), "Content-Range", "bytes 0-1999/5000");
      default -> answer(404, "text/plain", "no");
    });
    gateway = Gateway.builder().accessLog(false)
        .route("c", r -> r.path("/**").compression(Compression.gzip().minSize(1024)).upstream(upstream.url()))
        .build();
    running = Mount.startAll(gateway);
  }

  @AfterAll
  static void stop() {
    Mount.stopAll(running);
    gateway.close();
    upstream.close();
  }

  private static Response answer(int status, String type, String body, String... headers) {
    Response.Builder b = Response.builder(status).body(Body.of(body));
    if (!type.isEmpty()) {
      b.header("Content-Type", type);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  static byte[] gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest(name = "{0} {1} [{2}] -> gzip {3}, vary {4}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "GET  | /json         | gzip                     | true  | Origin, Accept-Encoding",
      "GET  | /json         | gzip;q=0.5, br           | true  | Origin, Accept-Encoding",
      "GET  | /json         | *                        | true  | Origin, Accept-Encoding",
      "GET  | /json         | x-gzip                   | true  | Origin, Accept-Encoding",
      "GET  | /json         | NONE                     | false | Origin, Accept-Encoding",
      "GET  | /json         | gzip;q=0                 | false | Origin, Accept-Encoding",
      "GET  | /json         | *;q=0, identity          | false | Origin, Accept-Encoding",
      "GET  | /json         | br, deflate              | false | Origin, Accept-Encoding",
      "GET  | /json         | identity;q=0             | false | Origin, Accept-Encoding",
      "GET  | /small        | gzip                     | false | Accept-Encoding",
      "GET  | /small        | gzip, identity;q=0       | true  | Accept-Encoding",
      "GET  | /text         | gzip                     | true  | Accept-Encoding",
      "GET  | /problem      | gzip                     | true  | Accept-Encoding",
      "GET  | /weak         | gzip                     | true  | Accept-Encoding",
      "GET  | /identity     | gzip                     | true  | Accept-Encoding",
      "GET  | /sse          | gzip                     | false | NONE",
      "GET  | /png          | gzip                     | false | NONE",
      "GET  | /none         | gzip                     | false | NONE",
      "GET  | /encoded      | gzip                     | false | NONE",
      "GET  | /no-transform | gzip                     | false | NONE",
      "GET  | /vary-star    | gzip                     | true  | *",
      "HEAD | /json         | gzip                     | false | Origin, Accept-Encoding",
      "GET  | /204          | gzip                     | false | NONE",
      "GET  | /304          | gzip                     | false | NONE",
      "GET  | /206          | gzip                     | false | NONE"})
  void compresses_exactly_what_the_client_accepts_and_may_be_compressed(String method, String path, String accept,
      boolean gzipped, String vary) throws Exception {
    for (Mount mount : Mount.values()) {
      try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
        client.send(method + " " + mount.target(path) + " HTTP/1.1\r\nHost: gw\r\n"
            + (accept == null ? "" : "Accept-Encoding: " + accept + "\r\n") + "\r\n");
        RawHttp.Head head = client.readHead();
        byte[] body = method.equals("HEAD") || head.status() == 204 || head.status() == 304 ? new byte[0]
            : client.readBody(head);
        String as = mount + " " + head;

        assertThat(head.first("Content-Encoding").isPresent()).as(as).isEqualTo(gzipped
            || path.equals("/encoded"));
        assertThat(head.first("Vary").orElse(null) == null ? null : String.join(", ", head.all("Vary"))).as(as)
            .isEqualTo(vary);
        if (gzipped) {
          assertThat(head.first("Content-Encoding")).as(as).hasValue("gzip");
          assertThat(head.isChunked()).as(as).isTrue();
          assertThat(head.has("Content-Length")).as(as).isFalse();
          byte[] plain = gunzip(body);
          if (!path.equals("/small")) {
            assertThat(plain.length).as(as).isGreaterThan(body.length * 5);
          }
          assertThat(new String(plain, StandardCharsets.UTF_8)).as(as)
              .isEqualTo(path.equals("/small") ? "{\"a\":1}" : BIG);
          if (path.equals("/weak")) {
            assertThat(head.all("ETag")).as(as).containsExactly("W/\"v2\"");
          }
        } else if (method.equals("GET") && head.status() == 200 && !path.equals("/encoded")) {
          assertThat(new String(body, StandardCharsets.UTF_8)).as(as).contains(path.equals("/small") ? "{\"a\":1}" : BIG);
        }
        if (path.equals("/json")) {
          assertThat(head.all("ETag")).as(as).containsExactly(gzipped ? "W/\"v1\"" : "\"v1\"");
        }
      }
    }
  }

  @Test
  void a_compressed_body_streams_chunk_by_chunk_while_the_upstream_is_still_sending() throws Exception {
    CountDownLatch firstRead = new CountDownLatch(1);
    try (RawUpstream slow = RawUpstream.start(c -> {
      c.readHead();
      c.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
      String first = "{\"n\":1}\n";
      c.write(Integer.toHexString(first.length()) + "\r\n" + first + "\r\n");
      try {
        firstRead.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String second = "{\"n\":2}\n";
      c.write(Integer.toHexString(second.length()) + "\r\n" + second + "\r\n0\r\n\r\n");
    })) {
      Gateway streaming = Gateway.builder().accessLog(false)
          .route("s", r -> r.path("/**").compression(Compression.gzip()).upstream(slow.url()))
          .build();
      try (streaming; Mount.Running run = Mount.STANDALONE.start(streaming);
          RawHttp client = RawHttp.connect(run.port())) {
        client.send("GET /feed HTTP/1.1\r\nHost: gw\r\nAccept-Encoding: gzip\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.first("Content-Encoding")).hasValue("gzip");

        // The first chunk: the gzip header and the first line, flushed, before the upstream sends more.
        int size = Integer.parseInt(readLine(client), 16);
        byte[] chunk = client.readExactly(size);
        readLine(client);
        Inflater inflater = new Inflater(true);
        inflater.setInput(chunk, 10, chunk.length - 10);
        byte[] out = new byte[64];
        int n = inflater.inflate(out);
        inflater.end();
        assertThat(new String(out, 0, n, StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}\n");
        firstRead.countDown();

        java.io.ByteArrayOutputStream rest = new java.io.ByteArrayOutputStream();
        rest.writeBytes(chunk);
        for (int s = Integer.parseInt(readLine(client), 16); s > 0; s = Integer.parseInt(readLine(client), 16)) {
          rest.writeBytes(client.readExactly(s));
          readLine(client);
        }
        assertThat(new String(gunzip(rest.toByteArray()), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}\n{\"n\":2}\n");
      }
    }
  }

  private static String readLine(RawHttp client) throws IOException {
    StringBuilder line = new StringBuilder();
    byte[] one = new byte[1];
    while (client.read(one) == 1 && one[0] != '\n') {
      if (one[0] != '\r') {
        line.append((char) one[0]);
      }
    }
    return line.toString();
  }

  @Test
  void a_transformed_response_is_compressed_after_the_transformation() throws Exception {
    Gateway both = Gateway.builder().accessLog(false)
        .route("t", r -> r.path("/**").compression(Compression.gzip().minSize(0))
            .transformResponse(JsonTransform.of().keepOnly("/items/0")).upstream(upstream.url()))
        .build();
    try (both; Mount.Running run = Mount.STANDALONE.start(both); RawHttp client = RawHttp.connect(run.port())) {
      client.send("GET /json HTTP/1.1\r\nHost: gw\r\nAccept-Encoding: gzip\r\n\r\n");
      RawHttp.Head head = client.readHead();
      byte[] body = client.readBody(head);

      assertThat(head.first("Content-Encoding")).hasValue("gzip");
      assertThat(head.has("ETag")).isFalse();
      assertThat(new String(gunzip(body), StandardCharsets.UTF_8)).isEqualTo("{\"items\":[{\"sku\":\"abcdef\",\"qty\":1}]}");
    }
  }
}
