package io.gatehouse.impl.routing;

import io.gatehouse.route.RequestCondition;
import java.util.List;
import java.util.regex.Pattern;

/** A compiled {@link RequestCondition}: the regex, if any, is compiled once at build(). */
public final class ConditionMatcher {
  private final RequestCondition condition;
  private final Pattern regex;

  public ConditionMatcher(RequestCondition condition) {
    this.condition = condition;
    this.regex = condition.match() == RequestCondition.Match.REGEX
        ? Pattern.compile(condition.value().orElseThrow())
        : null;
  }

  RequestCondition condition() {
    return condition;
  }

  /** The request's values of the header, query parameter or cookie; empty when it has none. */
  List<String> values(RequestView view) {
    return switch (condition.source()) {
      case HEADER -> view.request.headers().all(condition.name());
      case QUERY -> view.query().getOrDefault(condition.name(), List.of());
      case COOKIE -> view.cookies().getOrDefault(condition.name(), List.of());
    };
  }

  boolean matches(RequestView view) {
    List<String> values = values(view);
    if (values.isEmpty()) {
      return false;
    }
    return switch (condition.match()) {
      case PRESENT -> true;
      case EQUALS -> values.contains(condition.value().orElseThrow());
      case REGEX -> values.stream().anyMatch(v -> regex.matcher(v).matches());
    };
  }

  @Override
  public String toString() {
    return condition.toString();
  }
}
