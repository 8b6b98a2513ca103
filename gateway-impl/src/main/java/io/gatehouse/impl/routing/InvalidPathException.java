package io.gatehouse.impl.routing;

/**
 * Thrown by {@link PathNormalizer#normalize(String)} for a path the gateway refuses to route; the
 * caller answers 400. Carries no stack trace: it is a verdict on client input, thrown on the hot
 * path, and a trace would only cost time.
 *
 * <pre>{@code
 * try {
 *   path = PathNormalizer.normalize(request.path());
 * } catch (InvalidPathException e) {
 *   return badRequest(e.reason());
 * }
 * }</pre>
 */
public final class InvalidPathException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_QUOTED = 100;

  /** The path as received, quoted in the message only. */
  private final String rawPath;
  /** Why the path was refused, without quoting it. */
  private final String reason;

  InvalidPathException(String rawPath, String reason) {
    super(null, null, false, false);
    this.rawPath = rawPath;
    this.reason = reason;
  }

  /**
   * Why the path was refused, in a few words that are safe to show the client: they never quote
   * the client's input.
   *
   * @return such as {@code encoded '/' (%2F) in path}
   */
  public String reason() {
    return reason;
  }

  /**
   * The reason with the offending path, for logs: control and non-ASCII characters are escaped and
   * a long path is cut, so the message cannot forge log lines.
   *
   * @return such as {@code path: '/%2Fadmin' (encoded '/' (%2F) in path)}
   */
  @Override
  public String getMessage() {
    return "path: '" + printable(rawPath == null ? "" : rawPath) + "' (" + reason + ")";
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 8);
    for (int i = 0; i < s.length() && i < MAX_QUOTED; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        b.append(c);
      } else {
        b.append(String.format("\\u%04X", (int) c));
      }
    }
    if (s.length() > MAX_QUOTED) {
      b.append("...");
    }
    return b.toString();
  }
}
