package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.internal.Check;
import io.gatehouse.spi.AdapterServices;
import io.gatehouse.spi.GatewayCompiler;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** gateway-api is a named module (these tests run on the module path): its internal package is not exported. */
class ModuleDescriptorTest {
  private static final Module API = Gateway.class.getModule();

  @Test
  void gateway_api_is_the_named_module_io_gatehouse_api() {
    assertThat(API.isNamed()).as("run on the module path").isTrue();
    assertThat(API.getName()).isEqualTo("io.gatehouse.api");
    assertThat(API.getDescriptor().requires()).extracting(ModuleDescriptor.Requires::name)
        .containsExactly("java.base");
  }

  @Test
  void every_package_but_internal_is_exported_to_everyone() {
    ModuleDescriptor descriptor = API.getDescriptor();
    Set<String> exported = descriptor.exports().stream()
        .peek(e -> assertThat(e.isQualified()).as(e.source()).isFalse())
        .map(Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> unexported = new TreeSet<>(descriptor.packages());
    unexported.removeAll(exported);

    assertThat(unexported).containsExactly("io.gatehouse.internal");
    assertThat(API.isExported(Check.class.getPackageName())).isFalse();
    assertThat(API.isExported(Gateway.class.getPackageName())).isTrue();
  }

  @Test
  void the_module_declares_the_services_it_loads() {
    assertThat(API.getDescriptor().uses())
        .containsExactlyInAnyOrder(GatewayCompiler.class.getName(), AdapterServices.class.getName());
  }
}
