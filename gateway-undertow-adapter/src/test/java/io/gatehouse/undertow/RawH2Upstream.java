package io.gatehouse.undertow;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/2 upstream written frame by frame, for responses no well-behaved server sends: TLS on
 * 127.0.0.1 with a {@link TestPki} certificate, ALPN {@code h2} only. For each request (HEADERS
 * with END_HEADERS) it answers with the scripted frames on that stream; it acknowledges SETTINGS
 * and ignores every other frame. One connection at a time; reads time out after 10 seconds.
 */
final class RawH2Upstream implements AutoCloseable {
  private static final byte DATA = 0;
  private static final byte HEADERS = 1;
  private static final byte SETTINGS = 4;
  private static final int END_STREAM = 0x1;
  private static final int END_HEADERS = 0x4;

  private final SSLServerSocket server;
  private final List<Frame> script;
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread acceptor;
  private volatile SSLSocket current;

  /** One frame of the answer, without its stream id (the request's stream's). */
  record Frame(byte type, int flags, byte[] payload) {}

  private RawH2Upstream(SSLContext context, List<Frame> script) throws IOException {
    this.script = List.copyOf(script);
    server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::serve, "raw-h2-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static RawH2Upstream start(SSLContext context, List<Frame> script) throws IOException {
    return new RawH2Upstream(context, script);
  }

  /** A HEADERS frame: {@code :status 200} (indexed), then the given fields as literals without indexing. */
  static Frame headers(boolean endStream, String... nameValues) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    block.write(0x88);
    for (int i = 0; i < nameValues.length; i += 2) {
      block.write(0x00);
      literal(block, nameValues[i]);
      literal(block, nameValues[i + 1]);
    }
    return new Frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), block.toByteArray());
  }

  static Frame data(String text, boolean endStream) {
    return new Frame(DATA, endStream ? END_STREAM : 0, text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void literal(ByteArrayOutputStream out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    if (bytes.length > 126) {
      throw new IllegalArgumentException("short strings only");
    }
    out.write(bytes.length);
    out.writeBytes(bytes);
  }

  int port() {
    return server.getLocalPort();
  }

  String url() {
    return "https://127.0.0.1:" + port();
  }

  /** How many requests it answered. */
  int requests() {
    return requests.get();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        current = socket;
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        converse(new DataInputStream(socket.getInputStream()), socket.getOutputStream());
      } catch (IOException e) {
        // the connection ended (closed by the gateway, a reset, a timeout): take the next one
      }
    }
  }

  private void converse(DataInputStream in, OutputStream out) throws IOException {
    in.readFully(new byte[24]); // the client's preface
    write(out, SETTINGS, 0, 0, new byte[0]);
    try {
      while (true) {
        int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        byte type = in.readByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        in.readFully(new byte[length]);
        if (type == SETTINGS && (flags & 0x1) == 0) {
          write(out, SETTINGS, 0x1, 0, new byte[0]);
        } else if (type == HEADERS && (flags & END_HEADERS) != 0) {
          requests.incrementAndGet();
          for (Frame frame : script) {
            write(out, frame.type(), frame.flags(), stream, frame.payload());
          }
        }
      }
    } catch (SocketTimeoutException e) {
      // the gateway kept the connection open and quiet
    }
  }

  private static void write(OutputStream out, byte type, int flags, int stream, byte[] payload) throws IOException {
    byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length, type, (byte) flags,
        (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
    out.write(head);
    out.write(payload);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    SSLSocket open = current;
    if (open != null) {
      open.close();
    }
    try {
      acceptor.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
