package io.gatehouse.transform;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compresses responses for clients that accept it: gzip, streamed (each chunk of the body is
 * compressed and flushed as it arrives, so nothing waits for the whole body and an unending stream
 * still flows). Immutable; every setter returns a changed copy. Set on a route with
 * {@code RouteBuilder.compression}.
 *
 * <pre>{@code
 * .route("catalog", r -> r.path("/catalog/**")
 *     .compression(Compression.gzip().minSize(1024).level(5))
 *     .upstream("http://catalog:8080"))
 * }</pre>
 *
 * <p><b>What is compressed.</b> A response whose {@code Content-Type} is one of
 * {@link #contentTypes()} (by default {@code text/*} but event streams, JSON, XML, JavaScript and
 * their {@code +json}/{@code +xml} kinds, SVG), with a known length of at least {@link #minSize()}
 * bytes or an unknown length, to a client whose {@code Accept-Encoding} gives {@code gzip} (or
 * {@code *}) a weight above zero. Such a response says {@code Vary: Accept-Encoding} whether or not
 * this client got it compressed, so that caches keep the variants apart. Never compressed: a
 * response that already has a {@code Content-Encoding} (no double compression), an event stream, an
 * already compressed type (images other than SVG, video, audio, archives: they are not in the
 * list), an answer to {@code HEAD}, a 1xx, 204, 206 (a range of the uncompressed bytes) or 304, and
 * one whose {@code Cache-Control} says {@code no-transform}. When the client refuses
 * {@code identity} ({@code identity;q=0}, or {@code *;q=0} without naming it), a compressible
 * response is compressed whatever its size.
 *
 * <p><b>Headers.</b> A compressed response has {@code Content-Encoding: gzip}, no
 * {@code Content-Length} (it is sent chunked, or to its end over HTTP/1.0 and HTTP/2) and a weak
 * {@code ETag}: the strong one named the uncompressed bytes.
 *
 * <p>Only gzip: Brotli has no well-kept Java library, and zstd's (JNI, natives for every platform
 * in one jar) costs more weight than its gain over gzip is worth to a gateway today.
 *
 * @since 0.3
 */
public final class Compression {
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)");
  private static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/*+json",
      "application/xml", "application/*+xml", "application/javascript", "application/x-ndjson", "image/svg+xml");
  private static final Compression NONE = new Compression(false, 1024, 6, DEFAULT_TYPES);
  private static final Compression GZIP = new Compression(true, 1024, 6, DEFAULT_TYPES);

  private final boolean enabled;
  private final long minSize;
  private final int level;
  private final List<String> contentTypes;

  private Compression(boolean enabled, long minSize, int level, List<String> contentTypes) {
    this.enabled = enabled;
    this.minSize = minSize;
    this.level = level;
    this.contentTypes = List.copyOf(contentTypes);
  }

  /**
   * gzip at level 6 for the default content types, from 1 KiB.
   *
   * @return the settings
   */
  public static Compression gzip() {
    return GZIP;
  }

  /**
   * No compression.
   *
   * @return the settings
   */
  public static Compression none() {
    return NONE;
  }

  /**
   * Sets the smallest known body length compressed (default 1024): below about a kilobyte the
   * gzip header and the CPU cost more than they save.
   *
   * @param bytes 0 or more
   * @return the changed copy
   */
  public Compression minSize(long bytes) {
    return new Compression(enabled, Check.atLeast("compression.minSize", bytes, 0), level, contentTypes);
  }

  /**
   * Sets the deflate level (default 6): 1 is fastest, 9 smallest.
   *
   * @param level 1 to 9
   * @return the changed copy
   */
  public Compression level(int level) {
    return new Compression(enabled, minSize, Check.between("compression.level", level, 1, 9), contentTypes);
  }

  /**
   * Sets the media types compressed, instead of the defaults: exact types ({@code application/json}),
   * every subtype ({@code text/*}) or a structured suffix ({@code application/*+json}). Parameters
   * such as {@code charset} are ignored when matching; {@code text/event-stream} is never
   * compressed, even when listed.
   *
   * @param types at least one, lower case
   * @return the changed copy
   */
  public Compression contentTypes(String... types) {
    if (types.length == 0) {
      throw Check.invalid("compression.contentTypes", "none", "at least one media type");
    }
    Set<String> all = new LinkedHashSet<>();
    for (String type : types) {
      Objects.requireNonNull(type, "type");
      String t = type.trim().toLowerCase(Locale.ROOT);
      String check = t.startsWith("application/*+") ? "application/" + t.substring(14) : t;
      if (!MEDIA_TYPE.matcher(check).matches()) {
        throw Check.invalid("compression.contentTypes", "'" + type + "'",
            "a media type such as application/json, text/* or application/*+json");
      }
      all.add(t);
    }
    return new Compression(enabled, minSize, level, List.copyOf(all));
  }

  /**
   * Whether responses are compressed at all.
   *
   * @return false for {@link #none()}
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The smallest known body length compressed.
   *
   * @return bytes
   */
  public long minSize() {
    return minSize;
  }

  /**
   * The deflate level.
   *
   * @return 1 to 9
   */
  public int level() {
    return level;
  }

  /**
   * The media types compressed.
   *
   * @return the types, lower case
   */
  public List<String> contentTypes() {
    return contentTypes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compression c && enabled == c.enabled && minSize == c.minSize && level == c.level
        && contentTypes.equals(c.contentTypes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, minSize, level, contentTypes);
  }

  @Override
  public String toString() {
    return enabled ? Text.fields(this, "minSize", minSize, "level", level, "contentTypes", contentTypes)
        : "Compression[none]";
  }
}
