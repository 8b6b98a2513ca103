package io.gatehouse.impl.auth;

import static io.gatehouse.impl.auth.TestJwts.b64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.JwtAuth;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cheap checks of an unverified token: its shape and size, and the types of its claims. */
class JwtClaimsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER = b64("{\"alg\":\"HS256\"}");
  private static final String PAYLOAD = b64("{\"sub\":\"alice\"}");

  @Test
  void reads_header_and_payload_of_a_compact_jws() {
    JwtClaims.Parts parts = JwtClaims.parse(HEADER + "." + PAYLOAD + ".c2ln");

    assertThat(parts).isNotNull();
    assertThat(parts.header().get("alg").textValue()).isEqualTo("HS256");
    assertThat(parts.payload().get("sub").textValue()).isEqualTo("alice");
  }

  @Test
  void an_empty_signature_still_parses_so_that_the_verifier_rejects_it() {
    assertThat(JwtClaims.parse(HEADER + "." + PAYLOAD + ".")).isNotNull();
  }

  static Stream<String> malformed() {
    return Stream.of(
        "", ".", "..", "...",
        HEADER,
        HEADER + "." + PAYLOAD,
        "." + PAYLOAD + ".c2ln",
        HEADER + "..c2ln",
        HEADER + "." + PAYLOAD + ".c2ln.",
        HEADER + "." + PAYLOAD + ".c2ln.c2ln",
        HEADER + "." + PAYLOAD + "..",
        HEADER + "=." + PAYLOAD + ".c2ln",
        HEADER + "." + PAYLOAD + ".c2ln=",
        HEADER + "." + PAYLOAD + ".c2+n",
        HEADER + "." + PAYLOAD + ".c2/n",
        HEADER + " ." + PAYLOAD + ".c2ln",
        HEADER + "." + PAYLOAD + ".c2l\u00e9",
        HEADER + "." + PAYLOAD + ".c2l\u0660",
        HEADER + "." + PAYLOAD + ".c2l~",
        HEADER + "." + PAYLOAD + ".c2l:",
        HEADER + "." + PAYLOAD + ".c2l@",
        HEADER + "." + PAYLOAD + ".c2l[",
        HEADER + "." + PAYLOAD + ".c2l`",
        HEADER + "." + PAYLOAD + ".c2l{",
        HEADER + "." + PAYLOAD + ".c2l/",
        "a" + HEADER + "." + PAYLOAD + ".c2ln",
        b64("[1]") + "." + PAYLOAD + ".c2ln",
        HEADER + "." + b64("\"alice\"") + ".c2ln",
        HEADER + "." + b64("{\"sub\":\"a\",\"sub\":\"b\"}") + ".c2ln",
        b64("{\"alg\":\"HS256\",\"alg\":\"none\"}") + "." + PAYLOAD + ".c2ln",
        HEADER + "." + b64("{\"sub\":") + ".c2ln",
        HEADER + "." + b64("not json") + ".c2ln",
        HEADER + "." + b64("null") + ".c2ln");
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("malformed")
  void rejects_tokens_that_are_not_three_base64url_json_objects(String token) {
    assertThat(JwtClaims.parse(token)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-", "_", "0", "9", "a", "z", "A", "Z"})
  void every_base64url_character_is_allowed_in_the_signature(String c) {
    assertThat(JwtClaims.parse(HEADER + "." + PAYLOAD + ".c2l" + c)).isNotNull();
  }

  @ParameterizedTest(name = "{0} chars")
  @CsvSource({"16383, true", "16384, true", "16385, false", "20000, false"})
  void accepts_tokens_up_to_16_KiB(int length, boolean parses) {
    String prefix = HEADER + "." + PAYLOAD + ".";
    String token = prefix + "A".repeat(length - prefix.length());

    assertThat(token).hasSize(length);
    assertThat(JwtClaims.parse(token) != null).isEqualTo(parses);
  }

  private static ObjectNode claims(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String problem(String json) {
    return JwtClaims.typeProblem(claims(json), Auth.jwt());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"0", "1", "0.5", "1.999", "1e3", "253402300799", "253402300799.9", "1780000000"})
  void numeric_dates_from_0_to_the_end_of_9999_are_accepted(String date) {
    for (String claim : new String[] {"exp", "nbf", "iat"}) {
      String json = "exp".equals(claim) ? "{\"exp\":" + date + "}" : "{\"exp\":1,\"" + claim + "\":" + date + "}";

      assertThat(problem(json)).as(json).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-1", "-0.5", "-1e-9", "253402300800", "253402300800.0", "1e12", "1e300", "99999999999999999999999",
      "\"1780000000\"", "true", "null", "[1]", "{}"})
  void other_numeric_dates_are_rejected(String date) {
    for (String claim : new String[] {"exp", "nbf", "iat"}) {
      String json = "exp".equals(claim) ? "{\"exp\":" + date + "}" : "{\"exp\":1,\"" + claim + "\":" + date + "}";

      assertThat(problem(json)).as(json).isEqualTo("the token's claim " + claim + " is not a NumericDate");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{}", "{\"nbf\":1}", "{\"sub\":\"alice\"}", "{\"EXP\":1}"})
  void exp_is_required(String json) {
    assertThat(problem(json)).isEqualTo("the token lacks the claim exp");
  }

  @Test
  void exp_null_is_not_a_numeric_date() {
    assertThat(problem("{\"exp\":null}")).isEqualTo("the token's claim exp is not a NumericDate");
  }

  static Stream<Arguments> stringClaims() {
    return Stream.of(
        Arguments.of("iss", "1"), Arguments.of("iss", "null"), Arguments.of("iss", "[\"a\"]"),
        Arguments.of("sub", "1"), Arguments.of("sub", "false"), Arguments.of("sub", "{}"), Arguments.of("sub", "null"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("stringClaims")
  void iss_and_sub_must_be_strings(String claim, String value) {
    assertThat(problem("{\"exp\":1,\"" + claim + "\":" + value + "}")).isEqualTo("the token's claim " + claim + " is not a string");
    assertThat(problem("{\"exp\":1,\"" + claim + "\":\"x\"}")).isNull();
  }

  @Test
  void the_configured_subject_claim_must_be_a_string_too() {
    JwtAuth auth = Auth.jwt().subjectClaim("email");

    assertThat(JwtClaims.typeProblem(claims("{\"exp\":1,\"email\":7}"), auth)).isEqualTo("the token's claim email is not a string");
    assertThat(JwtClaims.typeProblem(claims("{\"exp\":1,\"email\":\"a@b\",\"sub\":\"x\"}"), auth)).isNull();
    assertThat(JwtClaims.typeProblem(claims("{\"exp\":1,\"email\":\"a@b\",\"sub\":7}"), auth))
        .isEqualTo("the token's claim sub is not a string");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'\"shop\"'           | true",
      "'[]'                 | true",
      "'[\"a\"]'            | true",
      "'[\"a\",\"b\"]'      | true",
      "'[\"a\",1]'          | false",
      "'[1,\"a\"]'          | false",
      "'[null]'             | false",
      "'[[\"a\"]]'          | false",
      "'1'                  | false",
      "'null'               | false",
      "'{}'                 | false"})
  void aud_is_a_string_or_a_list_of_strings(String aud, boolean ok) {
    assertThat(problem("{\"exp\":1,\"aud\":" + aud + "}"))
        .isEqualTo(ok ? null : "the token's claim aud is not a string or a list of strings");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'{\"exp\":1}'                            | the token lacks the claim tenant",
      "'{\"exp\":1,\"tenant\":null}'            | the token lacks the claim tenant",
      "'{\"exp\":1,\"tenant\":\"\"}'            | ",
      "'{\"exp\":1,\"tenant\":0}'               | ",
      "'{\"exp\":1,\"tenant\":false}'           | ",
      "'{\"exp\":1,\"tenant\":[]}'              | "})
  void required_claims_must_be_present_and_not_null(String json, String expected) {
    assertThat(JwtClaims.typeProblem(claims(json), Auth.jwt().requireClaims("tenant"))).isEqualTo(expected);
  }

  @Test
  void the_first_problem_in_claim_order_is_reported() {
    assertThat(problem("{\"exp\":\"x\",\"iss\":1,\"aud\":1}")).isEqualTo("the token's claim exp is not a NumericDate");
    assertThat(problem("{\"exp\":1,\"iat\":\"x\",\"nbf\":\"x\"}")).isEqualTo("the token's claim nbf is not a NumericDate");
    assertThat(problem("{\"exp\":1,\"sub\":1,\"iss\":1}")).isEqualTo("the token's claim iss is not a string");
    assertThat(problem("{\"exp\":1,\"aud\":1,\"sub\":1}")).isEqualTo("the token's claim sub is not a string");
  }
}
