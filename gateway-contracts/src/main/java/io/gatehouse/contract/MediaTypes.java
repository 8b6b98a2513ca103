package io.gatehouse.contract;

import java.util.Locale;
import java.util.Optional;

/** Media types as the contract compares them: type and subtype, lower-cased, parameters dropped. */
final class MediaTypes {
  private MediaTypes() {}

  /**
   * The essence of a {@code Content-Type} value ({@code Application/JSON; charset=utf-8} is
   * {@code application/json}); empty when it is not {@code type/subtype}.
   */
  static Optional<String> essence(String contentType) {
    int semicolon = contentType.indexOf(';');
    String essence = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    int slash = essence.indexOf('/');
    if (slash <= 0 || slash == essence.length() - 1 || essence.indexOf('/', slash + 1) >= 0
        || !essence.chars().allMatch(MediaTypes::tokenOrSlash)) {
      return Optional.empty();
    }
    return Optional.of(essence);
  }

  private static boolean tokenOrSlash(int c) {
    return c == '/' || (c > 32 && c < 127 && "()<>@,;:\\\"[]?={}".indexOf(c) < 0);
  }

  /** Whether a media type is JSON: {@code application/json} or any {@code +json} suffix. */
  static boolean isJson(String essence) {
    return essence.equals("application/json") || essence.endsWith("+json");
  }

  /** Whether a concrete media type falls in a range ({@code application/json}, {@code application/*}, {@code *}{@code /*}). */
  static boolean inRange(String essence, String range) {
    if (range.equals("*/*") || range.equals(essence)) {
      return true;
    }
    if (range.endsWith("/*")) {
      return essence.startsWith(range.substring(0, range.length() - 1));
    }
    return false;
  }
}
