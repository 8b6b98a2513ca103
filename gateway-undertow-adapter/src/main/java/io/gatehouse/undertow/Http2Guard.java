package io.gatehouse.undertow;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.undertow.util.AttachmentKey;
import org.xnio.IoUtils;

/**
 * Holds each HTTP/2 connection to its concurrent-stream limit before a request reaches the
 * gateway. Undertow 2.3 announces {@code SETTINGS_MAX_CONCURRENT_STREAMS} but does not enforce
 * it, and its reset counter ({@code MAX_RST_FRAMES_PER_WINDOW}) skips streams whose request had
 * no body, the GET-and-reset of the rapid-reset attack (CVE-2023-44487). This handler counts,
 * per connection, the exchanges still running, including those of streams the client has reset:
 * past the limit, a new stream is reset before it reaches the gateway. However fast a client
 * resets and reopens streams, at most the limit of its requests are at work (as Go's fix for the
 * CVE does). Other connections pass through untouched.
 */
final class Http2Guard implements HttpHandler {
  private static final AttachmentKey<Running> RUNNING = AttachmentKey.create(Running.class);

  private final HttpHandler next;
  private final int maxStreams;

  Http2Guard(HttpHandler next, int maxStreams) {
    this.next = next;
    this.maxStreams = maxStreams;
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    if (!(exchange.getConnection() instanceof Http2ServerConnection connection)) {
      next.handleRequest(exchange);
      return;
    }
    // Attachments of an HTTP/2 stream's connection live on the HTTP/2 channel: one count per TCP connection.
    Running running = connection.getAttachment(RUNNING);
    if (running == null) {
      running = new Running();
      connection.putAttachment(RUNNING, running);
    }
    if (!running.admit(maxStreams)) {
      IoUtils.safeClose(connection); // RST_STREAM for this stream only
      return;
    }
    Running admitted = running;
    exchange.addExchangeCompleteListener((ex, proceed) -> {
      admitted.ended();
      proceed.proceed();
    });
    next.handleRequest(exchange);
  }

  /** One connection's running exchanges. Its streams start on its I/O thread, but exchanges may end elsewhere. */
  private static final class Running {
    private int count;

    synchronized boolean admit(int max) {
      if (count >= max) {
        return false;
      }
      count++;
      return true;
    }

    synchronized void ended() {
      count--;
    }
  }
}
