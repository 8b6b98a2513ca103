package io.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

  @Test
  void matches_only_the_hashed_password_and_round_trips_its_encoding() {
    PasswordHash hash = PasswordHash.of("correct horse", 2_000);

    assertThat(hash.matches("correct horse")).isTrue();
    assertThat(hash.matches("correct horse ")).isFalse();
    assertThat(hash.matches("")).isFalse();
    PasswordHash parsed = PasswordHash.parse(hash.encoded());
    assertThat(parsed).isEqualTo(hash);
    assertThat(parsed).hasSameHashCodeAs(hash);
    assertThat(parsed.iterations()).isEqualTo(2_000);
    assertThat(parsed.matches("correct horse")).isTrue();
    assertThat(hash.encoded()).startsWith("$pbkdf2-sha256$i=2000$").doesNotContain("correct");
    assertThat(hash.toString()).isEqualTo("PasswordHash[pbkdf2-sha256, 2000 iterations]");
  }

  @Test
  void salts_each_hash_and_defaults_to_owasp_iterations() {
    assertThat(PasswordHash.of("same", 1_000).encoded()).isNotEqualTo(PasswordHash.of("same", 1_000).encoded());
    assertThat(PasswordHash.DEFAULT_ITERATIONS).isEqualTo(600_000);
  }

  @Test
  void reads_a_hash_made_elsewhere() {
    // Python: hashlib.pbkdf2_hmac('sha256', b'password', b'saltsaltsalt', 4096)
    String encoded = "$pbkdf2-sha256$i=4096$c2FsdHNhbHRzYWx0$13TLRJVFWraUiyDcUioP51itOCxn4RX5s3K0R+uq90s";

    assertThat(PasswordHash.parse(encoded).matches("password")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "$2a$10$abc", "$pbkdf2-sha256$i=4096$c2FsdA", "$pbkdf2-sha256$i=x$c2FsdA$AAAA",
      "$pbkdf2-sha256$i=4096$!!$AAAA"})
  void rejects_what_is_not_a_pbkdf2_sha256_hash(String encoded) {
    assertThatThrownBy(() -> PasswordHash.parse(encoded)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("password hash: ");
  }

  @Test
  void rejects_too_few_iterations_and_short_salts() {
    assertThatThrownBy(() -> PasswordHash.of("x", 999)).hasMessage("iterations: 999 (expected: >= 1000)");
    assertThatThrownBy(() -> PasswordHash.parse("$pbkdf2-sha256$i=100$c2FsdHNhbHQ$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o"))
        .hasMessage("iterations: 100 (expected: >= 1000)");
    assertThatThrownBy(() -> PasswordHash.parse("$pbkdf2-sha256$i=4096$c2FsdA$xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o"))
        .as("a 4-byte salt").hasMessageContaining("salt or hash too short");
  }
}
