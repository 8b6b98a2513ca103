package io.gatehouse.impl.cors;

import io.gatehouse.impl.net.IpLiteral;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a CORS policy's origins, parsed strictly: an origin exactly as browsers serialize it
 * ({@code https://app.example.com}, {@code http://[::1]:3000}), the opaque origin {@code null}, or a
 * pattern whose whole first host label is {@code *} ({@code https://*.example.com}). Matches a
 * request's {@code Origin} value by exact comparison; a pattern's {@code *} stands for one or more
 * whole DNS labels, never a substring.
 *
 * <pre>{@code
 * OriginPattern p = OriginPattern.parse("https://*.example.com");
 * p.matches("https://a.b.example.com");         // true
 * p.matches("https://app.example.com.evil.net"); // false
 * p.matches("https://evilexample.com");         // false
 * }</pre>
 *
 * <p>The grammar, in which every letter is lower case, as browsers send it:
 * <pre>
 * entry   = "null" / scheme "://" host [":" port] / scheme "://*." domain [":" port]
 * scheme  = ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")    ; not "file": its pages send "null"
 * host    = domain / IPv4 / "[" IPv6 "]"                 ; IP literals in canonical form
 * domain  = label *("." label)                           ; after "*.": two labels or more
 * label   = 1*63(ALPHA / DIGIT / "-" / "_")              ; the last one not all digits
 * port    = 1 to 65535 without leading zeros, not the scheme's default (http 80, https 443, ...)
 * </pre>
 * Immutable.
 */
public final class OriginPattern {
  /** The special schemes' default ports, which browsers leave out of an origin (WHATWG URL). */
  private static final Map<String, String> DEFAULT_PORTS = Map.of("http", "80", "https", "443", "ws", "80",
      "wss", "443", "ftp", "21");

  private final String entry;
  /** For a pattern: what precedes the {@code *}, {@code scheme://}. */
  private final String prefix;
  /** For a pattern: what follows the {@code *}, {@code .domain[:port]}. */
  private final String suffix;

  private OriginPattern(String entry, String prefix, String suffix) {
    this.entry = entry;
    this.prefix = prefix;
    this.suffix = suffix;
  }

  /**
   * Parses an entry of {@code Cors.allowOrigins}.
   *
   * @param entry such as {@code https://app.example.com}, {@code https://*.example.com} or {@code null}
   * @return the entry, ready to match
   * @throws IllegalArgumentException whose message is the entry in quotes, what is wrong, and what to
   *     write instead, such as {@code 'https://App.example.com' has upper-case letters (expected:
   *     'https://app.example.com', in lower case as browsers send it)}
   */
  public static OriginPattern parse(String entry) {
    Objects.requireNonNull(entry, "entry");
    if (entry.equals("null")) {
      return new OriginPattern(entry, null, null);
    }
    if (entry.equals("*")) {
      throw invalid(entry, "is not an origin", "an origin such as 'https://app.example.com'; Cors.allowAnyOrigin()"
          + " for any");
    }
    int colon = entry.indexOf("://");
    if (colon <= 0) {
      throw invalid(entry, "has no scheme", "scheme://host[:port], such as 'https://app.example.com'");
    }
    if (entry.chars().anyMatch(c -> c >= 'A' && c <= 'Z')) {
      throw invalid(entry, "has upper-case letters",
          "'" + entry.toLowerCase(Locale.ROOT) + "', in lower case as browsers send it");
    }
    String scheme = entry.substring(0, colon);
    if (!isScheme(scheme)) {
      throw invalid(entry, "has a malformed scheme", "a letter, then letters, digits, '+', '-' or '.'");
    }
    if (scheme.equals("file")) {
      throw invalid(entry, "is a file: URL", "'null', the origin browsers send from file: pages");
    }
    String rest = entry.substring(colon + 3);
    int end = firstOf(rest, "/?#");
    if (end != -1) {
      throw invalid(entry, "has more than scheme://host[:port]",
          "'" + scheme + "://" + rest.substring(0, end) + "', without a path, query or trailing '/'");
    }
    if (rest.contains("@")) {
      throw invalid(entry, "has user info", "scheme://host[:port] only");
    }
    String host;
    String port;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close == -1) {
        throw invalid(entry, "has an unclosed '['", "an IPv6 literal in brackets, such as 'http://[::1]:8080'");
      }
      host = rest.substring(0, close + 1);
      port = close + 1 == rest.length() ? null : portOf(entry, rest.substring(close + 1));
      ipv6(entry, host);
    } else {
      int portColon = rest.indexOf(':');
      host = portColon == -1 ? rest : rest.substring(0, portColon);
      port = portColon == -1 ? null : portOf(entry, rest.substring(portColon));
    }
    if (port != null && port.equals(DEFAULT_PORTS.get(scheme))) {
      throw invalid(entry, "names the default port of " + scheme,
          "'" + scheme + "://" + host + "', as browsers leave the default port out");
    }
    String portSuffix = port == null ? "" : ":" + port;
    if (host.startsWith("[")) {
      return new OriginPattern(entry, null, null);
    }
    boolean wildcard = host.startsWith("*.");
    String domain = wildcard ? host.substring(2) : host;
    if (domain.contains("*")) {
      throw invalid(entry, "has '*' inside a label or after the first",
          "'*' only as the whole first label, as in 'https://*.example.com'");
    }
    domain(entry, domain);
    if (!wildcard) {
      return new OriginPattern(entry, null, null);
    }
    if (!domain.contains(".") || isIpv4Like(domain)) {
      throw invalid(entry, "lets '*' stand for more than subdomains",
          "at least two labels after '*.', as in 'https://*.example.com'");
    }
    return new OriginPattern(entry, scheme + "://", "." + domain + portSuffix);
  }

  /**
   * Whether a request's {@code Origin} value matches: exactly, or for a pattern, with one or more
   * whole labels where the {@code *} is.
   *
   * @param origin the value as received
   * @return true on a match
   */
  public boolean matches(String origin) {
    if (prefix == null) {
      return entry.equals(origin);
    }
    // The prefix ends in '/' and the suffix starts with '.', so they cannot overlap; an empty or
    // negative span between them is no label.
    return origin.startsWith(prefix) && origin.endsWith(suffix)
        && isLabels(origin, prefix.length(), origin.length() - suffix.length());
  }

  /** Whether this entry is a pattern, matching more than one origin. */
  boolean isPattern() {
    return prefix != null;
  }

  /**
   * The entry as written.
   *
   * @return such as {@code https://*.example.com}
   */
  public String entry() {
    return entry;
  }

  /** Whether {@code origin[from, to)} is one or more non-empty labels of letters, digits, '-' and '_'. */
  private static boolean isLabels(String origin, int from, int to) {
    boolean labelStart = true;
    for (int i = from; i < to; i++) {
      char c = origin.charAt(i);
      if (c == '.') {
        if (labelStart) {
          return false;
        }
        labelStart = true;
      } else if (isLabelChar(c)) {
        labelStart = false;
      } else {
        return false;
      }
    }
    return !labelStart;
  }

  private static boolean isLabelChar(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
  }

  private static void domain(String entry, String domain) {
    if (domain.isEmpty()) {
      throw invalid(entry, "has no host", "scheme://host[:port], such as 'https://app.example.com'");
    }
    String[] labels = domain.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        throw invalid(entry, "has an empty label", "no leading, trailing or double '.' in the host");
      }
      for (int i = 0; i < label.length(); i++) {
        if (!isLabelChar(label.charAt(i))) {
          throw invalid(entry, "has '" + label.charAt(i) + "' in its host",
              "letters, digits, '-' and '_' (internationalized names in their xn-- form)");
        }
      }
      if (label.length() > 63) {
        throw invalid(entry, "has a label of " + label.length() + " characters", "at most 63");
      }
    }
    if (isIpv4Like(domain)) {
      // Browsers read a host ending in a number as IPv4 and send it as a dotted quad.
      Optional<IpLiteral> ip = IpLiteral.tryParse(domain);
      if (ip.isEmpty() || !ip.get().toString().equals(domain)) {
        throw invalid(entry, "has a host that browsers read as an IPv4 address",
            "four decimal parts 0 to 255 without leading zeros, such as 'http://127.0.0.1:8080'");
      }
    }
  }

  /** Whether the URL standard parses the host as IPv4: its last label is a number. */
  private static boolean isIpv4Like(String domain) {
    String last = domain.substring(domain.lastIndexOf('.') + 1);
    if (last.startsWith("0x")) {
      return true;
    }
    for (int i = 0; i < last.length(); i++) {
      if (last.charAt(i) < '0' || last.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static void ipv6(String entry, String bracketed) {
    String text = bracketed.substring(1, bracketed.length() - 1);
    Optional<IpLiteral> ip = text.indexOf(':') < 0 ? Optional.empty() : IpLiteral.tryParse(text);
    if (ip.isEmpty()) {
      throw invalid(entry, "has a malformed IPv6 literal", "an IPv6 literal in brackets, such as 'http://[::1]:8080'");
    }
    String canonical = canonicalIpv6(ip.get());
    if (!canonical.equals(text)) {
      throw invalid(entry, "has an IPv6 literal browsers send otherwise",
          "'[" + canonical + "]', lower case with the longest run of zero groups as '::'");
    }
  }

  /** The URL standard's IPv6 serialization: eight hex pieces, the first longest run of two or more zeros as '::'. */
  private static String canonicalIpv6(IpLiteral ip) {
    byte[] b = ip.bytes(); // sixteen: the text had a ':'
    int[] pieces = new int[8];
    for (int i = 0; i < 8; i++) {
      pieces[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLength = 1; // a lone zero piece is written out
    int runStart = 0;
    for (int i = 0; i < 8; i++) {
      if (pieces[i] != 0) {
        runStart = i + 1;
      } else if (i - runStart + 1 > bestLength) {
        bestStart = runStart;
        bestLength = i - runStart + 1;
      }
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append(i == 0 ? "::" : ":");
        i += bestLength - 1;
        continue;
      }
      text.append(Integer.toHexString(pieces[i]));
      if (i < 7) {
        text.append(':');
      }
    }
    return text.toString();
  }

  /** The port in what follows a host: ':' and 1 to 65535 without leading zeros. */
  private static String portOf(String entry, String colonAndPort) {
    String digits = colonAndPort.substring(1);
    boolean ok = colonAndPort.charAt(0) == ':' && !digits.isEmpty() && digits.length() <= 5
        && digits.charAt(0) != '0' && digits.chars().allMatch(c -> c >= '0' && c <= '9')
        && Integer.parseInt(digits) <= 65535;
    if (!ok) {
      throw invalid(entry, "has a malformed port", "a port 1 to 65535 without leading zeros");
    }
    return digits;
  }

  private static boolean isScheme(String scheme) {
    if (scheme.charAt(0) < 'a' || scheme.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static int firstOf(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static IllegalArgumentException invalid(String entry, String problem, String expected) {
    return new IllegalArgumentException("'" + entry + "' " + problem + " (expected: " + expected + ")");
  }

  @Override
  public String toString() {
    return entry;
  }
}
