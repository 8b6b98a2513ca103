package io.gatehouse.impl.transform;

import java.util.List;
import java.util.Locale;

/**
 * What a client's {@code Accept-Encoding} (RFC 9110 section 12.5.3) allows: whether gzip may be
 * sent, and whether the uncompressed body ({@code identity}) may. A coding's weight is its own
 * {@code q}, else that of {@code *}, else 1 for {@code identity} and 0 for the others; a weight of
 * 0 refuses it. No field at all means any coding is acceptable, but a server should then send
 * none, so gzip is sent only to a client that names it or {@code *}. A weight that does not parse
 * counts as 0.
 *
 * @param gzip whether gzip may be sent
 * @param identity whether the uncompressed body may be sent
 */
record AcceptEncoding(boolean gzip, boolean identity) {
  private static final AcceptEncoding NONE = new AcceptEncoding(false, true);

  static AcceptEncoding parse(List<String> fields) {
    if (fields.isEmpty()) {
      return NONE;
    }
    double gzip = -1;
    double identity = -1;
    double any = -1;
    for (String field : fields) {
      for (String element : field.split(",")) {
        String[] parts = element.split(";");
        String coding = parts[0].trim().toLowerCase(Locale.ROOT);
        if (coding.isEmpty()) {
          continue;
        }
        double q = 1;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].trim();
          if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
            q = weight(p.substring(2).trim());
          }
        }
        switch (coding) {
          case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
          case "identity" -> identity = Math.max(identity, q);
          case "*" -> any = Math.max(any, q);
          default -> { }
        }
      }
    }
    boolean gzipOk = gzip >= 0 ? gzip > 0 : any > 0;
    boolean identityOk = identity >= 0 ? identity > 0 : any != 0;
    return new AcceptEncoding(gzipOk, identityOk);
  }

  /** RFC 9110 qvalue: 0 to 1 with up to three decimals; anything else is 0. */
  private static double weight(String text) {
    if (!text.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
      return 0;
    }
    return Double.parseDouble(text);
  }
}
