package io.gatehouse.spi;

import io.gatehouse.Gateway;
import io.gatehouse.Unstable;
import java.util.Objects;

/**
 * What the adapter support in {@code io.gatehouse.adapter} needs from the implementation and
 * cannot do with the JDK alone: the admin endpoints' JSON documents, and a logger that writes
 * where the implementation's own log goes. {@link io.gatehouse.adapter.AdminEndpoints} and
 * {@link io.gatehouse.adapter.SwappableGateway} find the one implementation on the class path
 * with {@link java.util.ServiceLoader}; {@code gateway-impl} provides it (documents with Jackson,
 * logging with SLF4J). Adapters do not call it themselves.
 *
 * <p>{@code AdapterServices services = ServiceLoader.load(AdapterServices.class).findFirst().orElseThrow();}
 *
 * <p>Every method is thread-safe and may run on any thread; the documents read the gateway's
 * public view only ({@link Gateway#spec()}, {@link Gateway#chains()}, {@link Gateway#upstreams()},
 * {@link Gateway#usage()}) and may take a while for a large configuration.
 *
 * @since 0.1
 */
@Unstable
public interface AdapterServices {

  /**
   * The liveness document: {@code {"status":"UP","version":..}}.
   *
   * @param gateway the gateway in use
   * @return the document, UTF-8 JSON
   */
  byte[] health(Gateway gateway);

  /**
   * Whether every upstream group has a target that may take a request, and the document that
   * says so: {@code {"status":"READY"|"NOT_READY","upstreams":[...]}}, both from one reading of
   * {@link Gateway#upstreams()}.
   *
   * @param gateway the gateway in use
   * @return the verdict and its document
   */
  Readiness readiness(Gateway gateway);

  /**
   * The compiled route table in declaration order, with each route's chain of stages.
   *
   * @param gateway the gateway in use
   * @return the document, a UTF-8 JSON array
   */
  byte[] routes(Gateway gateway);

  /**
   * Every upstream group and each target's health, circuit and requests in flight.
   *
   * @param gateway the gateway in use
   * @return the document, a UTF-8 JSON array
   */
  byte[] upstreams(Gateway gateway);

  /**
   * The metered usage ({@link Gateway#usage()}), instants as ISO-8601 strings.
   *
   * @param gateway the gateway in use
   * @return the document, UTF-8 JSON
   */
  byte[] usage(Gateway gateway);

  /**
   * A logger of the implementation's logging (for {@code gateway-impl}, the SLF4J logger of that
   * name), so that what the adapter support logs lands beside the gateway's own log lines.
   *
   * @param name the logger's name, such as {@code io.gatehouse.adapter.SwappableGateway}
   * @return the logger
   */
  System.Logger logger(String name);

  /**
   * A readiness verdict and its document.
   *
   * <p>{@code Readiness r = services.readiness(gateway); int status = r.ready() ? 200 : 503;}
   *
   * @param ready true when every upstream group has an available target (or there is none)
   * @param json the document, UTF-8 JSON; the array is not copied
   * @since 0.1
   */
  record Readiness(boolean ready, byte[] json) {
    /**
     * Checks the document is there.
     *
     * @param ready the verdict
     * @param json the document
     */
    public Readiness {
      Objects.requireNonNull(json, "json");
    }
  }
}
