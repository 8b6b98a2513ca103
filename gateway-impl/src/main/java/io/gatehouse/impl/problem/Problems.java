package io.gatehouse.impl.problem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders every response the gateway makes by itself (in the compiler and in the adapters) as RFC
 * 9457 problem details: {@code type}, {@code title}, {@code status}, {@code detail} and
 * {@code requestId}, with the request id also in {@code X-Request-Id}.
 *
 * <p>{@code Problems.response(404, "Not Found", "no route matches GET /x", requestId)}
 */
public final class Problems {
  /** The media type of problem details. */
  public static final String CONTENT_TYPE = "application/problem+json";
  /** Every problem type is this prefix and a slug of the title. */
  public static final String TYPE_PREFIX = "urn:gatehouse:problem:";
  private static final JsonFactory JSON = new JsonFactory();

  private Problems() {}

  /**
   * A problem response. The type is derived from the title ({@code Bad Gateway} becomes
   * {@code urn:gatehouse:problem:bad-gateway}).
   *
   * @param status 400 to 599
   * @param title the fixed summary of the problem type, such as {@code Bad Gateway}
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request id
   * @return the response, with an in-memory body
   */
  public static Response response(int status, String title, String detail, String requestId) {
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

  /**
   * A problem response after which the adapter closes the connection without reading on: for
   * requests whose framing, head or unread body the gateway cannot trust.
   *
   * @param status 400 to 599
   * @param title the fixed summary of the problem type
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request id
   * @return the response, with {@code Connection: close}
   */
  public static Response closing(int status, String title, String detail, String requestId) {
    Response problem = response(status, title, detail, requestId);
    return problem.toBuilder().headers(problem.headers().toBuilder().set("Connection", "close").build()).build();
  }

  /** {@code Bad Gateway} becomes {@code urn:gatehouse:problem:bad-gateway}; no regex, as 404s are frequent. */
  private static String type(String title) {
    StringBuilder slug = new StringBuilder(TYPE_PREFIX.length() + title.length()).append(TYPE_PREFIX);
    boolean dash = false;
    for (int i = 0; i < title.length(); i++) {
      char c = Character.toLowerCase(title.charAt(i));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (dash && slug.length() > TYPE_PREFIX.length()) {
          slug.append('-');
        }
        slug.append(c);
        dash = false;
      } else {
        dash = true;
      }
    }
    if (dash && slug.length() > TYPE_PREFIX.length()) {
      slug.append('-');
    }
    return slug.toString();
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
