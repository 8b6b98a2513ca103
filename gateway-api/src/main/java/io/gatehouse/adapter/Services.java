package io.gatehouse.adapter;

import io.gatehouse.spi.AdapterServices;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the implementation's {@link AdapterServices}; looked up per use, as no state is static. */
final class Services {
  private Services() {}

  static Optional<AdapterServices> find() {
    return ServiceLoader.load(AdapterServices.class, Services.class.getClassLoader()).findFirst();
  }

  /** The implementation's logger of that name, else the JDK's (java.util.logging unless bridged). */
  static System.Logger logger(Optional<AdapterServices> services, Class<?> owner) {
    String name = owner.getName();
    return services.map(s -> s.logger(name)).orElseGet(() -> System.getLogger(name));
  }
}
