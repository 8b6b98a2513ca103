package io.gatehouse.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line flags. */
final class Flags {
  private final Map<String, String> values;

  private Flags(Map<String, String> values) {
    this.values = values;
  }

  static Flags parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("argument: '" + args[i] + "' (expected: --name value pairs)");
      }
      values.put(args[i], args[++i]);
    }
    return new Flags(values);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException(name + ": missing (expected: " + name + " <value>)");
    }
    return value;
  }

  int port(String name) {
    return Integer.parseInt(required(name));
  }
}
