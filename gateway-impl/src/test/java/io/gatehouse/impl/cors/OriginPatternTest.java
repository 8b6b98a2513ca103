package io.gatehouse.impl.cors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The grammar of an allowed origin, and what each entry matches: exact origins compare exactly, a
 * pattern's {@code *} stands for whole labels only; every hostile look-alike of an allowed origin
 * (suffix and prefix tricks, another scheme or port, case, a trailing dot, user info, a path, a
 * list, whitespace) is refused.
 */
class OriginPatternTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      // exact origins: byte for byte what browsers send
      "https://app.example.com          | https://app.example.com              | true",
      "https://app.example.com          | https://app.example.com:443          | false",
      "https://app.example.com          | https://app.example.com/             | false",
      "https://app.example.com          | https://App.example.com              | false",
      "https://app.example.com          | HTTPS://app.example.com              | false",
      "https://app.example.com          | http://app.example.com               | false",
      "https://app.example.com          | https://app.example.com.             | false",
      "https://app.example.com          | https://app.example.com.evil.net     | false",
      "https://app.example.com          | https://evil.net/https://app.example.com | false",
      "https://app.example.com          | https://xapp.example.com             | false",
      "https://app.example.com          | https://app.example.co               | false",
      "https://app.example.com          | ' https://app.example.com'           | false",
      "https://app.example.com          | 'https://app.example.com, https://evil.net' | false",
      "https://app.example.com          | null                                 | false",
      "https://app.example.com          | ''                                   | false",
      "http://localhost:3000            | http://localhost:3000                | true",
      "http://localhost:3000            | http://localhost:30000               | false",
      "http://localhost:3000            | http://localhost:300                 | false",
      "http://localhost:3000            | http://localhost                     | false",
      "http://127.0.0.1:8080            | http://127.0.0.1:8080                | true",
      "http://[::1]:3000                | http://[::1]:3000                    | true",
      "http://[::1]:3000                | http://[0:0:0:0:0:0:0:1]:3000        | false",
      "http://[1:2:3:4:5:6:7:0]         | http://[1:2:3:4:5:6:7:0]             | true",
      "http://[::]                      | http://[::]                          | true",
      "capacitor://localhost            | capacitor://localhost                | true",
      "a0+z-9.a://z9.example            | a0+z-9.a://z9.example                | true",
      "z://az09-_.example               | z://az09-_.example                   | true",
      "http://localhost:65535           | http://localhost:65535               | true",
      "http://localhost:9090            | http://localhost:9090                | true",
      "http://10.0.0.10:8080            | http://10.0.0.10:8080                | true",
      "http://example.10x               | http://example.10x                   | true",
      "https://xn--bcher-kva.example    | https://xn--bcher-kva.example        | true",
      "null                             | null                                 | true",
      "null                             | Null                                 | false",
      "null                             | ''                                   | false",
      // patterns: one or more whole labels where the '*' is, the rest exact
      "https://*.example.com            | https://app.example.com              | true",
      "https://*.example.com            | https://a.b.example.com              | true",
      "https://*.example.com            | https://a-b_c.example.com            | true",
      "https://*.example.com            | https://1.example.com                | true",
      "https://*.example.com            | https://z0.a9.example.com            | true",
      "https://*.example.com            | https://a`b.example.com              | false",
      "https://*.example.com            | https://a{b.example.com              | false",
      "https://*.example.com            | https://a/b.example.com              | false",
      "https://*.example.com            | https://a:b.example.com              | false",
      "https://*.example.com            | https://a^b.example.com              | false",
      "https://*.example.com            | https://a@b.example.com              | false",
      "https://*.example.com            | https://example.com                  | false",
      "https://*.example.com            | https://.example.com                 | false",
      "https://*.example.com            | https://a..example.com               | false",
      "https://*.example.com            | https://.a.example.com               | false",
      "https://*.example.com            | https://evilexample.com              | false",
      "https://*.example.com            | https://app.example.com.evil.net     | false",
      "https://*.example.com            | https://app.example.com.             | false",
      "https://*.example.com            | https://app.example.com:8443         | false",
      "https://*.example.com            | https://app.example.com:443          | false",
      "https://*.example.com            | http://app.example.com               | false",
      "https://*.example.com            | wss://app.example.com                | false",
      "https://*.example.com            | https://App.example.com              | false",
      "https://*.example.com            | https://app.Example.com              | false",
      "https://*.example.com            | https://evil.net/.example.com        | false",
      "https://*.example.com            | https://evil.net?.example.com        | false",
      "https://*.example.com            | https://evil.net#.example.com        | false",
      "https://*.example.com            | https://user@evil.net.example.com    | false",
      "https://*.example.com            | https://evil.net:1.example.com       | false",
      "https://*.example.com            | https://a b.example.com              | false",
      "https://*.example.com            | 'https://a,b.example.com'            | false",
      "https://*.example.com            | https://a%2eb.example.com            | false",
      "https://*.example.com            | https://ａ.example.com               | false",
      "https://*.example.com            | https://*.example.com                | false",
      "https://*.example.com            | https://evil.net\t.example.com       | false",
      "https://*.example.com            | https://.example.com.example.com     | false",
      "https://*.example.com            | https:/app.example.com               | false",
      "https://*.example.com            | .example.com                         | false",
      "https://*.example.com            | null                                 | false",
      "https://*.example.com:8443       | https://app.example.com:8443         | true",
      "https://*.example.com:8443       | https://app.example.com              | false",
      "https://*.example.com:8443       | https://app.example.com:84430        | false",
      "https://*.example.com:8443       | https://app.example.com:8443.evil.net | false",
      // two labels after '*.' cannot tell a public suffix from a domain: documented on Cors
      "https://*.co.uk                  | https://evil.co.uk                   | true"})
  void an_entry_matches_exactly_what_it_says(String entry, String origin, boolean matches) {
    assertThat(OriginPattern.parse(entry).matches(origin.replace("\\t", "\t"))).isEqualTo(matches);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "https://app.example.com       | false",
      "null                          | false",
      "https://*.example.com         | true",
      "http://*.example.com:8080     | true"})
  void only_an_entry_with_a_star_is_a_pattern(String entry, boolean pattern) {
    OriginPattern parsed = OriginPattern.parse(entry);

    assertThat(parsed.isPattern()).isEqualTo(pattern);
    assertThat(parsed.entry()).isEqualTo(entry);
    assertThat(parsed).hasToString(entry);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "*                                 | '*' is not an origin (expected: an origin such as 'https://app.example.com'; Cors.allowAnyOrigin() for any)",
      "app.example.com                   | 'app.example.com' has no scheme (expected: scheme://host[:port], such as 'https://app.example.com')",
      "://app.example.com                | '://app.example.com' has no scheme (expected: scheme://host[:port], such as 'https://app.example.com')",
      "https:app.example.com             | 'https:app.example.com' has no scheme (expected: scheme://host[:port], such as 'https://app.example.com')",
      "https://App.example.com           | 'https://App.example.com' has upper-case letters (expected: 'https://app.example.com', in lower case as browsers send it)",
      "HTTPS://app.example.com           | 'HTTPS://app.example.com' has upper-case letters (expected: 'https://app.example.com', in lower case as browsers send it)",
      "1https://app.example.com          | '1https://app.example.com' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "ht_tp://app.example.com           | 'ht_tp://app.example.com' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "file:///etc                       | 'file:///etc' is a file: URL (expected: 'null', the origin browsers send from file: pages)",
      "https://app.example.com/          | 'https://app.example.com/' has more than scheme://host[:port] (expected: 'https://app.example.com', without a path, query or trailing '/')",
      "https://app.example.com/x         | 'https://app.example.com/x' has more than scheme://host[:port] (expected: 'https://app.example.com', without a path, query or trailing '/')",
      "https://app.example.com?x=1       | 'https://app.example.com?x=1' has more than scheme://host[:port] (expected: 'https://app.example.com', without a path, query or trailing '/')",
      "https://app.example.com#x         | 'https://app.example.com#x' has more than scheme://host[:port] (expected: 'https://app.example.com', without a path, query or trailing '/')",
      "https://u@app.example.com         | 'https://u@app.example.com' has user info (expected: scheme://host[:port] only)",
      "https://@app.example.com          | 'https://@app.example.com' has user info (expected: scheme://host[:port] only)",
      "https:///app.example.com          | 'https:///app.example.com' has more than scheme://host[:port] (expected: 'https://', without a path, query or trailing '/')",
      "https://:443                      | 'https://:443' names the default port of https (expected: 'https://', as browsers leave the default port out)",
      "https://app.example.com:443       | 'https://app.example.com:443' names the default port of https (expected: 'https://app.example.com', as browsers leave the default port out)",
      "http://app.example.com:80         | 'http://app.example.com:80' names the default port of http (expected: 'http://app.example.com', as browsers leave the default port out)",
      "wss://app.example.com:443         | 'wss://app.example.com:443' names the default port of wss (expected: 'wss://app.example.com', as browsers leave the default port out)",
      "ws://app.example.com:80           | 'ws://app.example.com:80' names the default port of ws (expected: 'ws://app.example.com', as browsers leave the default port out)",
      "ftp://app.example.com:21          | 'ftp://app.example.com:21' names the default port of ftp (expected: 'ftp://app.example.com', as browsers leave the default port out)",
      "https://*.example.com:443         | 'https://*.example.com:443' names the default port of https (expected: 'https://*.example.com', as browsers leave the default port out)",
      "http://[::1]:80                   | 'http://[::1]:80' names the default port of http (expected: 'http://[::1]', as browsers leave the default port out)",
      "https://app.example.com:          | 'https://app.example.com:' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:0         | 'https://app.example.com:0' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:08443     | 'https://app.example.com:08443' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:65536     | 'https://app.example.com:65536' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:100000    | 'https://app.example.com:100000' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:8a        | 'https://app.example.com:8a' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:+80       | 'https://app.example.com:+80' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "https://app.example.com:*         | 'https://app.example.com:*' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "http://[::1                       | 'http://[::1' has an unclosed '[' (expected: an IPv6 literal in brackets, such as 'http://[::1]:8080')",
      "http://[::1]x                     | 'http://[::1]x' has a malformed port (expected: a port 1 to 65535 without leading zeros)",
      "http://[]                         | 'http://[]' has a malformed IPv6 literal (expected: an IPv6 literal in brackets, such as 'http://[::1]:8080')",
      "http://[127.0.0.1]                | 'http://[127.0.0.1]' has a malformed IPv6 literal (expected: an IPv6 literal in brackets, such as 'http://[::1]:8080')",
      "http://[::g]                      | 'http://[::g]' has a malformed IPv6 literal (expected: an IPv6 literal in brackets, such as 'http://[::1]:8080')",
      "http://[0:0:0:0:0:0:0:1]          | 'http://[0:0:0:0:0:0:0:1]' has an IPv6 literal browsers send otherwise (expected: '[::1]', lower case with the longest run of zero groups as '::')",
      "http://[2001:db8:0:0:1:0:0:1]     | 'http://[2001:db8:0:0:1:0:0:1]' has an IPv6 literal browsers send otherwise (expected: '[2001:db8::1:0:0:1]', lower case with the longest run of zero groups as '::')",
      "http://[2001:0db8::1]             | 'http://[2001:0db8::1]' has an IPv6 literal browsers send otherwise (expected: '[2001:db8::1]', lower case with the longest run of zero groups as '::')",
      "http://[::ffff:127.0.0.1]         | 'http://[::ffff:127.0.0.1]' has an IPv6 literal browsers send otherwise (expected: '[::ffff:7f00:1]', lower case with the longest run of zero groups as '::')",
      "http://[1:0:0:2:0:0:0:3]          | 'http://[1:0:0:2:0:0:0:3]' has an IPv6 literal browsers send otherwise (expected: '[1:0:0:2::3]', lower case with the longest run of zero groups as '::')",
      "http://[1:2:3:4:5:6:0:0]          | 'http://[1:2:3:4:5:6:0:0]' has an IPv6 literal browsers send otherwise (expected: '[1:2:3:4:5:6::]', lower case with the longest run of zero groups as '::')",
      "http://[0:0:1:0:0:0:0:0]          | 'http://[0:0:1:0:0:0:0:0]' has an IPv6 literal browsers send otherwise (expected: '[0:0:1::]', lower case with the longest run of zero groups as '::')",
      "https://                          | 'https://' has no host (expected: scheme://host[:port], such as 'https://app.example.com')",
      "https://:8443                     | 'https://:8443' has no host (expected: scheme://host[:port], such as 'https://app.example.com')",
      "https://app..example.com          | 'https://app..example.com' has an empty label (expected: no leading, trailing or double '.' in the host)",
      "https://app.example.com.          | 'https://app.example.com.' has an empty label (expected: no leading, trailing or double '.' in the host)",
      "https://.example.com              | 'https://.example.com' has an empty label (expected: no leading, trailing or double '.' in the host)",
      "https://app example.com           | 'https://app example.com' has ' ' in its host (expected: letters, digits, '-' and '_' (internationalized names in their xn-- form))",
      "https://bücher.example            | 'https://bücher.example' has 'ü' in its host (expected: letters, digits, '-' and '_' (internationalized names in their xn-- form))",
      "https://app.EXAMPLE.cöm           | 'https://app.EXAMPLE.cöm' has upper-case letters (expected: 'https://app.example.cöm', in lower case as browsers send it)",
      "https://Zoo.example.com           | 'https://Zoo.example.com' has upper-case letters (expected: 'https://zoo.example.com', in lower case as browsers send it)",
      "https://app.example.com:9Z        | 'https://app.example.com:9Z' has upper-case letters (expected: 'https://app.example.com:9z', in lower case as browsers send it)",
      "https://[::1                      | 'https://[::1' has an unclosed '[' (expected: an IPv6 literal in brackets, such as 'http://[::1]:8080')",
      "http://127.0                      | 'http://127.0' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "http://1.9                        | 'http://1.9' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "http://a.b/c                      | 'http://a.b/c' has more than scheme://host[:port] (expected: 'http://a.b', without a path, query or trailing '/')",
      "sch`eme://a.b                     | 'sch`eme://a.b' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "sch{eme://a.b                     | 'sch{eme://a.b' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "sch/eme://a.b                     | 'sch/eme://a.b' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "sch:eme://a.b                     | 'sch:eme://a.b' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "`scheme://a.b                     | '`scheme://a.b' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "{scheme://a.b                     | '{scheme://a.b' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "https://a`b.example               | 'https://a`b.example' has '`' in its host (expected: letters, digits, '-' and '_' (internationalized names in their xn-- form))",
      "https://a{b.example               | 'https://a{b.example' has '{' in its host (expected: letters, digits, '-' and '_' (internationalized names in their xn-- form))",
      "https://a/b.example               | 'https://a/b.example' has more than scheme://host[:port] (expected: 'https://a', without a path, query or trailing '/')",
      "http://a.b:8/                     | 'http://a.b:8/' has more than scheme://host[:port] (expected: 'http://a.b:8', without a path, query or trailing '/')",
      "https://*                         | 'https://*' has '*' inside a label or after the first (expected: '*' only as the whole first label, as in 'https://*.example.com')",
      "https://*example.com              | 'https://*example.com' has '*' inside a label or after the first (expected: '*' only as the whole first label, as in 'https://*.example.com')",
      "https://app.*.example.com         | 'https://app.*.example.com' has '*' inside a label or after the first (expected: '*' only as the whole first label, as in 'https://*.example.com')",
      "https://*.*.example.com           | 'https://*.*.example.com' has '*' inside a label or after the first (expected: '*' only as the whole first label, as in 'https://*.example.com')",
      "https://a*.example.com            | 'https://a*.example.com' has '*' inside a label or after the first (expected: '*' only as the whole first label, as in 'https://*.example.com')",
      "*://app.example.com               | '*://app.example.com' has a malformed scheme (expected: a letter, then letters, digits, '+', '-' or '.')",
      "https://*.com                     | 'https://*.com' lets '*' stand for more than subdomains (expected: at least two labels after '*.', as in 'https://*.example.com')",
      "https://*.                        | 'https://*.' has no host (expected: scheme://host[:port], such as 'https://app.example.com')",
      "https://*.0.0.1                   | 'https://*.0.0.1' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "https://*.10.0.0.1                | 'https://*.10.0.0.1' lets '*' stand for more than subdomains (expected: at least two labels after '*.', as in 'https://*.example.com')",
      "http://127.1                      | 'http://127.1' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "http://010.0.0.1                  | 'http://010.0.0.1' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "http://256.0.0.1                  | 'http://256.0.0.1' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "http://example.0x10               | 'http://example.0x10' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')",
      "http://2130706433                 | 'http://2130706433' has a host that browsers read as an IPv4 address (expected: four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080')"})
  void a_malformed_entry_is_refused_saying_what_to_write(String entry, String message) {
    assertThatThrownBy(() -> OriginPattern.parse(entry)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @org.junit.jupiter.api.Test
  void a_label_may_have_63_characters_but_not_64() {
    String label63 = "a".repeat(63);
    assertThat(OriginPattern.parse("https://" + label63 + ".example.com").matches("https://" + label63 + ".example.com"))
        .isTrue();
    assertThatThrownBy(() -> OriginPattern.parse("https://a" + label63 + ".example.com"))
        .hasMessage("'https://a" + label63 + ".example.com' has a label of 64 characters (expected: at most 63)");
  }
}
