package io.gatehouse.http;

import io.gatehouse.GatewayException;

/**
 * A body was longer than the cap a feature set for buffering it.
 *
 * <p>{@code body.bytes(1024).exceptionally(t -> ...)} completes with this past 1 KiB.
 *
 * @since 0.1
 */
public final class BodyTooLargeException extends GatewayException {
  private static final long serialVersionUID = 1L;

  /** The cap in bytes that was exceeded. */
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param limit the cap in bytes that was exceeded
   */
  public BodyTooLargeException(long limit) {
    super("body: more than " + limit + " bytes (expected: <= " + limit + ")", null);
    this.limit = limit;
  }

  /**
   * The cap that was exceeded.
   *
   * @return the cap in bytes
   */
  public long limit() {
    return limit;
  }
}
