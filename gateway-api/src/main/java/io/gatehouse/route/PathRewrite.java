package io.gatehouse.route;

import java.util.Objects;

/**
 * A path rewrite: a regular expression over the normalized path (after strip-prefix) and its
 * replacement. The replacement may use regex groups ({@code $1}, {@code ${name}}) and the route's
 * path template variables ({@code {id}}).
 *
 * <p>{@code r.path("/v1/users/{id}").rewritePath("^/v1/users/.*$", "/users/{id}/profile")}
 *
 * @param regex a Java regular expression, checked at build()
 * @param replacement the replacement; must yield a path that starts with {@code /}
 * @since 0.1
 */
public record PathRewrite(String regex, String replacement) {

  /**
   * Checks that both components are set.
   *
   * @param regex a Java regular expression, checked at build()
   * @param replacement the replacement; must yield a path that starts with {@code /}
   */
  public PathRewrite {
    Objects.requireNonNull(regex, "regex");
    Objects.requireNonNull(replacement, "replacement");
  }
}
