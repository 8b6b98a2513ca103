package io.gatehouse.impl.auth;

import static org.assertj.core.api.Assertions.assertThat;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The subject common name that {@code idFrom(SUBJECT_CN)} takes as the principal's id: exactly
 * one, not empty, as a string; any other subject has none, so the request gets 401 rather than a
 * guessed identity. Surrounding spaces are not significant in a DN (X.500 drops them).
 */
class ClientCertificateNamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "none", value = {
      "CN=billing,O=Example                  | billing",
      "O=Example,CN=billing                  | billing",
      "cn=billing                            | billing",
      "CN=billing+OU=Payments,O=Example      | billing",
      "OU=Payments+CN=billing                | billing",
      "CN=bill\\,ing,O=Example               | bill,ing",
      "CN=bill\\+ing                         | bill+ing",
      "CN=\" billing \"                      | billing",
      "CN=admin,CN=billing                   | none",
      "CN=admin+CN=billing                   | none",
      "O=Example                             | none",
      "CN=,O=Example                         | none",
      "CN=#0c0762696c6c696e67                | billing",
      "CN=#020101                            | none",
      "2.5.4.3=billing                       | billing",
      "OU=CN\\=admin,CN=billing              | billing"})
  void takes_exactly_one_common_name(String subject, String expected) throws Exception {
    assertThat(ClientCertificateAuthenticator.commonName(new X500Principal(subject)).orElse(null)).isEqualTo(expected);
  }
}
