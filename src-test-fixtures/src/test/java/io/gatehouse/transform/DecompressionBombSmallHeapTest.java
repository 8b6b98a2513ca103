package io.gatehouse.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.testing.UpstreamServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decompression bombs in a 128 MiB heap (this class runs in the small-heap execution of this
 * module's pom): a JSON body of about 1 MiB that inflates to 1 GiB, sent by a client and by an
 * upstream, is stopped at the ratio cap and at the absolute cap, with 413 and 502. Inflated whole,
 * it would not fit in this heap eight times over.
 */
class DecompressionBombSmallHeapTest {
  private static final long GIB = 1L << 30;
  private static byte[] bomb;
  private static UpstreamServer upstream;

  @BeforeAll
  static void makeTheBomb() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream(2 << 20);
    try (GZIPOutputStream out = new GZIPOutputStream(gz, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      out.write("{\"pad\":\"".getBytes(StandardCharsets.UTF_8));
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (long written = 0; written < GIB; written += spaces.length) {
        out.write(spaces);
      }
      out.write("\"}".getBytes(StandardCharsets.UTF_8));
    }
    bomb = gz.toByteArray();
    upstream = UpstreamServer.start().respond(Response.builder(200).header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").body(Body.of(bomb)).build());
  }

  @AfterAll
  static void close() {
    upstream.close();
  }

  private static Response send(Gateway gateway, Request request) throws Exception {
    try (gateway) {
      return gateway.handle(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static Request post() {
    return Request.builder("POST", "/x").header("Host", "gw").header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip").body(Body.of(bomb)).build();
  }

  @Test
  void the_bomb_is_small_and_the_heap_is_smaller_than_what_it_inflates_to() {
    assertThat(bomb.length).isLessThan(4 << 20);
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(GIB / 4);
  }

  @Test
  void a_client_bomb_is_stopped_at_the_ratio_with_413() throws Exception {
    Response r = send(Gateway.builder().accessLog(false).route("x", rt -> rt.path("/x")
        .transformRequest(JsonTransform.of().remove("/pad").maxBodyBytes(GIB * 2)).upstream(upstream.url())).build(),
        post());

    assertThat(r.status()).isEqualTo(413);
    assertThat(new String(r.body().bytes(1 << 16).toCompletableFuture().get(), StandardCharsets.UTF_8))
        .contains("decompresses more than 100 times");
  }

  @Test
  void a_client_bomb_is_stopped_at_the_absolute_cap_with_413_when_the_ratio_would_let_it_through() throws Exception {
    Response r = send(Gateway.builder().accessLog(false).route("x", rt -> rt.path("/x")
        .transformRequest(JsonTransform.of().remove("/pad").maxBodyBytes(16 << 20).maxCompressionRatio(1 << 20)
            .passThroughOversize()).upstream(upstream.url())).build(),
        post());

    // Past the absolute cap a pass-through route sends the compressed bytes on untouched.
    assertThat(r.status()).isEqualTo(200);
    assertThat(upstream.received().get(upstream.received().size() - 1).body()).isEqualTo(bomb);

    Response refused = send(Gateway.builder().accessLog(false).route("x", rt -> rt.path("/x")
        .transformRequest(JsonTransform.of().remove("/pad").maxBodyBytes(16 << 20).maxCompressionRatio(1 << 20))
        .upstream(upstream.url())).build(), post());
    assertThat(refused.status()).isEqualTo(413);
    assertThat(new String(refused.body().bytes(1 << 16).toCompletableFuture().get(), StandardCharsets.UTF_8))
        .contains("decompresses to more than 16777216 bytes");
  }

  @Test
  void an_upstream_bomb_becomes_502() throws Exception {
    Response r = send(Gateway.builder().accessLog(false).route("x", rt -> rt.path("/x")
        .transformResponse(JsonTransform.of().remove("/pad").maxBodyBytes(GIB * 2)).upstream(upstream.url())).build(),
        Request.builder("GET", "/x").header("Host", "gw").build());

    assertThat(r.status()).isEqualTo(502);
    assertThat(new String(r.body().bytes(1 << 16).toCompletableFuture().get(), StandardCharsets.UTF_8))
        .contains("decompresses more than 100 times");
  }
}
