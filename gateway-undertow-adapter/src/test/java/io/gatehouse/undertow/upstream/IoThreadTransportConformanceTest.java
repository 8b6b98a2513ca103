package io.gatehouse.undertow.upstream;

import io.gatehouse.http.Response;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.testing.transport.TransportConformance;
import io.gatehouse.testing.transport.TransportFactory;
import io.gatehouse.testing.transport.TransportItem;
import io.gatehouse.testing.transport.TransportOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The Undertow mount's {@link IoThreadTransport} through the transport conformance kit. Every
 * call is made on the same I/O thread of a two-thread worker, as the mount makes the calls of one
 * client connection on the thread that reads it (the kit counts connections, which are per
 * thread); calls from several threads sharing the pool's limits are tested in
 * IoThreadTransportTest.
 */
class IoThreadTransportConformanceTest extends TransportConformance {

  @Override
  protected TransportFactory factory() {
    return new TransportFactory() {
      @Override
      public String name() {
        return "IoThreadTransport (XNIO, same thread)";
      }

      @Override
      public UpstreamTransport create(TransportOptions options) throws IOException {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.builder()
            .set(Options.WORKER_IO_THREADS, 2)
            .set(Options.WORKER_TASK_CORE_THREADS, 1)
            .set(Options.WORKER_TASK_MAX_THREADS, 1)
            .set(Options.WORKER_NAME, "kit")
            .getMap());
        return new OnWorker(worker, new IoThreadTransport(options.pool(), IoThreadTransportConformanceTest::resolve));
      }

      @Override
      public Map<TransportItem, String> cannot() {
        return Map.of(TransportItem.TLS,
            "plain-HTTP upstreams only: the gateway sends https calls through its httpclient5 transport");
      }
    };
  }

  private static CompletionStage<InetAddress> resolve(String host) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new CompletionException(e);
      }
    });
  }

  /** Sends each call from the worker's first I/O thread. */
  private record OnWorker(XnioWorker worker, IoThreadTransport transport) implements UpstreamTransport {
    @Override
    public CompletionStage<Response> send(UpstreamCall call) {
      CompletableFuture<Response> result = new CompletableFuture<>();
      worker.getIoThread(0).execute(() -> {
        try {
          CompletableFuture<Response> inner = transport.send(call).toCompletableFuture();
          result.whenComplete((r, f) -> {
            if (f instanceof CancellationException) {
              inner.cancel(true);
            }
          });
          inner.whenComplete((r, f) -> {
            if (f != null) {
              result.completeExceptionally(f instanceof CompletionException && f.getCause() != null ? f.getCause() : f);
            } else {
              result.complete(r);
            }
          });
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        }
      });
      return result;
    }

    @Override
    public Optional<ConnectionPoolStatus> poolStatus() {
      return transport.poolStatus();
    }

    @Override
    public void close() {
      try {
        transport.close();
      } finally {
        worker.shutdownNow();
      }
    }
  }
}
