package io.gatehouse.transform;

/**
 * A change to a request or response body that needs the whole body: the gateway reads it, within
 * {@link #maxBodyBytes()}, decompressing a gzip body within {@link #maxCompressionRatio()}, changes
 * it and sends the result with a fixed {@code Content-Length}. {@link JsonTransform} is the one
 * kind so far; formats other than JSON are to join it.
 *
 * <p>{@code .transformResponse(JsonTransform.of().remove("/internal").maxBodyBytes(256 * 1024))}
 *
 * @since 0.3
 */
public sealed interface BodyTransform permits JsonTransform {

  /**
   * The largest body transformed, in bytes, after decompression; a larger one is handled as
   * {@link #oversize()} says, and never held beyond this many bytes.
   *
   * @return at least 1
   */
  long maxBodyBytes();

  /**
   * What happens to a body larger than {@link #maxBodyBytes()}.
   *
   * @return pass it through untouched, or reject it
   */
  Oversize oversize();

  /**
   * The largest ratio of decompressed to compressed bytes accepted in a gzip body the
   * transformation must read; past it (a decompression bomb) the body is rejected like an oversize
   * one that may not pass: 413 for a request, 502 for a response.
   *
   * @return at least 1
   */
  int maxCompressionRatio();

  /**
   * What happens to a body larger than a transformation's cap.
   *
   * @since 0.3
   */
  enum Oversize {
    /** The request gets 413, the response becomes 502: no untransformed body gets through. */
    REJECT,
    /** The body goes on untouched, streamed: only what was read so far is held, then replayed. */
    PASS_THROUGH
  }
}
