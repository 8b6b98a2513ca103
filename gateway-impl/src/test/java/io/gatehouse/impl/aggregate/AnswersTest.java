package io.gatehouse.impl.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.aggregate.Merger;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A tree as the gateway reads an answer: exact decimals. */
  static JsonNode tree(String json) {
    JsonAnswerReader reader = new JsonAnswerReader(1 << 20);
    reader.onSubscribe(new java.util.concurrent.Flow.Subscription() {
      @Override
      public void request(long n) {}

      @Override
      public void cancel() {}
    });
    reader.onNext(java.nio.ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    reader.onComplete();
    return reader.result().join();
  }

  /** Answers a, b, c in that order, each as JSON text. */
  private static Map<String, JsonNode> answers(String a, String b, String c) {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    all.put("a", tree(a));
    all.put("b", tree(b));
    all.put("c", tree(c));
    return all;
  }

  private static String merged(Map<String, JsonNode> answers, Merger merger) {
    return new String(Answers.merged(answers, merger), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "deep: {0} + {1} + {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"x\":1}|{\"y\":2}|{\"z\":3}|{\"x\":1,\"y\":2,\"z\":3}",
      "{\"x\":1}|{\"x\":2}|{\"x\":3}|{\"x\":3}",
      "{\"o\":{\"p\":1,\"q\":1}}|{\"o\":{\"q\":2,\"r\":2}}|{}|{\"o\":{\"p\":1,\"q\":2,\"r\":2}}",
      "{\"o\":{\"p\":1}}|{\"o\":5}|{}|{\"o\":5}",
      "{\"o\":5}|{\"o\":{\"p\":1}}|{}|{\"o\":{\"p\":1}}",
      "{\"l\":[1,2]}|{\"l\":[3]}|{}|{\"l\":[3]}",
      "{\"x\":1}|[1,2]|\"s\"|{\"x\":1,\"b\":[1,2],\"c\":\"s\"}",
      "{\"x\":1}|null|{\"y\":null}|{\"x\":1,\"b\":null,\"y\":null}",
      "{\"b\":\"own\"}|[0]|{}|{\"b\":[0]}",
      "{\"o\":{\"d\":{\"e\":1}}}|{\"o\":{\"d\":{\"f\":2}}}|{\"o\":{\"d\":{\"e\":3}}}|{\"o\":{\"d\":{\"e\":3,\"f\":2}}}",
  })
  void deep_merge_merges_objects_in_order_and_keeps_other_answers_under_their_key(String a, String b, String c,
      String expected) throws Exception {
    assertThat(merged(answers(a, b, c), Merger.deepMerge())).isEqualTo(expected);
    // the plain-Java merger a user may call directly agrees
    Object plain = Merger.deepMerge().merge(plainOf(answers(a, b, c)));
    assertThat(JSON.writeValueAsString(plain)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "by key: {0} + {1} + {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"x\":1}|[1]|\"s\"|{\"a\":{\"x\":1},\"b\":[1],\"c\":\"s\"}",
      "null|{}|1.50|{\"a\":null,\"b\":{},\"c\":1.50}",
  })
  void by_key_puts_each_answer_under_its_key_in_declaration_order(String a, String b, String c, String expected)
      throws Exception {
    assertThat(merged(answers(a, b, c), Merger.byKey())).isEqualTo(expected);
    assertThat(JSON.writeValueAsString(Merger.byKey().merge(plainOf(answers(a, b, c))))).isEqualTo(expected);
  }

  private static Map<String, Object> plainOf(Map<String, JsonNode> answers) {
    Map<String, Object> plain = new LinkedHashMap<>();
    answers.forEach((k, v) -> plain.put(k, Answers.plain(v)));
    return plain;
  }

  @Test
  void a_users_merger_gets_plain_values_and_its_result_is_written() throws Exception {
    AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    String body = merged(answers("{\"n\":1,\"big\":123456789012345678901234567890,\"f\":0.1,\"t\":true,\"s\":\"x\"}",
        "[null]", "null"), answers -> {
          seen.set(answers);
          return Map.of("count", 2);
        });
    assertThat(body).isEqualTo("{\"count\":2}");
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) seen.get().get("a");
    assertThat(a).containsEntry("n", 1L).containsEntry("big", new BigInteger("123456789012345678901234567890"))
        .containsEntry("f", new BigDecimal("0.1")).containsEntry("t", true).containsEntry("s", "x");
    assertThat(seen.get().get("b")).isEqualTo(java.util.Arrays.asList((Object) null));
    assertThat(seen.get()).containsKey("c").containsEntry("c", null);
    assertThatThrownBy(() -> seen.get().put("d", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_merger_whose_result_is_not_json_fails() throws Exception {
    assertThatThrownBy(() -> merged(answers("1", "2", "3"), answers -> new Object()))
        .hasMessageStartingWith("the merger's result cannot be written as JSON");
  }

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"id\":\"c-1\"}|/id|c-1",
      "{\"id\":42}|/id|42",
      "{\"id\":4.20}|/id|4.20",
      "{\"id\":true}|/id|true",
      "{\"a\":[{\"id\":\"x\"}]}|/a/0/id|x",
  })
  void a_bound_value_is_a_string_as_it_is_and_a_number_or_boolean_in_json_form(String answer, String pointer,
      String value) throws Exception {
    JsonNode tree = tree(answer);
    assertThat(Answers.scalarAt(tree, JsonPointer.compile(pointer))).hasValue(value);
  }

  @Test
  void no_value_for_null_objects_arrays_or_nothing() throws Exception {
    JsonNode tree = JSON.readTree("{\"n\":null,\"o\":{},\"l\":[]}");
    for (String p : List.of("/n", "/o", "/l", "/missing", "/n/x")) {
      assertThat(Answers.scalarAt(tree, JsonPointer.compile(p))).as(p).isEmpty();
    }
  }
}
