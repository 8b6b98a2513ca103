package io.gatehouse.impl.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldFilterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "{\"id\":7,\"name\":\"ann\",\"address\":{\"city\":\"Oslo\",\"zip\":\"0150\"},"
      + "\"tags\":[\"a\",\"b\",\"c\"],\"a/b\":1,\"m~n\":2}";

  private static List<String> list(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
  }

  @ParameterizedTest(name = "allow [{0}] deny [{1}]")
  @CsvSource(delimiter = '|', value = {
      "''|''|" + "{\"id\":7,\"name\":\"ann\",\"address\":{\"city\":\"Oslo\",\"zip\":\"0150\"},\"tags\":[\"a\",\"b\",\"c\"],\"a/b\":1,\"m~n\":2}",
      "/id /name|''|{\"id\":7,\"name\":\"ann\"}",
      "/address/city|''|{\"address\":{\"city\":\"Oslo\"}}",
      "/tags/1|''|{\"tags\":[\"b\"]}",
      "/a~1b /m~0n|''|{\"a/b\":1,\"m~n\":2}",
      "/nothing|''|null",
      "''|/address /tags /a~1b /m~0n|{\"id\":7,\"name\":\"ann\"}",
      "''|/address/zip /tags/0 /nothing /tags/9|{\"id\":7,\"name\":\"ann\",\"address\":{\"city\":\"Oslo\"},\"tags\":[\"b\",\"c\"],\"a/b\":1,\"m~n\":2}",
      "/address|/address/zip|{\"address\":{\"city\":\"Oslo\"}}",
      "''|''|" + "{\"id\":7,\"name\":\"ann\",\"address\":{\"city\":\"Oslo\",\"zip\":\"0150\"},\"tags\":[\"a\",\"b\",\"c\"],\"a/b\":1,\"m~n\":2}",
  })
  void the_allow_list_keeps_and_the_deny_list_removes(String allow, String deny, String expected) throws Exception {
    FieldFilter filter = FieldFilter.of(list(allow), list(deny));
    assertThat(filter.apply(JSON.readTree(USER)).toString()).isEqualTo(expected);
  }

  @Test
  void a_deny_of_the_whole_answer_leaves_null() throws Exception {
    assertThat(FieldFilter.of(List.of(), List.of("")).apply(JSON.readTree(USER)).isNull()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/", "/a", "/a/0", "/a~0b", "/a~1b", "/~01"})
  void rfc_6901_pointers_are_valid(String pointer) {
    assertThat(FieldFilter.pointerProblem(pointer)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "a/b", "/a~2", "/a~", "#/a"})
  void other_pointers_are_refused_with_the_grammar(String pointer) {
    assertThat(FieldFilter.pointerProblem(pointer)).hasValue("'" + pointer
        + "' is not an RFC 6901 JSON Pointer (expected: empty, or /-separated tokens such as /address/city, with ~0 for ~ and ~1 for /)");
  }
}
