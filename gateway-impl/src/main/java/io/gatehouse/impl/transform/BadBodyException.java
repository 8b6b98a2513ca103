package io.gatehouse.impl.transform;

/**
 * A body a transformation cannot read or rewrite: not of its format, hostile (too deep, duplicate
 * names), or failed by a user's function. The message completes "the body ..." and is safe to show
 * a client.
 */
final class BadBodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BadBodyException(String message) {
    super(message, null, false, false);
  }

  BadBodyException(String message, Throwable cause) {
    super(message, cause, false, true);
  }
}
