package io.gatehouse.impl.adapter;

import io.gatehouse.Gateway;
import io.gatehouse.impl.admin.AdminDocuments;
import io.gatehouse.spi.AdapterServices;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * The implementation's {@link AdapterServices}, registered in {@code META-INF/services}: admin
 * documents with Jackson, loggers on SLF4J. Stateless.
 *
 * <p>{@code ServiceLoader.load(AdapterServices.class).findFirst()} finds it.
 */
public final class DefaultAdapterServices implements AdapterServices {
  /** For {@link java.util.ServiceLoader}. */
  public DefaultAdapterServices() {}

  @Override
  public byte[] health(Gateway gateway) {
    return AdminDocuments.health(gateway);
  }

  @Override
  public Readiness readiness(Gateway gateway) {
    AdminDocuments.Readiness readiness = AdminDocuments.readiness(gateway);
    return new Readiness(readiness.ready(), readiness.json());
  }

  @Override
  public byte[] routes(Gateway gateway) {
    return AdminDocuments.routes(gateway);
  }

  @Override
  public byte[] upstreams(Gateway gateway) {
    return AdminDocuments.upstreams(gateway);
  }

  @Override
  public byte[] usage(Gateway gateway) {
    return AdminDocuments.usage(gateway);
  }

  @Override
  public System.Logger logger(String name) {
    return new Slf4jSystemLogger(LoggerFactory.getLogger(Objects.requireNonNull(name, "name")));
  }
}
