package io.gatehouse.impl.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.auth.JwtAuth;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.Iterator;

/**
 * The cheap checks of an unverified JWT, made before any key is looked up or fetched: its shape
 * and size, and the types of the registered claims. A NumericDate (RFC 7519 section 2) is a JSON
 * number from 0 to 253402300799 (9999-12-31T23:59:59Z); a fraction is allowed, as the RFC allows
 * it, and dropped (java-jwt reads whole seconds), so {@code exp} ends up to a second earlier.
 */
final class JwtClaims {
  /** Far above what identity providers issue (a few KiB with many groups), far below the header limits. */
  static final int MAX_TOKEN_CHARS = 16 * 1024;
  static final long MAX_NUMERIC_DATE = 253_402_300_799L;
  private static final BigDecimal MAX_DATE = BigDecimal.valueOf(MAX_NUMERIC_DATE + 1);
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** The decoded header and payload of a token whose shape is right. */
  record Parts(ObjectNode header, ObjectNode payload) {}

  private JwtClaims() {}

  /** The header and payload as JSON objects, or null if the token is not a compact JWS of three base64url parts. */
  static Parts parse(String token) {
    if (token.length() > MAX_TOKEN_CHARS) {
      return null;
    }
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0 || first == 0 || second == first + 1) {
      return null;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c == '.' || c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return null;
      }
    }
    JsonNode header = json(token.substring(0, first));
    JsonNode payload = json(token.substring(first + 1, second));
    return header instanceof ObjectNode h && payload instanceof ObjectNode p ? new Parts(h, p) : null;
  }

  private static JsonNode json(String base64Url) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(base64Url));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * What is wrong with the claims' types, for the client, or null when nothing is: {@code exp} is
   * required; {@code exp}, {@code nbf}, {@code iat} must be NumericDates; {@code iss}, {@code sub}
   * and the subject claim strings; {@code aud} a string or a list of strings; the required claims
   * present and not null.
   */
  static String typeProblem(ObjectNode claims, JwtAuth auth) {
    if (!claims.has("exp")) {
      return "the token lacks the claim exp";
    }
    for (String date : new String[] {"exp", "nbf", "iat"}) {
      JsonNode value = claims.get(date);
      if (value != null && !isNumericDate(value)) {
        return "the token's claim " + date + " is not a NumericDate";
      }
    }
    for (String text : new String[] {"iss", "sub", auth.subjectClaim()}) {
      JsonNode value = claims.get(text);
      if (value != null && !value.isTextual()) {
        return "the token's claim " + text + " is not a string";
      }
    }
    JsonNode aud = claims.get("aud");
    if (aud != null && !aud.isTextual() && !(aud.isArray() && allText(aud))) {
      return "the token's claim aud is not a string or a list of strings";
    }
    for (String required : auth.requiredClaims()) {
      JsonNode value = claims.get(required);
      if (value == null || value.isNull()) {
        return "the token lacks the claim " + required;
      }
    }
    return null;
  }

  private static boolean isNumericDate(JsonNode value) {
    if (!value.isNumber()) {
      return false;
    }
    BigDecimal n = value.decimalValue();
    return n.signum() >= 0 && n.compareTo(MAX_DATE) < 0;
  }

  private static boolean allText(JsonNode array) {
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      if (!it.next().isTextual()) {
        return false;
      }
    }
    return true;
  }
}
