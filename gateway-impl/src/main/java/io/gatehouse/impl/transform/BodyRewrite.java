package io.gatehouse.impl.transform;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.HttpHeaders;
import java.util.Map;
import java.util.Optional;

/**
 * One format's rewrite of a whole body, the part of a transformation that knows the format;
 * {@link TransformStage} does the rest for every format (which bodies, the cap, decompression, the
 * headers). JSON is the one format so far; XML and protobuf transcoding are to plug in here.
 */
interface BodyRewrite {

  /**
   * Whether a body of this {@code Content-Type} is this format's to rewrite.
   *
   * @param contentType the header's value, or empty when there is none
   */
  boolean accepts(Optional<String> contentType);

  /**
   * Rewrites a whole body.
   *
   * @param body the decompressed body, within the cap
   * @param context what values written into the body may read
   * @return the new body
   * @throws BadBodyException when the body is not of the format, or hostile
   */
  byte[] rewrite(byte[] body, Context context);

  /** The content type the new body has; empty to keep the old one. */
  default Optional<String> contentType() {
    return Optional.empty();
  }

  /**
   * What values written into a body may read: the request as it reaches the stage.
   *
   * @param pathVariables the route's path variables
   * @param headers the request's headers
   * @param rawQuery the request's raw query
   * @param principal who the request was authenticated as
   */
  record Context(Map<String, String> pathVariables, HttpHeaders headers, Optional<String> rawQuery,
      Optional<Principal> principal) {}
}
