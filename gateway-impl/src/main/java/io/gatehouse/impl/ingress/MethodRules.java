package io.gatehouse.impl.ingress;

import io.gatehouse.GatewaySpec;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the gateway does with a request's method before routing (issue 10, item 9). Method names
 * are case-sensitive (RFC 9110 §9.1): a method outside the nine standard ones and the configured
 * extension methods gets 501, as nginx and Envoy answer methods they do not implement. Method
 * overrides (three headers and the {@code _method} query parameter that Spring, Rails, Laravel,
 * Symfony, Google and Microsoft APIs read) are always removed; when the gateway honours them, a
 * POST's override to PUT, PATCH or DELETE becomes the request's method first, so routing, auth and
 * limits see what the upstream will do.
 */
public final class MethodRules {
  /** RFC 9110 §9.3 and RFC 5789: the methods every gateway knows. */
  public static final Set<String> STANDARD =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  /** Taken only by a route that names them: CONNECT opens tunnels, TRACE echoes credentials (XST). */
  static final Set<String> ONLY_BY_NAME = Set.of("CONNECT", "TRACE");
  /** What a POST may become, as Spring's HiddenHttpMethodFilter allows. */
  static final Set<String> OVERRIDABLE_TO = Set.of("PUT", "PATCH", "DELETE");
  private static final List<String> OVERRIDE_HEADERS =
      List.of("x-http-method-override", "x-http-method", "x-method-override");

  private final Set<String> extensions;
  private final boolean honourOverrides;
  private final String known;

  public MethodRules(GatewaySpec spec) {
    this.extensions = Set.copyOf(spec.ingress().extensionMethods());
    this.honourOverrides = spec.ingress().methodOverride();
    Set<String> all = new TreeSet<>(STANDARD);
    all.addAll(extensions);
    this.known = String.join(", ", all);
  }

  /** Whether the gateway routes this method at all. */
  public boolean knows(String method) {
    return STANDARD.contains(method) || extensions.contains(method);
  }

  /** The methods that a route naming none takes: all it knows but CONNECT and TRACE. */
  public Set<String> anyMethod() {
    Set<String> all = new LinkedHashSet<>(List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"));
    all.addAll(extensions);
    return all;
  }

  /** The request as routing sees it, or why it is refused. */
  public Outcome apply(Request request) {
    if (!knows(request.method())) {
      return new Refused(501, "Not Implemented", "method " + request.method()
          + " is not implemented by this gateway (methods are case-sensitive; expected: one of " + known + ")");
    }
    HttpHeaders headers = request.headers();
    List<String> overrides = new ArrayList<>();
    List<String> headerNames = new ArrayList<>();
    if (hasOverrideHeader(headers)) {
      for (String name : headers.names()) {
        if (isOverrideHeader(name)) {
          headerNames.add(name);
          overrides.addAll(headers.all(name));
        }
      }
    }
    Optional<String> query = request.rawQuery();
    String strippedQuery = null;
    if (query.isPresent()) {
      strippedQuery = stripMethodParameters(query.get(), overrides);
    }
    if (headerNames.isEmpty() && strippedQuery == null) {
      return new Pass(request);
    }
    Request.Builder b = request.toBuilder();
    if (!headerNames.isEmpty()) {
      HttpHeaders.Builder h = headers.toBuilder();
      headerNames.forEach(h::remove);
      b.headers(h.build());
    }
    if (strippedQuery != null) {
      if (strippedQuery.isEmpty()) {
        b.noQuery();
      } else {
        b.rawQuery(strippedQuery);
      }
    }
    if (honourOverrides && request.method().equals("POST")) {
      Set<String> wanted = new LinkedHashSet<>();
      for (String o : overrides) {
        wanted.add(o.strip().toUpperCase(Locale.ROOT));
      }
      if (wanted.size() > 1) {
        return new Refused(400, "Bad Request", "the request's method overrides disagree: " + wanted);
      }
      if (wanted.size() == 1 && OVERRIDABLE_TO.contains(wanted.iterator().next())) {
        String method = wanted.iterator().next();
        b.method(method);
      }
    }
    return new Pass(b.build());
  }

  /** Whether any field is an override header: the common answer, no, without copying the names. */
  private static boolean hasOverrideHeader(HttpHeaders headers) {
    boolean[] found = new boolean[1];
    headers.forEach((name, value) -> found[0] |= isOverrideHeader(name));
    return found[0];
  }

  /** {@code X-HTTP-Method-Override} and its kin, in any case, with {@code _} for {@code -} too. */
  public static boolean isOverrideHeader(String name) {
    for (String known : OVERRIDE_HEADERS) {
      if (foldsTo(name, known)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code name} is {@code lowerName} in any ASCII case, with {@code _} for {@code -};
   * compared in place, as this runs for every field of every request (header names are tokens,
   * ASCII only).
   */
  private static boolean foldsTo(String name, String lowerName) {
    if (name.length() != lowerName.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      char folded = c == '_' ? '-' : c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
      if (folded != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The query without its {@code _method} parameters (their values added to {@code found}), or
   * null when it has none. A parameter counts when its percent-decoded name is {@code _method} in
   * any case; a pair is also dropped when a {@code ;}-separated part of it is one, for the
   * frameworks that split on {@code ;} as well as {@code &}.
   */
  static String stripMethodParameters(String rawQuery, List<String> found) {
    List<String> kept = new ArrayList<>();
    boolean removed = false;
    for (String pair : rawQuery.split("&", -1)) {
      boolean isOverride = false;
      for (String part : pair.split(";", -1)) {
        int eq = part.indexOf('=');
        String name = decode(eq < 0 ? part : part.substring(0, eq));
        if (name.equalsIgnoreCase("_method")) {
          isOverride = true;
          found.add(eq < 0 ? "" : decode(part.substring(eq + 1)));
        }
      }
      if (isOverride) {
        removed = true;
      } else {
        kept.add(pair);
      }
    }
    return removed ? String.join("&", kept) : null;
  }

  /** Percent-decodes (and {@code +} as space, as form decoding does); a bad escape stays as it is. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    byte[] out = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
        out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else if (c == '+') {
        out[n++] = ' ';
      } else {
        out[n++] = (byte) c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }

  public sealed interface Outcome permits Pass, Refused {}

  /** Route this request. */
  public record Pass(Request request) implements Outcome {}

  /** Answer with this problem instead. */
  public record Refused(int status, String title, String detail) implements Outcome {}
}
