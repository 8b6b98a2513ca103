package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GatewayContractTest {

  @Test
  void every_instance_method_of_a_gateway_is_one_its_implementation_must_provide() {
    // Defaults that fake an answer ("no upstreams", "unversioned") would let a half-built gateway
    // pass for a real one; code that only serves requests takes a RequestHandler instead.
    assertThat(Arrays.stream(Gateway.class.getDeclaredMethods())
            .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
            .filter(Method::isDefault)
            .map(Method::getName))
        .isEmpty();
  }
}
