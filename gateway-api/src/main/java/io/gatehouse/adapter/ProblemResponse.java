package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's one error format, RFC 9457 problem details, for the responses an adapter makes by
 * itself: {@code {"type":..,"title":..,"status":..,"detail":..,"requestId":..}} as
 * {@code application/problem+json}, with {@code Cache-Control: no-store} and the request id also
 * in {@link RequestId#HEADER X-Request-Id}. The gateway renders its own problems the same way.
 *
 * <pre>{@code
 * String id = RequestId.of(request.headers());
 * Response notHere = ProblemResponse.of(404, "There is nothing here.", id);
 * Response badFraming = ProblemResponse.closing(400, "The request's framing is ambiguous.", id);
 * Response busy = ProblemResponse.retryAfter(ProblemResponse.of(503, "Try again soon.", id), Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>The {@code type} is {@code urn:gatehouse:problem:} and a slug of the title
 * ({@code Bad Gateway} gives {@code urn:gatehouse:problem:bad-gateway}). Without a title, the
 * status's RFC 9110 reason phrase is the title. The detail is shown to the client: a sentence
 * without internals, never a credential.
 *
 * @since 0.1
 */
@Unstable
public final class ProblemResponse {
  /** The media type of problem details. */
  public static final String CONTENT_TYPE = "application/problem+json";
  /** Every problem type is this prefix and a slug of the title. */
  public static final String TYPE_PREFIX = "urn:gatehouse:problem:";
  /** The header that tells a client when to come back. */
  public static final String RETRY_AFTER = "Retry-After";
  /** The longest {@code Retry-After} the gateway writes; longer waits are capped here. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ProblemResponse() {}

  /**
   * A problem response titled with the status's reason phrase.
   *
   * <p>{@code ProblemResponse.of(503, "The server is shutting down.", RequestId.of(request.headers()))}
   *
   * @param status 400 to 599
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request's id, see {@link RequestId}
   * @return the response, with an in-memory body of known length
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static Response of(int status, String detail, String requestId) {
    return of(status, title(status), detail, requestId);
  }

  /**
   * A problem response with a title of its own.
   *
   * <p>{@code ProblemResponse.of(413, "Content Too Large", "The request body is larger than 1048576 bytes.", id)}
   *
   * @param status 400 to 599
   * @param title the fixed summary of the problem type, such as {@code Bad Gateway}
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request's id, see {@link RequestId}
   * @return the response, with an in-memory body of known length
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static Response of(int status, String title, String detail, String requestId) {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(requestId, "requestId");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
    }
    HttpHeaders headers = HttpHeaders.builder()
        .add("Content-Type", CONTENT_TYPE)
        .add("Cache-Control", "no-store")
        .add(RequestId.HEADER, requestId)
        .build();
    return Response.builder(status).headers(headers).body(Body.of(render(status, title, detail, requestId))).build();
  }

  /**
   * A problem response after which the connection is closed ({@code Connection: close}), titled
   * with the status's reason phrase: for requests whose framing, head or unread body cannot be
   * trusted, so that nothing more is read from the connection. Adapters close the connection
   * when a response carries {@code Connection: close}.
   *
   * <p>{@code ProblemResponse.closing(400, "The request's framing is ambiguous.", id)}
   *
   * @param status 400 to 599
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request's id
   * @return the response, with {@code Connection: close}
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static Response closing(int status, String detail, String requestId) {
    return closing(status, title(status), detail, requestId);
  }

  /**
   * A problem response with a title of its own, after which the connection is closed; see
   * {@link #closing(int, String, String)}.
   *
   * <p>{@code ProblemResponse.closing(431, "Request Header Fields Too Large", "...", id)}
   *
   * @param status 400 to 599
   * @param title the fixed summary of the problem type
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request's id
   * @return the response, with {@code Connection: close}
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static Response closing(int status, String title, String detail, String requestId) {
    Response problem = of(status, title, detail, requestId);
    return problem.toBuilder().headers(problem.headers().toBuilder().set("Connection", "close").build()).build();
  }

  /**
   * The response with {@code Retry-After} (RFC 9110 section 10.2.3) set to the wait in whole
   * seconds: rounded up, at least 1, at most a day.
   *
   * <p>{@code ProblemResponse.retryAfter(busy, Duration.ofMillis(1200))} has {@code Retry-After: 2}
   *
   * @param response usually a 503 or 429 problem
   * @param wait how long until the client may come back; negative counts as zero
   * @return a copy with the header set
   */
  public static Response retryAfter(Response response, Duration wait) {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(wait, "wait");
    long nanos = wait.isNegative() ? 0
        : wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER.toNanos() : wait.toNanos();
    long seconds = Math.max(1, nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1));
    return response.toBuilder()
        .headers(response.headers().toBuilder().set(RETRY_AFTER, Long.toString(seconds)).build())
        .build();
  }

  /**
   * The RFC 9110 reason phrase of a status, the title of the problems made without one:
   * {@code Content Too Large} for 413, {@code Service Unavailable} for 503; {@code Client Error}
   * or {@code Server Error} for a status without a registered phrase.
   *
   * <p>{@code ProblemResponse.title(408)} is {@code "Request Timeout"}
   *
   * @param status 400 to 599
   * @return the phrase
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Content";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      case 511 -> "Network Authentication Required";
      default -> {
        if (status < 400 || status > 599) {
          throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
        }
        yield status < 500 ? "Client Error" : "Server Error";
      }
    };
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

  // The shape is fixed, so a few lines of JDK code write it: the escaping is JSON's (RFC 8259),
  // byte for byte what Jackson's generator writes by default, so the gateway's problems and the
  // adapters' look the same.
  private static byte[] render(int status, String title, String detail, String requestId) {
    StringBuilder json = new StringBuilder(96 + title.length() * 2 + detail.length() + requestId.length());
    json.append("{\"type\":");
    string(json, type(title));
    json.append(",\"title\":");
    string(json, title);
    json.append(",\"status\":").append(status).append(",\"detail\":");
    string(json, detail);
    json.append(",\"requestId\":");
    string(json, requestId);
    return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else if (Character.isSurrogate(c)) {
            // As Jackson writes them (and a lone one stays representable): each half escaped.
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
