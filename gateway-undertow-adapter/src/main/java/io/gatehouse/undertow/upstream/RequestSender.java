package io.gatehouse.undertow.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow;

/**
 * Writes one request to its connection: the head exactly as the call gives it (request line,
 * Host, the given fields in order minus those the transport owns, then the framing field), then
 * the body with back-pressure: one buffer is asked for at a time, and the next only once the
 * last is written. A body of known length goes with Content-Length and must deliver exactly that
 * many bytes; one of unknown length goes chunked; an empty one is not sent at all (POST, PUT and
 * PATCH still get {@code Content-Length: 0}).
 *
 * <p>Runs on the connection's I/O thread; the body's signals may come from any thread and are
 * handed to it.
 */
final class RequestSender implements Flow.Subscriber<ByteBuffer> {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
  /**
   * Bytes written in one run of the I/O thread before the next buffer is asked for in a later run:
   * a publisher that answers {@code request} at once, to a socket that drains as fast, would
   * otherwise keep the thread from its other connections (and from a cancel) until the body ends.
   */
  static final long YIELD_AFTER = 256 * 1024;

  private final UpstreamConnection connection;
  private final Exchange exchange;
  private final long declared;
  private final boolean chunked;
  private Flow.Subscription subscription;
  private ByteBuffer[] pending;
  private long sent;
  private long sinceYield;
  private boolean bodyDone;
  private boolean subscribed;
  private boolean stopped;

  RequestSender(UpstreamConnection connection, Exchange exchange) {
    this.connection = connection;
    this.exchange = exchange;
    Body body = exchange.call().request().body();
    this.declared = body.isEmpty() ? 0 : body.contentLength().orElse(-1);
    this.chunked = declared < 0;
  }

  /** Writes the head; the body follows as its publisher delivers. */
  void start() {
    Request request = exchange.call().request();
    ByteBuffer head = ByteBuffer.wrap(head(request).getBytes(StandardCharsets.ISO_8859_1));
    if (declared == 0) {
      bodyDone = true;
    }
    if (writeOut(new ByteBuffer[] {head})) {
      subscribeToBody();
    }
  }

  private void subscribeToBody() {
    if (!bodyDone && !subscribed) {
      subscribed = true;
      exchange.call().request().body().subscribe(this);
    }
  }

  private String head(Request request) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(exchange.origin().hostHeader()).append("\r\n");
    request.headers().forEach((name, value) -> {
      if (!owned(name)) {
        sb.append(name).append(": ").append(value).append("\r\n");
      }
    });
    if (chunked) {
      sb.append("Transfer-Encoding: chunked\r\n");
    } else if (declared > 0 || hasContent(request.method())) {
      sb.append("Content-Length: ").append(declared).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  /** Given fields the transport writes itself, or that would change the framing: dropped. */
  private static boolean owned(String name) {
    return switch (name.length()) {
      case 4 -> name.equalsIgnoreCase("Host");
      case 10 -> name.equalsIgnoreCase("Connection");
      case 14 -> name.equalsIgnoreCase("Content-Length");
      case 17 -> name.equalsIgnoreCase("Transfer-Encoding");
      default -> false;
    };
  }

  /** Methods are case-sensitive: only these three get {@code Content-Length: 0} for an empty body. */
  private static boolean hasContent(String method) {
    return switch (method) {
      case "POST", "PUT", "PATCH" -> true;
      default -> false;
    };
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    exchange.onLoop(() -> {
      if (stopped || subscription != null) {
        s.cancel();
        return;
      }
      subscription = s;
      s.request(1);
    });
  }

  @Override
  public void onNext(ByteBuffer item) {
    exchange.onLoop(() -> {
      if (stopped || bodyDone) {
        return;
      }
      if (pending != null) {
        failBody("the request body's publisher sent a buffer nobody asked for (expected: one per request(1))", null);
        return;
      }
      int n = item.remaining();
      sent += n;
      if (!chunked && sent > declared) {
        failBody("the request body sent more than its declared " + declared + " bytes (expected: exactly "
            + declared + ")", null);
        return;
      }
      ByteBuffer[] out = chunked
          ? new ByteBuffer[] {chunkSize(n), item, ByteBuffer.wrap(CRLF)}
          : new ByteBuffer[] {item};
      if (n == 0) {
        subscription.request(1);
        return;
      }
      sinceYield += n;
      if (writeOut(out)) {
        requestNext();
      }
    });
  }

  private void requestNext() {
    if (sinceYield < YIELD_AFTER) {
      subscription.request(1);
      return;
    }
    sinceYield = 0;
    exchange.loop().later(() -> {
      if (!stopped && !bodyDone) {
        subscription.request(1);
      }
    });
  }

  @Override
  public void onError(Throwable failure) {
    exchange.onLoop(() -> {
      if (!stopped && !bodyDone) {
        failBody("the request body failed: " + failure, failure);
      }
    });
  }

  @Override
  public void onComplete() {
    exchange.onLoop(() -> {
      if (stopped || bodyDone) {
        return;
      }
      if (!chunked && sent != declared) {
        failBody("the request body ended after " + sent + " of its declared " + declared + " bytes (expected: exactly "
            + declared + ")", null);
        return;
      }
      bodyDone = true;
      if (pending != null) {
        // The publisher may complete before the last buffer is written: it follows that buffer.
        if (chunked) {
          ByteBuffer[] more = java.util.Arrays.copyOf(pending, pending.length + 1);
          more[pending.length] = ByteBuffer.wrap(LAST_CHUNK);
          pending = more;
        }
      } else if (chunked) {
        writeOut(new ByteBuffer[] {ByteBuffer.wrap(LAST_CHUNK)});
      } else {
        finished();
      }
    });
  }

  /** The connection can take bytes again. */
  void writable() {
    if (stopped || pending == null) {
      connection.suspendWrites();
      return;
    }
    ByteBuffer[] again = pending;
    pending = null;
    if (!writeOut(again) || bodyDone) {
      return;
    }
    sinceYield = 0;
    if (!subscribed) {
      subscribeToBody();
    } else if (subscription != null) {
      subscription.request(1);
    }
  }

  /** The connection closed: no more bytes are asked for. */
  void stop() {
    if (!stopped) {
      stopped = true;
      Flow.Subscription s = subscription;
      if (s != null && !bodyDone) {
        s.cancel();
      }
    }
  }

  /** Writes, or keeps what is left for when the connection is writable; true if all went out. */
  private boolean writeOut(ByteBuffer[] buffers) {
    boolean all;
    try {
      all = connection.write(buffers);
    } catch (IOException e) {
      stopped = true;
      if (subscription != null) {
        subscription.cancel();
      }
      connection.lost("writing the request failed: " + e.getMessage(), e);
      return false;
    }
    if (!all) {
      pending = buffers;
      return false;
    }
    connection.suspendWrites();
    if (bodyDone) {
      finished();
    }
    return true;
  }

  private void finished() {
    if (!stopped) {
      stopped = true;
      exchange.requestSent();
    }
  }

  private void failBody(String message, Throwable cause) {
    stopped = true;
    if (subscription != null) {
      subscription.cancel();
    }
    exchange.requestBodyFailed(message, cause);
  }

  private static ByteBuffer chunkSize(int n) {
    return ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }
}
