package io.gatehouse.servlet;

import io.gatehouse.Gateway;
import io.gatehouse.testing.adapter.AdapterMount;
import io.gatehouse.testing.adapter.ConformanceItem;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The servlet adapter's two mounts as the conformance kit drives them: {@link GatehouseServlet}
 * mapped to {@code /gw/*} in the root context of an embedded Jetty 12 (ee10) and of an embedded
 * Tomcat 11, beside the application's own servlet mapped to {@code /} (which answers 418, so that
 * a request the container gives to the application is told apart from the gateway's answers).
 *
 * <p>A graceful stop is the one a servlet application gets when its container stops it: the
 * container calls {@link GatehouseServlet#destroy()}, which drains (new requests get the adapter's
 * 503 problem with {@code Connection: close}, those in flight finish up to the drain timeout);
 * then the container stops. The drain timeout is the kit's stop timeout, {@link #DRAIN}.
 */
final class ServletMounts {
  /** The timeout the kit passes to {@code stop}; the servlets are built with it as their drain timeout. */
  static final Duration DRAIN = Duration.ofSeconds(20);

  private ServletMounts() {}

  /** Builds the gateway's servlet as the mounts register it. */
  private static GatehouseServlet servlet(Gateway gateway) {
    return GatehouseServlet.builder(gateway).drainTimeout(DRAIN).build();
  }

  /** The application's own servlet beside the gateway. */
  static final class App extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      byte[] body = "the application's own servlet".getBytes(StandardCharsets.UTF_8);
      res.setStatus(418);
      res.setContentType("text/plain");
      res.setContentLength(body.length);
      res.getOutputStream().write(body);
    }
  }

  /** What both mounts share: swap and drain through the servlet, stop through its {@code destroy()}. */
  private abstract static class Started implements AdapterMount.Running {
    final GatehouseServlet servlet;
    private boolean stopped;

    Started(GatehouseServlet servlet) {
      this.servlet = servlet;
    }

    @Override
    public Gateway swap(Gateway next) {
      return servlet.swap(next);
    }

    @Override
    public CompletionStage<Gateway> drained(Gateway previous) {
      return servlet.swappable().drained(previous);
    }

    @Override
    public boolean stop(Duration timeout) {
      if (!timeout.equals(DRAIN)) {
        throw new IllegalArgumentException("stop: timeout: " + timeout + " (expected: " + DRAIN
            + ", the servlet's drain timeout)");
      }
      long start = System.nanoTime();
      servlet.destroy(); // what the container does first when it stops the application
      // The drain ends early only when nothing is left in flight; at its timeout it ends the rest.
      boolean clean = System.nanoTime() - start < DRAIN.toNanos();
      close();
      return clean;
    }

    @Override
    public final synchronized void close() {
      if (!stopped) {
        stopped = true;
        stopContainer();
      }
    }

    abstract void stopContainer();
  }

  /** Jetty 12 (ee10): {@code ServletContextHandler("/")}, the gateway at {@code /gw/*}, the application at {@code /}. */
  static final class Jetty implements AdapterMount {
    @Override
    public String name() {
      return "Jetty 12 servlet under /gw";
    }

    @Override
    public String prefix() {
      return "/gw";
    }

    @Override
    public boolean forwardsPrefix() {
      return true;
    }

    @Override
    public Map<String, ServerAnswer> answeredByTheServer() {
      String uri = "Jetty's default UriCompliance for ee10 refuses an ambiguous request target with its own 400 "
          + "before any servlet: ";
      String climbs = "Jetty normalizes the dot segments before mapping, so /gw/a/../../x is /x, which maps to the "
          + "application's servlet (418), never the gateway's";
      return Map.of(
          "/public/%2e%2e/admin/x", new ServerAnswer(400, uri + "an encoded dot segment (%2e%2e)"),
          "/public/.%2E/admin/x", new ServerAnswer(400, uri + "an encoded dot segment (.%2E)"),
          "/%2e/admin/x", new ServerAnswer(400, uri + "an encoded dot segment (%2e)"),
          "//admin/x", new ServerAnswer(400, uri + "an empty segment (//)"),
          "/a//b", new ServerAnswer(400, uri + "an empty segment (//)"),
          "/a///b//", new ServerAnswer(400, uri + "empty segments (///, //)"),
          "/a/../../x", new ServerAnswer(418, climbs));
    }

    @Override
    public Running start(Gateway gateway) throws Exception {
      QueuedThreadPool threads = new QueuedThreadPool(24, 4);
      threads.setName("jetty-kit");
      Server server = new Server(threads);
      ServerConnector connector = new ServerConnector(server, 1, 1);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      GatehouseServlet servlet = servlet(gateway);
      ServletHolder gw = new ServletHolder("gatehouse", servlet);
      gw.setAsyncSupported(true);
      context.addServlet(gw, "/gw/*");
      context.addServlet(new ServletHolder("app", new App()), "/");
      server.setHandler(context);
      server.start();
      int port = connector.getLocalPort();
      return new Started(servlet) {
        @Override
        public int port() {
          return port;
        }

        @Override
        void stopContainer() {
          try {
            server.stop();
          } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
          }
        }
      };
    }
  }

  /**
   * Tomcat 11: the root context, the gateway at {@code /gw/*}, the application at {@code /};
   * the connector's {@code maxPostSize} and {@code maxSwallowSize} lifted.
   */
  static final class Tomcat11 implements AdapterMount {
    @Override
    public String name() {
      return "Tomcat 11 servlet under /gw";
    }

    @Override
    public String prefix() {
      return "/gw";
    }

    @Override
    public boolean forwardsPrefix() {
      return true;
    }

    @Override
    public Map<ConformanceItem, String> cannot() {
      return Map.of(ConformanceItem.EXPECT_CONTINUE, "Tomcat's default continueResponseTiming=immediately sends "
          + "100 Continue as soon as it has parsed the head, before any servlet runs, so a request the gateway answers "
          + "without its body (403) gets 100 first; with onRead, Tomcat sends it only on a read and a non-blocking "
          + "ReadListener never triggers it, so a client that waits for 100 stalls (both seen on Tomcat 11.0.29)");
    }

    @Override
    public Map<String, ServerAnswer> answeredByTheServer() {
      String climbs = "Tomcat decodes %2e and normalizes the dot segments before mapping, so the path climbs out of /gw "
          + "to /x, which maps to the application's servlet (418), never the gateway's";
      return Map.of(
          "/a/../../x", new ServerAnswer(418, climbs),
          "/%2e%2e/x", new ServerAnswer(418, climbs),
          "Transfer-Encoding other than chunked", new ServerAnswer(501, "Tomcat's HTTP/1.1 parser answers a "
              + "Transfer-Encoding it does not implement (gzip) with its own 501 and closes, before any servlet"),
          "a malformed chunk size", new ServerAnswer(400, "Tomcat's chunked decoder fails the servlet's read of a "
              + "malformed chunk size and answers its own 400 error page and closes, or closes before the page goes "
              + "out (both seen on Tomcat 11.0.29); the adapter's 400 problem never reaches the client"));
    }

    @Override
    public Running start(Gateway gateway) throws Exception {
      Path base = Files.createTempDirectory("tomcat-kit");
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(base.toString());
      Connector connector = new Connector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      connector.setProperty("maxThreads", "24");
      connector.setMaxPostSize(-1);
      connector.setProperty("maxSwallowSize", "-1");
      tomcat.getService().addConnector(connector);
      tomcat.setConnector(connector);
      Context context = tomcat.addContext("", base.toString());
      GatehouseServlet servlet = servlet(gateway);
      Tomcat.addServlet(context, "gatehouse", servlet).setAsyncSupported(true);
      context.addServletMappingDecoded("/gw/*", "gatehouse");
      Tomcat.addServlet(context, "app", new App());
      context.addServletMappingDecoded("/", "app");
      tomcat.start();
      int port = connector.getLocalPort();
      return new Started(servlet) {
        @Override
        public int port() {
          return port;
        }

        @Override
        void stopContainer() {
          try {
            tomcat.stop();
            tomcat.destroy();
          } catch (Exception e) {
            throw new IllegalStateException("Tomcat did not stop", e);
          } finally {
            deleteQuietly(base);
          }
        }
      };
    }
  }

  private static void deleteQuietly(Path root) {
    try (var files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
