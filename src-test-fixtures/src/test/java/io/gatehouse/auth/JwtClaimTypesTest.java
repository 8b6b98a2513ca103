package io.gatehouse.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Registered claims of the wrong type, in correctly signed tokens: each is refused with 401 and a
 * description naming the claim. The tokens are written byte by byte, so the table holds JSON that
 * no token library would produce (null dates, duplicate names, huge numbers).
 */
class JwtClaimTypesTest {
  private static final byte[] SECRET = "claim-types-secret-0123456789abcdef".getBytes(UTF_8);
  private static final String ISSUER = "https://idp.example.com";
  private static final ManualClock CLOCK = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private static final long NOW = CLOCK.instant().getEpochSecond();
  private static GatewayTester tester;

  @BeforeAll
  static void gateway() {
    tester = GatewayTester.of(Gateway.builder().time(CLOCK)
        .auth(Auth.jwt().keys(JwtKey.secret(SECRET, JwtAlgorithm.HS256)).issuer(ISSUER).audience("shop"))
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok")));
  }

  @AfterAll
  static void close() {
    tester.close();
  }

  /** The claims of a valid token, with one member replaced, added or (with a null value) removed. */
  private static String payload(String name, String json) {
    List<String> members = new ArrayList<>();
    String[][] base = {{"iss", "\"" + ISSUER + "\""}, {"sub", "\"alice\""}, {"aud", "\"shop\""},
        {"iat", Long.toString(NOW)}, {"exp", Long.toString(NOW + 300)}};
    boolean replaced = false;
    for (String[] m : base) {
      if (m[0].equals(name)) {
        replaced = true;
        if (json != null) {
          members.add("\"" + m[0] + "\":" + json);
        }
      } else {
        members.add("\"" + m[0] + "\":" + m[1]);
      }
    }
    if (!replaced && json != null) {
      members.add("\"" + name + "\":" + json);
    }
    return "{" + String.join(",", members) + "}";
  }

  private static String signed(String payloadJson) {
    try {
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(UTF_8)) + "."
          + b64.encodeToString(payloadJson.getBytes(UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> wrongTypes() {
    List<Arguments> rows = new ArrayList<>();
    for (String date : List.of("exp", "nbf", "iat")) {
      for (String bad : List.of("null", "\"" + (NOW + 300) + "\"", "true", "false", "[" + (NOW + 300) + "]",
          "{\"seconds\":" + (NOW + 300) + "}", "-1", "-0.5", "1e300", "253402300800", "99999999999999999999999")) {
        rows.add(Arguments.of(date, bad, "the token's claim " + date + " is not a NumericDate"));
      }
    }
    for (String text : List.of("iss", "sub")) {
      for (String bad : List.of("null", "1", "true", "[\"alice\"]", "{\"id\":\"alice\"}")) {
        rows.add(Arguments.of(text, bad, "the token's claim " + text + " is not a string"));
      }
    }
    for (String bad : List.of("null", "1", "true", "[1]", "[\"shop\",1]", "[\"shop\",null]", "{\"aud\":\"shop\"}")) {
      rows.add(Arguments.of("aud", bad, "the token's claim aud is not a string or a list of strings"));
    }
    rows.add(Arguments.of("exp", null, "the token lacks the claim exp"));
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("wrongTypes")
  void a_signed_token_with_a_claim_of_the_wrong_type_is_refused(String claim, String json, String description) {
    assertThat(tester.get("/x").bearer(signed(payload(claim, json))).send())
        .hasStatus(401)
        .hasHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\""
            + description + "\"");
  }

  static Stream<Arguments> rightTypes() {
    return Stream.of(
        Arguments.of("exp", (NOW + 300) + ".5"),
        Arguments.of("exp", (NOW + 300) + ".0"),
        Arguments.of("exp", "253402300799"),
        Arguments.of("iat", NOW + ".999"),
        Arguments.of("nbf", "0"),
        Arguments.of("nbf", (NOW - 10) + ".25"),
        Arguments.of("aud", "[\"other\",\"shop\"]"),
        Arguments.of("jti", "null"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rightTypes")
  void a_signed_token_with_numeric_dates_and_strings_where_they_belong_passes(String claim, String json) {
    assertThat(tester.get("/x").bearer(signed(payload(claim, json))).send()).hasStatus(200);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("a duplicate exp, the second null", payload("exp", (NOW + 300) + ",\"exp\":null")),
        Arguments.of("a duplicate iss", payload("iss", "\"" + ISSUER + "\",\"iss\":\"https://evil.example.com\"")),
        Arguments.of("a payload that is an array", "[1,2]"),
        Arguments.of("a payload that is not JSON", "{\"exp\":"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void a_signed_token_whose_payload_is_not_one_json_object_with_unique_names_is_malformed(String name, String json) {
    assertThat(tester.get("/x").bearer(signed(json)).send())
        .hasStatus(401).bodyContains("the token is malformed");
  }

  @ParameterizedTest(name = "fractional exp {0} s after now, leeway 30 s")
  @MethodSource("fractionalExpiry")
  void a_fractional_exp_counts_its_whole_seconds(String offset, int status) {
    String exp = new BigDecimal(NOW).add(new BigDecimal(offset)).toPlainString();
    assertThat(tester.get("/x").bearer(signed(payload("exp", exp))).send()).hasStatus(status);
  }

  static Stream<Arguments> fractionalExpiry() {
    // The fraction is dropped: exp now-29.5 counts as now-30, which the 30 s leeway no longer covers.
    return Stream.of(Arguments.of("-28.5", 200), Arguments.of("-29.0", 200), Arguments.of("-29.5", 401),
        Arguments.of("-30.0", 401));
  }
}
