package io.gatehouse.impl.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Accept-Encoding family: weights, wildcards, refusals, case, malformed weights. */
class AcceptEncodingTest {

  @ParameterizedTest(name = "[{0}] -> gzip {1}, identity {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "NONE                       | false | true",
      "''                         | false | true",
      "gzip                       | true  | true",
      "GZip                       | true  | true",
      "x-gzip                     | true  | true",
      "gzip, deflate, br          | true  | true",
      "br;q=1.0, gzip;q=0.8       | true  | true",
      "gzip;q=0                   | false | true",
      "gzip;q=0.000               | false | true",
      "gzip;q=0.001               | true  | true",
      "gzip; q=0.5                | true  | true",
      "gzip;Q=0.5                 | true  | true",
      "gzip;q=2                   | false | true",
      "gzip;q=abc                 | false | true",
      "gzip;q=0.1234              | false | true",
      "*                          | true  | true",
      "*;q=0                      | false | false",
      "*;q=0, gzip                | true  | false",
      "*, gzip;q=0                | false | true",
      "identity;q=0               | false | false",
      "gzip, identity;q=0         | true  | false",
      "*;q=0, identity            | false | true",
      "deflate                    | false | true",
      "br, zstd                   | false | true",
      "gzip;q=0, gzip;q=1         | true  | true",
      "' , ,gzip'                 | true  | true"})
  void weights_decide_what_may_be_sent(String field, boolean gzip, boolean identity) {
    AcceptEncoding accept = AcceptEncoding.parse(field == null ? List.of() : List.of(field));

    assertThat(accept.gzip()).as("gzip").isEqualTo(gzip);
    assertThat(accept.identity()).as("identity").isEqualTo(identity);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"br | gzip;q=0.5 | true", "gzip;q=0 | * | false", "identity;q=0 | gzip | true"})
  void several_fields_combine_as_one_list(String first, String second, boolean gzip) {
    assertThat(AcceptEncoding.parse(List.of(first, second)).gzip()).isEqualTo(gzip);
  }
}
