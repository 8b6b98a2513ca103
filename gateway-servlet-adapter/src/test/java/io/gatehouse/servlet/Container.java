package io.gatehouse.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The two real containers the adapter is tested on, embedded, on an ephemeral loopback port, with
 * their default settings: Jetty 12 (ee10) and Tomcat 11. A {@link Deployment} says what runs in
 * one context: servlets with their mappings and filters with theirs, all async-supported.
 */
enum Container {
  JETTY,
  TOMCAT;

  /** How long a container may take to stop. */
  private static final long STOP_TIMEOUT_SECONDS = 20;

  /** One context: its path ({@code ""} for the root), servlets by mapping, filters by URL pattern. */
  record Deployment(String contextPath, Map<String, Servlet> servlets, Map<String, Filter> filters) {
    static Deployment of(String contextPath, Map<String, Servlet> servlets) {
      return new Deployment(contextPath, servlets, Map.of());
    }
  }

  /** A started container; closing it stops the container (which destroys the servlets), not the gateway. */
  interface Running extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  Running start(Deployment deployment) {
    try {
      return this == JETTY ? jetty(deployment) : tomcat(deployment);
    } catch (Exception e) {
      throw new IllegalStateException(this + " did not start", e);
    }
  }

  private static Running jetty(Deployment d) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(24, 4);
    threads.setName("jetty");
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(d.contextPath().isEmpty() ? "/" : d.contextPath());
    int n = 0;
    for (Map.Entry<String, Servlet> e : d.servlets().entrySet()) {
      ServletHolder holder = new ServletHolder("servlet-" + n++, e.getValue());
      holder.setAsyncSupported(true);
      context.addServlet(holder, e.getKey());
    }
    for (Map.Entry<String, Filter> e : d.filters().entrySet()) {
      FilterHolder holder = new FilterHolder(e.getValue());
      holder.setName("filter-" + n++);
      holder.setAsyncSupported(true);
      context.addFilter(holder, e.getKey(), EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    }
    server.setHandler(context);
    server.start();
    int port = connector.getLocalPort();
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      /** Bounded: a stop that hangs fails the test that caused it instead of the whole suite. */
      @Override
      public void close() {
        try {
          CompletableFuture.runAsync(() -> {
            try {
              server.stop();
            } catch (Exception e) {
              throw new CompletionException(e);
            }
          }).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          throw new IllegalStateException("Jetty did not stop within " + STOP_TIMEOUT_SECONDS + " s", e);
        } catch (Exception e) {
          throw new IllegalStateException("Jetty did not stop", e);
        }
      }
    };
  }

  private static Running tomcat(Deployment d) throws Exception {
    Path base;
    try {
      base = Files.createTempDirectory("tomcat");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxThreads", "24");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext(d.contextPath(), base.toString());
    int n = 0;
    for (Map.Entry<String, Servlet> e : d.servlets().entrySet()) {
      String name = "servlet-" + n++;
      Wrapper wrapper = Tomcat.addServlet(context, name, e.getValue());
      wrapper.setAsyncSupported(true);
      context.addServletMappingDecoded(e.getKey(), name);
    }
    for (Map.Entry<String, Filter> e : d.filters().entrySet()) {
      String name = "filter-" + n++;
      FilterDef def = new FilterDef();
      def.setFilterName(name);
      def.setFilter(e.getValue());
      def.setAsyncSupported("true");
      context.addFilterDef(def);
      FilterMap map = new FilterMap();
      map.setFilterName(name);
      map.addURLPattern(e.getKey());
      map.setDispatcher(DispatcherType.REQUEST.name());
      map.setDispatcher(DispatcherType.ASYNC.name());
      context.addFilterMap(map);
    }
    tomcat.start();
    int port = connector.getLocalPort();
    return new Running() {
      @Override
      public int port() {
        return port;
      }

      @Override
      public void close() {
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

  private static void deleteQuietly(Path root) {
    try (var files = Files.walk(root)) {
      List<Path> all = new ArrayList<>(files.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
