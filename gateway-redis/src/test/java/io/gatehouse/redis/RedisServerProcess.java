package io.gatehouse.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.core.RedisServerBuilder;

/**
 * A real redis-server on a free loopback port: the one on PATH if there is one, else the binary
 * shipped in embedded-redis. Every start and stop is bounded; {@link #kill()} is a SIGKILL, as a
 * crash would be.
 */
final class RedisServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private final int port;
  private final List<String> settings;
  private final Path dir;
  private RedisServer server;
  private RedisClient adminClient;
  private StatefulRedisConnection<String, String> admin;

  private RedisServerProcess(int port, List<String> settings) {
    this.port = port;
    this.settings = List.copyOf(settings);
    try {
      this.dir = Files.createTempDirectory("gatehouse-redis-" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a server on a free port. */
  static RedisServerProcess start(String... settings) {
    RedisServerProcess process = new RedisServerProcess(freePort(), List.of(settings));
    process.startAgain();
    return process;
  }

  /** A server for {@code port}, not started yet: {@link #startAgain()} starts it. */
  static RedisServerProcess notStarted(int port) {
    return new RedisServerProcess(port, List.of());
  }

  /** A port nothing listens on (at the time of asking). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, empty, after {@link #kill()}) on its port. */
  void startAgain() {
    if (server != null) {
      throw new IllegalStateException("redis-server on port " + port + " is running");
    }
    try {
      RedisServerBuilder builder = RedisServer.newRedisServer()
          .executableProvider(Executable.PROVIDER)
          .bind("127.0.0.1")
          .port(port)
          .setting("save \"\"")
          .setting("appendonly no")
          .setting("dir " + dir.toAbsolutePath())
          .onShutdownForceStop(true);
      for (String setting : settings) {
        builder.setting(setting);
      }
      RedisServer started = builder.build();
      bounded("start redis-server on port " + port, START_TIMEOUT, started::start);
      server = started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the server (SIGKILL) and waits, bounded, until it is gone. */
  void kill() {
    closeAdmin();
    RedisServer running = server;
    server = null;
    if (running != null) {
      bounded("stop redis-server on port " + port, STOP_TIMEOUT, running::stop);
    }
  }

  /** Synchronous commands on a connection of the test's own, to look at and change the server. */
  RedisCommands<String, String> admin() {
    if (admin == null) {
      adminClient = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
          .withTimeout(Duration.ofSeconds(5)).build());
      admin = adminClient.connect();
    }
    return admin.sync();
  }

  private void closeAdmin() {
    if (adminClient != null) {
      adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      adminClient = null;
      admin = null;
    }
  }

  @Override
  public void close() {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private static void bounded(String what, Duration limit, IoAction action) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        action.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, what);
    thread.setDaemon(true);
    thread.start();
    try {
      done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new IllegalStateException(what + ": not done within " + limit, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    }
  }

  /** The redis-server binary, found once per test JVM. */
  private static final class Executable {
    static final ExecutableProvider PROVIDER = find();

    private static ExecutableProvider find() {
      String path = System.getenv("PATH");
      if (path != null) {
        for (String dir : path.split(File.pathSeparator)) {
          File candidate = new File(dir, "redis-server");
          if (candidate.isFile() && candidate.canExecute()) {
            return () -> candidate;
          }
        }
      }
      try {
        File shipped = ExecutableProvider.newJarResourceProvider().get();
        return () -> shipped;
      } catch (IOException e) {
        throw new UncheckedIOException("no redis-server on PATH, and none shipped by embedded-redis for this OS", e);
      }
    }

    private Executable() {}
  }

  /** Settings for a one-node Redis Cluster that owns every slot once {@code CLUSTER ADDSLOTS} is sent. */
  static String[] clusterSettings() {
    List<String> settings = new ArrayList<>();
    settings.add("cluster-enabled yes");
    settings.add("cluster-config-file nodes.conf");
    settings.add("cluster-announce-ip 127.0.0.1");
    return settings.toArray(new String[0]);
  }
}
