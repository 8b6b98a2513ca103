package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import io.gatehouse.http.Response;
import java.util.OptionalLong;

/**
 * How an adapter frames a gateway {@link Response} with its server's own framing: which of the
 * response's fields it drops, whether the connection ends after it, and whether a body goes out.
 *
 * <pre>{@code
 * response.headers().forEach((name, value) -> {
 *   if (!ResponseFraming.isFramingField(name)) serverHeaders.add(name, value);
 * });
 * if (ResponseFraming.asksToClose(response)) closeAfterResponse();
 * if (!ResponseFraming.sendsBody(response.status(), head)) {
 *   ResponseFraming.lengthWithoutBody(response, head).ifPresent(serverHeaders::contentLength);
 *   GatewayCall.discard(response.body());
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class ResponseFraming {
  private ResponseFraming() {}

  /**
   * Whether a response field is one the server frames itself ({@code Content-Length},
   * {@code Transfer-Encoding}, {@code Connection}), so the adapter drops it.
   *
   * <p>{@code if (!ResponseFraming.isFramingField(name)) headers.add(name, value);}
   *
   * @param name a field name, any case
   * @return true for the framing fields
   */
  public static boolean isFramingField(String name) {
    return name.equalsIgnoreCase("Content-Length")
        || name.equalsIgnoreCase("Transfer-Encoding")
        || name.equalsIgnoreCase("Connection");
  }

  /**
   * Whether the response carries {@code Connection: close}: the gateway doubted its framing, so
   * the connection must end after it.
   *
   * <p>{@code if (ResponseFraming.asksToClose(response)) exchange.setPersistent(false);}
   *
   * @param response the gateway's response
   * @return true if a {@code Connection} field has the token {@code close}
   */
  public static boolean asksToClose(Response response) {
    for (String value : response.headers().all("Connection")) {
      for (String token : value.split(",")) {
        if (token.trim().equalsIgnoreCase("close")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a body goes out: not for a {@code HEAD} request, nor with 204 or 304.
   *
   * <p>{@code if (ResponseFraming.sendsBody(status, head)) writer.start();}
   *
   * @param status the response's status
   * @param head whether the request's method is exactly {@code HEAD}
   * @return false if the response goes without its body
   */
  public static boolean sendsBody(int status, boolean head) {
    return !head && status != 204 && status != 304;
  }

  /**
   * The {@code Content-Length} to send on a response that goes without its body: HEAD and 304
   * describe the body a GET would get, so they keep the length the response declares (a
   * well-formed {@code Content-Length}), or for HEAD the body's known length; 204 has none.
   *
   * <p>{@code ResponseFraming.lengthWithoutBody(response, head).ifPresent(response::setContentLengthLong);}
   *
   * @param response the gateway's response
   * @param head whether the request's method is exactly {@code HEAD}
   * @return the length to declare, or empty to declare none
   */
  public static OptionalLong lengthWithoutBody(Response response, boolean head) {
    if (!head && response.status() != 304) {
      return OptionalLong.empty();
    }
    OptionalLong declared = response.headers().first("Content-Length")
        .filter(v -> !v.isEmpty() && v.length() < 19 && v.chars().allMatch(c -> c >= '0' && c <= '9'))
        .map(v -> OptionalLong.of(Long.parseLong(v)))
        .orElse(OptionalLong.empty());
    if (declared.isPresent() || !head) {
      return declared;
    }
    return response.body().contentLength();
  }
}
