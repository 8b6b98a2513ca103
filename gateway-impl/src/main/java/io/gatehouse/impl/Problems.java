package io.gatehouse.impl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** Renders the gateway's own responses as RFC 9457 problem details. */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  static final String TYPE_PREFIX = "urn:gatehouse:problem:";
  private static final JsonFactory JSON = new JsonFactory();

  private Problems() {}

  /**
   * A problem response. The type is derived from the title ({@code Bad Gateway} becomes
   * {@code urn:gatehouse:problem:bad-gateway}).
   */
  static Response response(int status, String title, String detail, String requestId) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
    }
    byte[] json = render(status, title, detail, requestId);
    HttpHeaders headers = HttpHeaders.builder()
        .add("Content-Type", CONTENT_TYPE)
        .add("Cache-Control", "no-store")
        .add(RequestIds.HEADER, requestId)
        .build();
    return Response.builder(status).headers(headers).body(Body.of(json)).build();
  }

  static String type(String title) {
    return TYPE_PREFIX + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }

  private static byte[] render(int status, String title, String detail, String requestId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", type(title));
      g.writeStringField("title", title);
      g.writeNumberField("status", status);
      g.writeStringField("detail", detail);
      g.writeStringField("requestId", requestId);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
