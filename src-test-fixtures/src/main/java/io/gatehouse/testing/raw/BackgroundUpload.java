package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a body of zeros to a socket on a daemon thread of its own, counting the bytes the socket
 * took: for tests that show an upload stalls (TCP flow control) while nobody reads it on the far
 * side. A write that fails (the socket closed at the end of the test) ends the thread quietly.
 *
 * <pre>{@code
 * client.socket().setSendBufferSize(64 * 1024);
 * client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
 * BackgroundUpload upload = BackgroundUpload.start(client.socket(), total);
 * long stuckAt = Poll.within(Duration.ofSeconds(20)).settled(upload::written, Duration.ofMillis(750));
 * assertThat(stuckAt).isLessThan(32L << 20);
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class BackgroundUpload {
  private static final int BLOCK = 64 * 1024;

  private final Thread thread;
  private final AtomicLong written = new AtomicLong();

  private BackgroundUpload(Socket socket, long total) {
    this.thread = new Thread(() -> write(socket, total), "upload-writer");
    thread.setDaemon(true);
  }

  /**
   * Starts writing {@code total} bytes, in 64 KiB blocks, to the socket's output.
   *
   * @param socket a connected socket; the request head has been sent
   * @param total how many bytes, rounded up to whole blocks
   * @return the upload, under way
   */
  public static BackgroundUpload start(Socket socket, long total) {
    Objects.requireNonNull(socket, "socket");
    BackgroundUpload upload = new BackgroundUpload(socket, total);
    upload.thread.start();
    return upload;
  }

  private void write(Socket socket, long total) {
    byte[] block = new byte[BLOCK];
    try {
      OutputStream out = socket.getOutputStream();
      for (long left = total; left > 0; left -= block.length) {
        out.write(block);
        written.addAndGet(block.length);
      }
    } catch (IOException e) {
      // the socket closes at the end of the test
    }
  }

  /**
   * The bytes the socket has taken so far.
   *
   * @return the count
   */
  public long written() {
    return written.get();
  }

  /**
   * Waits, bounded, for the upload's thread to end.
   *
   * @param timeout how long at most
   * @return true if it ended
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean join(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }
}
