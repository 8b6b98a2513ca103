package io.gatehouse.undertow.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.undertow.internal.ChannelSink;
import io.gatehouse.undertow.internal.ChannelSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * One upgrade call (a WebSocket opening handshake) on a connection of its own, never pooled:
 * connects, writes the request head, reads the answer's head through the strict
 * {@link ResponseParser}. A {@code 101} completes the stage with the connection's later bytes as
 * the body, and from then on the request's {@link Request#tunnel() tunnel} is written to the
 * connection; any other answer completes it with its body read into memory (at most
 * {@value #MAX_REFUSAL_BODY} bytes, as a refusal's body is small), and the connection is closed.
 * Everything runs on one I/O thread.
 */
final class UpgradeCall implements ResponseParser.Listener {
  static final int MAX_REFUSAL_BODY = 64 * 1024;
  private static final OptionMap SOCKET_OPTIONS = OptionMap.builder()
      .set(Options.TCP_NODELAY, true)
      .set(Options.KEEP_ALIVE, true)
      .getMap();

  private final IoThreadTransport transport;
  private final UpstreamCall call;
  private final Origin origin;
  private final XnioIoThread thread;
  private final CompletableFuture<Response> result = new CompletableFuture<>();
  private final ResponseParser parser = new ResponseParser();
  private StreamConnection connection;
  private IoFuture<StreamConnection> opening;
  private XnioExecutor.Key timer;
  private ByteBuffer head;
  private int status;
  private HttpHeaders headers;
  private ByteBuffer refusalBody;
  private ByteBuffer leftover;
  private boolean ended;
  private boolean tooLong;
  private boolean done;

  UpgradeCall(IoThreadTransport transport, UpstreamCall call, Origin origin, XnioIoThread thread) {
    this.transport = transport;
    this.call = call;
    this.origin = origin;
    this.thread = thread;
  }

  CompletableFuture<Response> start() {
    result.whenComplete((r, failure) -> {
      if (result.isCancelled()) {
        thread.execute(() -> fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": cancelled")));
      }
    });
    thread.execute(this::resolve);
    return result;
  }

  private String description() {
    return "GET " + call.origin() + call.request().path() + " (WebSocket upgrade)";
  }

  private void resolve() {
    arm(call.connectTimeout().toNanos(), () -> {
      if (opening != null) {
        opening.cancel();
      }
      fail(new UpstreamException(Kind.CONNECT_TIMEOUT, description() + ": no connection within "
          + call.connectTimeout().toMillis() + " ms"));
    });
    transport.resolve(origin.host()).whenComplete((address, failure) -> thread.execute(() -> {
      if (done) {
        return;
      }
      if (failure != null) {
        fail(IoThreadTransport.unresolved(description(), origin.host(), failure));
        return;
      }
      opening = thread.openStreamConnection(new InetSocketAddress(address, origin.port()), null, SOCKET_OPTIONS);
      opening.addNotifier((future, ignored) -> thread.execute(() -> connected(future)), null);
    }));
  }

  private void connected(IoFuture<? extends StreamConnection> future) {
    switch (future.getStatus()) {
      case DONE -> {
        try {
          connection = future.get();
        } catch (IOException impossible) {
          fail(new UpstreamException(Kind.CONNECT_REFUSED, description() + ": connecting failed", impossible));
          return;
        }
        if (done) {
          IoUtils.safeClose(connection);
          return;
        }
        disarm();
        arm(call.responseTimeout().toNanos(), () -> fail(new UpstreamException(Kind.RESPONSE_TIMEOUT,
            description() + ": the upstream stayed silent for " + call.responseTimeout().toMillis() + " ms")));
        head = ByteBuffer.wrap(requestHead().getBytes(StandardCharsets.ISO_8859_1));
        parser.expectUpgrade();
        connection.getSinkChannel().getWriteSetter().set(ch -> writeHead());
        connection.getSourceChannel().getReadSetter().set(ch -> read());
        connection.getCloseSetter().set(ch -> {
          if (!done) {
            fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": the upstream closed the connection"));
          }
        });
        writeHead();
        connection.getSourceChannel().resumeReads();
      }
      case FAILED -> {
        IOException e = future.getException();
        String why = e instanceof ConnectException ? "the upstream refused the connection" : "connecting failed";
        fail(new UpstreamException(Kind.CONNECT_REFUSED, description() + ": " + why + ": " + e.getMessage(), e));
      }
      default -> { } // cancelled by the connect timeout, which failed the call
    }
  }

  /** The request line, Host, then the fields as given but the framing ones (an upgrade has no body). */
  private String requestHead() {
    Request r = call.request();
    StringBuilder b = new StringBuilder(512);
    b.append("GET ").append(r.target()).append(" HTTP/1.1\r\nHost: ").append(origin.hostHeader()).append("\r\n");
    r.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")
          && !name.equalsIgnoreCase("Transfer-Encoding")) {
        b.append(name).append(": ").append(value).append("\r\n");
      }
    });
    return b.append("\r\n").toString();
  }

  private void writeHead() {
    if (done || head == null) {
      return;
    }
    try {
      while (head.hasRemaining()) {
        if (connection.getSinkChannel().write(head) == 0) {
          connection.getSinkChannel().resumeWrites();
          return;
        }
      }
      head = null;
      connection.getSinkChannel().suspendWrites();
      if (!connection.getSinkChannel().flush()) {
        connection.getSinkChannel().resumeWrites();
      }
    } catch (IOException e) {
      fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": writing the request failed", e));
    }
  }

  private void read() {
    if (done) {
      connection.getSourceChannel().suspendReads();
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(8 * 1024);
    try {
      for (int reads = 0; reads < 16 && !done; reads++) {
        buf.clear();
        int n = connection.getSourceChannel().read(buf);
        if (n == 0) {
          return;
        }
        if (n < 0) {
          if (status != 0 && status != 101 && parser.closed(this) && !tooLong) {
            answered();
          } else {
            fail(new UpstreamException(Kind.CONNECTION_RESET, description()
                + ": the upstream closed the connection before its answer ended"));
          }
          return;
        }
        buf.flip();
        parser.parse(buf, this);
        if (tooLong) {
          fail(new UpstreamException(Kind.PROTOCOL_ERROR, description() + ": the upstream refused the upgrade with "
              + status + " and a body over " + MAX_REFUSAL_BODY + " bytes (expected: a short refusal)"));
          return;
        }
        if (status == 101 || ended) {
          answered();
          return;
        }
      }
    } catch (ResponseParser.FramingException e) {
      fail(new UpstreamException(Kind.PROTOCOL_ERROR, description()
          + ": the upstream's answer broke HTTP/1.1 framing: " + e.getMessage(), e));
    } catch (IOException e) {
      fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": reading the answer failed", e));
    }
  }

  @Override
  public void head(int status, boolean http10, List<String> fields, long contentLength) {
    this.status = status;
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (int i = 0; i < fields.size(); i += 2) {
      h.add(fields.get(i), fields.get(i + 1));
    }
    headers = h.build();
    if (status != 101) {
      refusalBody = ByteBuffer.allocate(0);
    }
  }

  @Override
  public void body(ByteBuffer source, int offset, int length) {
    if (status == 101) {
      // Bytes right after the 101: the first of the session.
      ByteBuffer copy = ByteBuffer.allocate((leftover == null ? 0 : leftover.remaining()) + length);
      if (leftover != null) {
        copy.put(leftover);
      }
      leftover = copy.put(source.slice(offset, length)).flip();
      return;
    }
    if (refusalBody.remaining() + length > MAX_REFUSAL_BODY) {
      tooLong = true;
      return;
    }
    ByteBuffer grown = ByteBuffer.allocate(refusalBody.remaining() + length);
    refusalBody = grown.put(refusalBody).put(source.slice(offset, length)).flip();
  }

  @Override
  public void end() {
    ended = true;
  }

  private void answered() {
    if (done) {
      return;
    }
    done = true;
    disarm();
    if (status != 101) {
      IoUtils.safeClose(connection);
      byte[] bytes = new byte[refusalBody.remaining()];
      refusalBody.get(bytes);
      result.complete(Response.builder(status).headers(headers).body(bytes.length == 0 ? Body.empty() : Body.of(bytes))
          .build());
      return;
    }
    connection.getCloseSetter().set(null);
    connection.getSourceChannel().suspendReads();
    ChannelSource fromUpstream = new ChannelSource(thread);
    fromUpstream.attach(connection.getSourceChannel(), leftover);
    ChannelSink toUpstream = new ChannelSink(thread, connection.getSinkChannel(), connection);
    call.request().tunnel().orElseThrow().subscribe(toUpstream);
    if (!result.complete(Response.builder(101).headers(headers).body(Body.ofPublisher(fromUpstream, -1)).build())) {
      IoUtils.safeClose(connection);
    }
  }

  private void fail(UpstreamException failure) {
    if (done) {
      return;
    }
    done = true;
    disarm();
    if (connection != null) {
      IoUtils.safeClose(connection);
    }
    result.completeExceptionally(failure);
  }

  private void arm(long nanos, Runnable task) {
    timer = thread.executeAfter(task, Math.max(1, nanos), TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    XnioExecutor.Key t = timer;
    timer = null;
    if (t != null) {
      t.remove();
    }
  }
}
