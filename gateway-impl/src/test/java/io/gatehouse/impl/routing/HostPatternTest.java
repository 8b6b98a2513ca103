package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternTest {

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "api.example.com   | api.example.com         | true",
      "api.example.com   | API.Example.COM         | true",
      "API.example.com   | api.example.com         | true",
      "api.example.com   | api.example.com:8443    | true",
      "api.example.com   | api.example.com.        | true",
      "api.example.com   | api.example.com.:80     | true",
      "api.example.com.  | api.example.com         | true",
      "api.example.com   | example.com             | false",
      "api.example.com   | xapi.example.com        | false",
      "api.example.com   | api.example.co          | false",
      "api.example.com   | api.example.com.evil    | false",
      "api.example.com   | ''                      | false",
      "*.example.com     | a.example.com           | true",
      "*.example.com     | a.b.example.com         | true",
      "*.example.com     | A.EXAMPLE.com:443       | true",
      "*.example.com     | a.example.com.          | true",
      "*.example.com     | example.com             | false",
      "*.example.com     | .example.com            | false",
      "*.example.com     | aexample.com            | false",
      "*.example.com     | a.example.com.evil      | false",
      "localhost         | localhost:8080          | true",
      "my_service        | MY_SERVICE:80           | true",
      "10.0.0.1          | 10.0.0.1:80             | true",
      "10.0.0.1          | 10.0.0.10               | false",
      "[::1]             | [::1]:8080              | true",
      "[::1]             | [::1]                   | true",
      "[::1]             | [::2]:8080              | false",
      "[::1]             | [::1                    | false",
      "[::1]             | [::1]x                  | false",
      "[2001:DB8::1]     | [2001:db8::1]:443       | true",
      "kelvin.example    | \u212Aelvin.example     | false",
  })
  void matches_host_header_values(String pattern, String host, boolean expected) {
    assertThat(HostPattern.parse(pattern).matches(host)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"               | host: '' (expected: a host name such as 'api.example.com' or '*.example.com')",
      ".                  | host: '.' (expected: a host name such as",
      "a.example.com:80   | host: 'a.example.com:80' (expected: no port; it is ignored when matching)",
      "a.com/x            | host: 'a.com/x' (expected: a host name without '/')",
      "http://a.com       | host: 'http://a.com' (expected: a host name without '/')",
      "\"a b.com\"        | host: 'a b.com' (expected: letters, digits, '-', '_' and '.' only)",
      "\" a.com\"         | host: ' a.com' (expected: letters, digits, '-', '_' and '.' only)",
      "caf\u00e9.com      | host: 'caf\u00e9.com' (expected: letters, digits, '-', '_' and '.' only)",
      "*                  | host: '*' (expected: '*' only as a whole first label, as in '*.example.com')",
      "*.                 | host: '*.' (expected: '*' only as a whole first label",
      "a.*.com            | host: 'a.*.com' (expected: '*' only as a whole first label",
      "*a.example.com     | host: '*a.example.com' (expected: '*' only as a whole first label",
      "*.*.example.com    | host: '*.*.example.com' (expected: '*' only as a whole first label",
      "example.*          | host: 'example.*' (expected: '*' only as a whole first label",
      "a..com             | host: 'a..com' (expected: no empty label)",
      ".a.com             | host: '.a.com' (expected: no empty label)",
      "a.com..            | host: 'a.com..' (expected: no empty label)",
      "*..a.com           | host: '*..a.com' (expected: no empty label)",
      "[::1               | host: '[::1' (expected: an IPv6 literal in brackets, such as '[::1]')",
      "[]                 | host: '[]' (expected: an IPv6 literal in brackets",
      "[a.b]              | host: '[a.b]' (expected: an IPv6 literal in brackets",
      "[::1]:80           | host: '[::1]:80' (expected: an IPv6 literal in brackets",
  })
  void rejects_an_invalid_pattern_naming_it(String pattern, String message) {
    assertThatThrownBy(() -> HostPattern.parse(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
