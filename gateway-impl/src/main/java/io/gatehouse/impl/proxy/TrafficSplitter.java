package io.gatehouse.impl.proxy;

import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.impl.chain.RequestKeys;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.pool.KeyHash;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;

/** Picks the destination of a request under a route's traffic split: the first matching rule, else by weight. */
final class TrafficSplitter {
  record Rule(RequestKey key, String value, Destination destination) {}

  private final List<Rule> rules;
  private final List<Destination> destinations;
  private final int[] cumulativeWeights;
  private final Optional<RequestKey> sticky;
  private final RequestKeys keys;

  TrafficSplitter(List<Rule> rules, List<Destination> destinations, List<Integer> weights, Optional<RequestKey> sticky, RequestKeys keys) {
    this.rules = List.copyOf(rules);
    this.destinations = List.copyOf(destinations);
    this.cumulativeWeights = new int[weights.size()];
    int sum = 0;
    for (int i = 0; i < weights.size(); i++) {
      sum += weights.get(i);
      cumulativeWeights[i] = sum;
    }
    this.sticky = sticky;
    this.keys = keys;
  }

  Destination pick(Exchange exchange, RequestState state) {
    for (Rule rule : rules) {
      if (rule.value.equals(keys.valueOf(rule.key, exchange, state))) {
        return rule.destination;
      }
    }
    int total = cumulativeWeights[cumulativeWeights.length - 1];
    String key = sticky.map(k -> keys.valueOf(k, exchange, state)).orElse(null);
    int point = key == null
        ? ThreadLocalRandom.current().nextInt(total)
        : (int) Math.floorMod(KeyHash.of(key), (long) total);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (point < cumulativeWeights[i]) {
        return destinations.get(i);
      }
    }
    return destinations.get(destinations.size() - 1);
  }

  /** Such as {@code traffic split: header 'X-Canary' = 'on' -> upstream ...; weight 90: upstream ...}. */
  @Override
  public String toString() {
    StringJoiner text = new StringJoiner("; ", "traffic split: ", sticky.map(k -> " (sticky on " + k.describe() + ")").orElse(""));
    for (Rule rule : rules) {
      text.add(rule.key.describe() + " = '" + rule.value + "' -> " + rule.destination.describe());
    }
    for (int i = 0; i < destinations.size(); i++) {
      int weight = cumulativeWeights[i] - (i == 0 ? 0 : cumulativeWeights[i - 1]);
      text.add("weight " + weight + ": " + destinations.get(i).describe());
    }
    return text.toString();
  }
}
