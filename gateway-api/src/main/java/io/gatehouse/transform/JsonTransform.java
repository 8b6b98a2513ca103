package io.gatehouse.transform;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Reshapes a JSON body by JSON Pointer: set, add, remove, rename, move, keep only, wrap, unwrap,
 * and a function of the user's for anything else. Immutable; every method returns a changed copy,
 * with the step appended. Set on a route for requests ({@code RouteBuilder.transformRequest}) or
 * responses ({@code RouteBuilder.transformResponse}).
 *
 * <pre>{@code
 * .route("orders", r -> r.path("/orders/{id}")
 *     .transformRequest(JsonTransform.of()
 *         .set("/tenant", TransformValue.claim("tenant"))
 *         .remove("/debug"))
 *     .transformResponse(JsonTransform.of()
 *         .keepOnly("/id", "/items", "/total")
 *         .rename("/total", "amount")
 *         .wrap("order"))
 *     .upstream("http://orders:8080"))
 * }</pre>
 *
 * <p><b>Which bodies.</b> A body whose {@code Content-Type} is {@code application/json} or ends
 * in {@code +json} is transformed; any other body (or none) passes untouched, with a debug log.
 * A WebSocket upgrade, an event stream and a {@code HEAD}, 204, 304 or 206 response are never
 * transformed. A gzip body is decompressed first, within {@link #maxCompressionRatio()}; the
 * result goes on uncompressed (the route's {@link Compression} compresses a response again for a
 * client that accepts it). A route with a response transformation asks its upstream for
 * {@code gzip} or nothing, the codings it can read.
 *
 * <p><b>Hostile bodies.</b> A body that is not one JSON value, nests deeper than 64 levels or
 * repeats a member name gets 400 (a request) or becomes 502 (a response); so does one larger than
 * {@link #maxBodyBytes()} unless {@link #passThroughOversize()} lets it through untouched.
 *
 * <p><b>Headers.</b> The transformed body has its {@code Content-Length} and no
 * {@code Content-Encoding}; a response loses its {@code ETag} (and {@code Content-MD5},
 * {@code Digest}), which named the upstream's bytes, not these.
 *
 * @since 0.3
 */
public final class JsonTransform implements BodyTransform {
  private static final long DEFAULT_MAX_BODY = 1L << 20;
  private static final int DEFAULT_MAX_RATIO = 100;
  private static final JsonTransform EMPTY = new JsonTransform(List.of(), DEFAULT_MAX_BODY, Oversize.REJECT,
      DEFAULT_MAX_RATIO);

  private final List<JsonOperation> operations;
  private final long maxBodyBytes;
  private final Oversize oversize;
  private final int maxCompressionRatio;

  private JsonTransform(List<JsonOperation> operations, long maxBodyBytes, Oversize oversize, int maxCompressionRatio) {
    this.operations = List.copyOf(operations);
    this.maxBodyBytes = maxBodyBytes;
    this.oversize = oversize;
    this.maxCompressionRatio = maxCompressionRatio;
  }

  /**
   * A transformation without steps, with a cap of 1 MiB that rejects larger bodies and a
   * compression ratio cap of 100.
   *
   * @return the transformation
   */
  public static JsonTransform of() {
    return EMPTY;
  }

  private JsonTransform with(JsonOperation operation) {
    List<JsonOperation> all = new ArrayList<>(operations);
    all.add(operation);
    return new JsonTransform(all, maxBodyBytes, oversize, maxCompressionRatio);
  }

  /**
   * Writes a value, replacing what is there and creating missing parent objects; see
   * {@link JsonOperation.Set}.
   *
   * @param pointer where, such as {@code /customer/tenant}
   * @param value the value
   * @return the changed copy
   */
  public JsonTransform set(String pointer, TransformValue value) {
    return with(new JsonOperation.Set(pointer, value));
  }

  /**
   * Adds a value without replacing anything; see {@link JsonOperation.Add}.
   *
   * @param pointer where, such as {@code /tags/-}
   * @param value the value
   * @return the changed copy
   */
  public JsonTransform add(String pointer, TransformValue value) {
    return with(new JsonOperation.Add(pointer, value));
  }

  /**
   * Removes members or array elements; see {@link JsonOperation.Remove}.
   *
   * @param pointers what, such as {@code /internal}
   * @return the changed copy
   */
  public JsonTransform remove(String... pointers) {
    JsonTransform t = this;
    for (String p : pointers) {
      t = t.with(new JsonOperation.Remove(p));
    }
    return t;
  }

  /**
   * Renames a member in place; see {@link JsonOperation.Rename}.
   *
   * @param pointer the member, such as {@code /total}
   * @param newName its new name, such as {@code amount}
   * @return the changed copy
   */
  public JsonTransform rename(String pointer, String newName) {
    return with(new JsonOperation.Rename(pointer, newName));
  }

  /**
   * Moves a value; see {@link JsonOperation.Move}.
   *
   * @param from where it is
   * @param to where it goes
   * @return the changed copy
   */
  public JsonTransform move(String from, String to) {
    return with(new JsonOperation.Move(from, to));
  }

  /**
   * Keeps only what these pointers reach; see {@link JsonOperation.KeepOnly}.
   *
   * @param pointers at least one
   * @return the changed copy
   */
  public JsonTransform keepOnly(String... pointers) {
    if (pointers.length == 0) {
      throw Check.invalid("keepOnly", "no pointers", "at least one");
    }
    return with(new JsonOperation.KeepOnly(List.of(pointers)));
  }

  /**
   * Puts the whole body under a key; see {@link JsonOperation.Wrap}.
   *
   * @param key the member name, such as {@code data}
   * @return the changed copy
   */
  public JsonTransform wrap(String key) {
    return with(new JsonOperation.Wrap(key));
  }

  /**
   * Replaces the body by the value at a pointer; see {@link JsonOperation.Unwrap}.
   *
   * @param pointer such as {@code /data}
   * @return the changed copy
   */
  public JsonTransform unwrap(String pointer) {
    return with(new JsonOperation.Unwrap(pointer));
  }

  /**
   * Runs a function of the user's over the body as a neutral tree of maps, lists, strings, numbers
   * and booleans; see {@link JsonOperation.Custom} for the types, and the thread it runs on.
   *
   * <p>{@code .custom(body -> { ((Map<String, Object>) body).put("count", ((List<?>) ((Map<?, ?>) body).get("items")).size()); return body; })}
   *
   * @param function the function; must not block
   * @return the changed copy
   */
  public JsonTransform custom(UnaryOperator<Object> function) {
    return with(new JsonOperation.Custom(function));
  }

  /**
   * Sets the largest body transformed, in bytes after decompression (default 1 MiB). No more than
   * this is ever held.
   *
   * @param bytes at least 1
   * @return the changed copy
   */
  public JsonTransform maxBodyBytes(long bytes) {
    return new JsonTransform(operations, Check.atLeast("maxBodyBytes", bytes, 1), oversize, maxCompressionRatio);
  }

  /**
   * Lets a body larger than {@link #maxBodyBytes()} through untouched instead of rejecting it.
   * Only for transformations that are a convenience: one that hides fields from a client must
   * reject.
   *
   * @return the changed copy
   */
  public JsonTransform passThroughOversize() {
    return new JsonTransform(operations, maxBodyBytes, Oversize.PASS_THROUGH, maxCompressionRatio);
  }

  /**
   * Sets the largest ratio of decompressed to compressed bytes accepted in a gzip body (default
   * 100); see {@link BodyTransform#maxCompressionRatio()}.
   *
   * @param ratio at least 1
   * @return the changed copy
   */
  public JsonTransform maxCompressionRatio(int ratio) {
    return new JsonTransform(operations, maxBodyBytes, oversize, Check.atLeast("maxCompressionRatio", ratio, 1));
  }

  /**
   * The steps, in the order they apply.
   *
   * @return the steps
   */
  public List<JsonOperation> operations() {
    return operations;
  }

  @Override
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  @Override
  public Oversize oversize() {
    return oversize;
  }

  @Override
  public int maxCompressionRatio() {
    return maxCompressionRatio;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonTransform t && operations.equals(t.operations) && maxBodyBytes == t.maxBodyBytes
        && oversize == t.oversize && maxCompressionRatio == t.maxCompressionRatio;
  }

  @Override
  public int hashCode() {
    return Objects.hash(operations, maxBodyBytes, oversize, maxCompressionRatio);
  }

  @Override
  public String toString() {
    return Text.fields(this, "operations", operations, "maxBodyBytes", maxBodyBytes, "oversize", oversize,
        "maxCompressionRatio", maxCompressionRatio);
  }
}
