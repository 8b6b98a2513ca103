package io.gatehouse.testing.adapter;

import io.gatehouse.Gateway;
import io.gatehouse.Unstable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One way of serving a {@link Gateway} over HTTP/1.1 that an adapter offers (a standalone server,
 * a handler mounted under a prefix in an application's server, a servlet in a container), as the
 * {@link AdapterConformance} kit drives it. It is all an adapter author writes to run the kit.
 *
 * <pre>{@code
 * final class MyStandaloneMount implements AdapterMount {
 *   public String name() { return "my server, standalone"; }
 *   public String prefix() { return ""; }
 *   public Running start(Gateway gateway) {
 *     MyServer server = MyAdapter.server(gateway).host("127.0.0.1").port(0).start();
 *     return new Running() {
 *       public int port() { return server.port(); }
 *       public Gateway swap(Gateway next) { return server.swap(next); }
 *       public CompletionStage<Gateway> drained(Gateway previous) { return server.swappable().drained(previous); }
 *       public boolean stop(Duration timeout) { return server.stop(timeout); }
 *       public void close() { server.stop(Duration.ZERO); }
 *     };
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public interface AdapterMount {
  /**
   * Names the mount in test names and messages.
   *
   * <p>{@code "Undertow, under /gw"}
   *
   * @return a short name
   */
  String name();

  /**
   * The path the gateway is mounted under, which a client puts before the gateway's paths.
   *
   * <p>{@code ""} for a standalone server, {@code "/gw"} for a handler or servlet mounted there
   *
   * @return {@code ""}, or a path that starts with {@code /} and does not end with it
   */
  String prefix();

  /**
   * Starts serving {@code gateway} on 127.0.0.1 on a free port, letting request bodies of any size
   * through (size limits are the gateway's business), beside whatever else the application serves.
   * The kit closes what it returns; it closes the gateway itself.
   *
   * <p>{@code Running running = mount.start(gateway);}
   *
   * @param gateway the gateway to serve
   * @return the running mount
   * @throws Exception if it cannot start
   */
  Running start(Gateway gateway) throws Exception;

  /**
   * The items this mount cannot do, each with the reason (a sentence a reviewer can check). The
   * kit aborts those items' tests with the reason; it fails on a blank one.
   *
   * <p>{@code Map.of(ConformanceItem.STOP_REFUSAL_IS_A_PROBLEM, "the application's shutdown handler answers")}
   *
   * @return the items and their reasons; empty by default
   */
  default Map<ConformanceItem, String> cannot() {
    return Map.of();
  }

  /**
   * Rows of the kit's tables that the server answers itself, so that the adapter never gets them
   * (a servlet container that refuses an ambiguous path with its own 400, or normalizes it and
   * maps it to the application's servlet), each with the status the server gives and the reason.
   * Such a row asserts that status and that nothing reaches the upstream; an own-answer row asserts
   * the status and, where the row expects it, that the connection is closed (there a close with
   * no answer at all is accepted too: a server may close before its own answer goes out). The kit fails on a
   * key that names no row, a blank reason, or a status outside 400 to 599 (the application beside
   * a prefix mount should answer a status the gateway does not give, such as 418).
   *
   * <p>Keys: a path of the path bypass table ({@code "/a//b"}), or the description of an
   * own-answer row ({@code "a malformed chunk size"}), as the test names show them.
   *
   * <p>{@code Map.of("/a//b", new ServerAnswer(400, "Jetty's default UriCompliance refuses empty segments"))}
   *
   * @return the rows and how the server answers them; empty by default
   */
  default Map<String, ServerAnswer> answeredByTheServer() {
    return Map.of();
  }

  /**
   * How a server answers a row of the kit's tables itself, before the adapter, and why.
   *
   * <p>{@code new ServerAnswer(400, "Tomcat refuses a Transfer-Encoding it does not know with 501")}
   *
   * @param status the status the server answers with
   * @param reason why, a sentence a reviewer can check
   * @since 0.1
   */
  @Unstable
  record ServerAnswer(int status, String reason) {}

  /**
   * Whether the gateway learns the mount's prefix, so that the upstream is sent
   * {@code X-Forwarded-Prefix: <prefix>}. The kit asserts that field only when this says so, and
   * its absence on a mount without a prefix always.
   *
   * <p>{@code true} once the adapter passes {@code Request.mountPath()}
   *
   * @return false by default
   */
  default boolean forwardsPrefix() {
    return false;
  }

  /**
   * A mount that serves, as {@link #start} returned it.
   *
   * <pre>{@code
   * try (AdapterMount.Running running = mount.start(gateway)) {
   *   int port = running.port();
   * }
   * }</pre>
   *
   * @since 0.1
   */
  @Unstable
  interface Running extends AutoCloseable {
    /**
     * The port it listens on, on 127.0.0.1.
     *
     * <p>{@code running.port()}
     *
     * @return the port
     */
    int port();

    /**
     * Swaps the gateway for requests that start from now on, as the adapter's own swap does.
     *
     * <p>{@code Gateway previous = running.swap(next);}
     *
     * @param next the gateway for new requests
     * @return the gateway it replaces
     */
    Gateway swap(Gateway next);

    /**
     * Completes once {@code previous} has no request in flight here, as the adapter's
     * {@code swappable().drained(previous)} does.
     *
     * <p>{@code running.drained(previous).toCompletableFuture().get(10, TimeUnit.SECONDS);}
     *
     * @param previous a gateway that {@link #swap} returned
     * @return a stage that completes with it
     */
    CompletionStage<Gateway> drained(Gateway previous);

    /**
     * Stops gracefully: new requests no longer reach the gateway, those in flight may finish until
     * the timeout, then everything is closed. Called once, on a thread of the kit's own.
     *
     * <p>{@code boolean clean = running.stop(Duration.ofSeconds(10));}
     *
     * @param timeout how long requests in flight may take
     * @return whether every request in flight finished in time
     * @throws Exception if stopping fails
     */
    boolean stop(Duration timeout) throws Exception;

    /**
     * Stops at once, if not stopped already; idempotent. A server whose stop throws a checked
     * exception wraps it in an unchecked one.
     */
    @Override
    void close();
  }
}
