package io.gatehouse.impl.websocket;

import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The opening handshake's rules (RFC 6455 section 4): what makes a client's request an upgrade
 * offer, what makes the offer valid, and what makes the upstream's {@code 101} the right answer.
 */
final class Handshake {
  static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  static final String VERSION = "13";

  private Handshake() {}

  /** A refused handshake: the status and why. */
  record Refusal(int status, String detail) {}

  /** Whether the fields ask for WebSocket: an {@code Upgrade} field with the {@code websocket} token. */
  static boolean asksForWebSocket(HttpHeaders upgradeFields) {
    return tokens(upgradeFields.all("Upgrade")).contains("websocket");
  }

  /**
   * Why the client's offer is not a valid opening handshake, or empty if it is.
   *
   * @param in the request, whose {@code Sec-WebSocket-*} fields are read
   * @param upgradeFields the {@code Upgrade} and {@code Connection} fields as they arrived
   */
  static Optional<Refusal> refusal(Request in, HttpHeaders upgradeFields) {
    if (!in.method().equals("GET")) {
      return refuse(400, "method " + in.method() + " (expected: GET)");
    }
    if (in.tunnel().isEmpty()) {
      return refuse(400, "this connection cannot switch protocols (expected: HTTP/1.1; WebSocket over HTTP/2 is not supported)");
    }
    if (!in.body().isEmpty()) {
      return refuse(400, "the upgrade request has a body (expected: none)");
    }
    if (!tokens(upgradeFields.all("Connection")).contains("upgrade")) {
      return refuse(400, "Connection: " + String.join(", ", upgradeFields.all("Connection")) + " (expected: the token 'upgrade')");
    }
    List<String> versions = in.headers().all("Sec-WebSocket-Version");
    if (versions.isEmpty()) {
      return refuse(400, "Sec-WebSocket-Version: none (expected: 13)");
    }
    if (versions.size() != 1 || !versions.get(0).strip().equals(VERSION)) {
      return refuse(426, "Sec-WebSocket-Version: " + String.join(", ", versions) + " (expected: 13)");
    }
    List<String> keys = in.headers().all("Sec-WebSocket-Key");
    if (keys.size() != 1 || !validKey(keys.get(0).strip())) {
      return refuse(400, "Sec-WebSocket-Key: " + (keys.isEmpty() ? "none" : printable(String.join(", ", keys)))
          + " (expected: one field, 16 bytes in base64)");
    }
    return Optional.empty();
  }

  /** Why the upstream's {@code 101} is not the answer to {@code key}, or empty if it is. */
  static Optional<String> upstreamProblem(Response answer, String key, List<String> offeredProtocols) {
    HttpHeaders h = answer.headers();
    if (!tokens(h.all("Upgrade")).contains("websocket")) {
      return Optional.of("Upgrade: " + String.join(", ", h.all("Upgrade")) + " (expected: websocket)");
    }
    List<String> accepts = h.all("Sec-WebSocket-Accept");
    String expected = accept(key);
    if (accepts.size() != 1 || !accepts.get(0).strip().equals(expected)) {
      return Optional.of("Sec-WebSocket-Accept: " + printable(String.join(", ", accepts)) + " (expected: " + expected + ")");
    }
    if (h.contains("Sec-WebSocket-Extensions")) {
      return Optional.of("Sec-WebSocket-Extensions: " + printable(String.join(", ", h.all("Sec-WebSocket-Extensions")))
          + " (expected: none, as none was offered)");
    }
    List<String> protocols = h.all("Sec-WebSocket-Protocol");
    if (protocols.size() > 1 || (protocols.size() == 1 && !offeredProtocols.contains(protocols.get(0).strip()))) {
      return Optional.of("Sec-WebSocket-Protocol: " + printable(String.join(", ", protocols))
          + " (expected: one of those offered: " + offeredProtocols + ")");
    }
    return Optional.empty();
  }

  /** {@code Sec-WebSocket-Accept} for a key: base64 of the SHA-1 of the key and the GUID. */
  static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JDK", e);
    }
  }

  /** The subprotocols a client offers, in order. */
  static List<String> protocols(HttpHeaders headers) {
    List<String> out = new ArrayList<>();
    for (String value : headers.all("Sec-WebSocket-Protocol")) {
      for (String token : value.split(",")) {
        String t = token.strip();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** 24 base64 characters (no line breaks or padding tricks) that decode to 16 bytes. */
  static boolean validKey(String key) {
    if (key.length() != 24 || !key.endsWith("==")) {
      return false;
    }
    for (int i = 0; i < 22; i++) {
      char c = key.charAt(i);
      boolean b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
      if (!b64) {
        return false;
      }
    }
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The lower-case comma-separated tokens of some field values. */
  static List<String> tokens(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      for (String token : value.split(",")) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private static Optional<Refusal> refuse(int status, String detail) {
    return Optional.of(new Refusal(status, detail));
  }

  /** At most 80 characters, control bytes escaped: a value echoed in a message. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 80; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        b.append(String.format("\\x%02X", (int) c));
      } else {
        b.append(c);
      }
    }
    return s.length() > 80 ? b + "..." : b.toString();
  }
}
