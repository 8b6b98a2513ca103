package io.gatehouse.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Response;
import org.junit.jupiter.api.Test;

class FilterValuesTest {

  @Test
  void a_responding_filter_answers_without_calling_the_rest_of_the_chain() {
    Response teapot = Response.of(418);
    Chain next = exchange -> {
      throw new AssertionError("Filter.respond must not call the chain");
    };

    assertThat(Filter.respond(teapot).filter(null, next).toCompletableFuture().join()).isSameAs(teapot);
    assertThatThrownBy(() -> Filter.respond(null)).isInstanceOf(NullPointerException.class).hasMessage("response");
  }

  @Test
  void attribute_keys_are_named_and_print_their_name() {
    AttributeKey<String> tenant = AttributeKey.of("tenant", String.class);

    assertThat(tenant.name()).isEqualTo("tenant");
    assertThat(tenant.toString()).isEqualTo("AttributeKey[tenant]");
  }
}
