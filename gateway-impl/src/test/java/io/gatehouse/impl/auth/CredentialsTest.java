package io.gatehouse.impl.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Request;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where credentials are read from, and when a request's credentials are ambiguous. */
class CredentialsTest {

  private static Request withAuthorization(String... values) {
    Request.Builder b = Request.builder("GET", "/r");
    for (String v : values) {
      b.header("Authorization", v);
    }
    return b.build();
  }

  private static Request withQuery(String rawQuery) {
    return Request.builder("GET", "/r").rawQuery(rawQuery).build();
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "Bearer abc          | abc",
      "bearer abc          | abc",
      "BEARER abc          | abc",
      "bEaReR abc          | abc",
      "'Bearer  abc'       | abc",
      "'  Bearer abc  '    | abc",
      "Bearer a            | a",
      "'Bearer abc def'    | abc def"})
  void reads_the_credentials_after_the_scheme_in_any_case(String header, String credentials) {
    assertThat(Credentials.authorization(withAuthorization(header), "Bearer")).contains(credentials);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"Bearer", "Bearer ", "Bearer    ", "Bearerabc", "Bearer\tabc", "Bearer:abc", "Beare abc", "Basic abc",
      "Bear", "B", "", "Bearer_abc", "xBearer abc", "Bearer\u00a0abc"})
  void finds_no_credentials_without_scheme_space_and_credential(String header) {
    assertThat(Credentials.authorization(withAuthorization(header), "Bearer")).isEmpty();
  }

  @ParameterizedTest(name = "{0} headers")
  @ValueSource(ints = {0, 2, 3})
  void finds_no_credentials_unless_there_is_exactly_one_authorization_header(int count) {
    String[] values = new String[count];
    Arrays.fill(values, "Bearer abc");

    assertThat(Credentials.authorization(withAuthorization(values), "Bearer")).isEmpty();
    assertThat(Credentials.ambiguity(withAuthorization(values), true))
        .isEqualTo(count > 1 ? "the request carries several Authorization headers (expected: one)" : null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "session=tok                        | tok",
      "other=x; session=tok               | tok",
      "'session=\"tok\"'                  | tok",
      "session=                           | ",
      "session=a; session=b               | ",
      "Session=tok                        | ",
      "sessionx=tok                       | "})
  void reads_a_bearer_token_from_the_one_named_cookie_when_there_is_no_header(String cookie, String token) {
    Request request = Request.builder("GET", "/r").header("Cookie", cookie).build();

    assertThat(Credentials.bearer(request, Optional.of("session"))).isEqualTo(Optional.ofNullable(token));
    assertThat(Credentials.bearer(request, Optional.empty())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"session=cookie", "session=a; session=b"})
  void the_authorization_header_wins_over_the_cookie(String cookie) {
    Request request = Request.builder("GET", "/r").header("Cookie", cookie).header("Authorization", "Bearer header").build();

    assertThat(Credentials.bearer(request, Optional.of("session"))).contains("header");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "access_token=t                      | t",
      "ACCESS_TOKEN=t                      | t",
      "Access_Token=t                      | t",
      "access%5Ftoken=t                    | t",
      "access%5ftoken=t                    | t",
      "%61ccess_token=t                    | t",
      "access_toke%6E=t                    | t",
      "access_token=a%2Eb                  | a.b",
      "access_token=a+b                    | a b",
      "access_token=+t                     | ' t'",
      "access_token=%zz                    | %zz",
      "access_token=                       | ''",
      "access_token                        | ''",
      "a=1&access_token=t&b=2              | t",
      "a=1&&access_token=t                 | t",
      "access_token=t&access_token=u       | t,u",
      "access_token=t&ACCESS%5FTOKEN=u     | t,u",
      "access_tokens=t                     | ",
      "access_toke=t                       | ",
      "xaccess_token=t                     | ",
      "access%5Ftoken%=t                   | ",
      "access-token=t                      | ",
      "token=t                             | ",
      "a=access_token                      | "})
  void reads_every_access_token_query_parameter_by_its_decoded_name(String query, String tokens) {
    List<String> expected = tokens == null ? List.of() : List.of(tokens.split(",", -1));

    assertThat(Credentials.queryTokens(withQuery(query))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "none"})
  void no_query_means_no_query_tokens(String query) {
    Request request = query.isEmpty() ? withQuery("") : Request.builder("GET", "/r").build();

    assertThat(Credentials.queryTokens(request)).isEmpty();
    assertThat(Credentials.withoutQueryTokens(request)).isSameAs(request);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "access_token=t                      | ",
      "ACCESS%5Ftoken=t                    | ",
      "access_token=t&access_token=u       | ",
      "a=1&access_token=t&b=2              | a=1&b=2",
      "access_token=t&b=2                  | b=2",
      "a=1&access_token                    | a=1",
      "a=1&&b=2&Access_Token=t             | a=1&&b=2",
      "a=%20&access_token=t                | a=%20"})
  void removes_every_access_token_from_the_query_and_keeps_the_rest_as_sent(String query, String rest) {
    Request stripped = Credentials.withoutQueryTokens(withQuery(query));

    assertThat(stripped.rawQuery()).isEqualTo(Optional.ofNullable(rest));
    assertThat(stripped.path()).isEqualTo("/r");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a=1", "a=1&b=2", "access_tokens=t", "token=t"})
  void a_query_without_access_tokens_is_left_alone(String query) {
    Request request = withQuery(query);

    assertThat(Credentials.withoutQueryTokens(request)).isSameAs(request);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"Bearer a b", "Bearer a,b", "Bearer a, b", "Bearer a\tb", "Basic abc, Bearer def", "Bearer abc,",
      "Bearer ,abc", "Bearer  ,abc", "Basic ,", "Basic  a  b", "Foo a b"})
  void an_authorization_header_with_more_than_one_credential_is_ambiguous(String header) {
    String expected = "the Authorization header holds more than one scheme and credential (expected: one)";

    assertThat(Credentials.ambiguity(withAuthorization(header), true)).isEqualTo(expected);
    assertThat(Credentials.ambiguity(withAuthorization(header), false)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"Bearer abc", "Bearer  abc", "Bearer", "Bearer,x", "abc", "Basic YWxpY2U6cHc=", "  Bearer abc  "})
  void one_scheme_and_one_credential_is_not_ambiguous(String header) {
    assertThat(Credentials.ambiguity(withAuthorization(header), true)).isNull();
  }

  @ParameterizedTest(name = "{0} query tokens, header {1}")
  @CsvSource({
      "0, false, false",
      "1, false, false",
      "2, false, true",
      "3, false, true",
      "0, true, false",
      "1, true, true",
      "2, true, true"})
  void on_a_bearer_route_more_than_one_access_token_is_ambiguous(int queryTokens, boolean header, boolean ambiguous) {
    Request.Builder b = Request.builder("GET", "/r");
    if (queryTokens > 0) {
      b.rawQuery(String.join("&", Collections.nCopies(queryTokens, "access_token=t")));
    }
    if (header) {
      b.header("Authorization", "Bearer t");
    }

    assertThat(Credentials.ambiguity(b.build(), true))
        .isEqualTo(ambiguous ? "the request carries more than one access token (expected: one method, RFC 6750 section 2)" : null);
    assertThat(Credentials.ambiguity(b.build(), false)).isNull();
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "x", "the token is malformed"})
  void quotes_auth_param_values(String value) {
    assertThat(Credentials.quoted(value)).isEqualTo("\"" + value + "\"");
  }
}
