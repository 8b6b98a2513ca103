package io.gatehouse.impl.carry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The carried state of one gateway, by key, collected when it is compiled; immutable. */
public final class CarriedStates {
  private final Map<CarryKey, CarriedState> byKey;

  private CarriedStates(Map<CarryKey, CarriedState> byKey) {
    this.byKey = byKey;
  }

  /**
   * The states of a gateway; when two share a key (one limit object used by two routes), the first
   * stands for both.
   *
   * @param states every holder of the gateway
   */
  public static CarriedStates of(List<? extends CarriedState> states) {
    Map<CarryKey, CarriedState> byKey = new LinkedHashMap<>();
    for (CarriedState state : states) {
      byKey.putIfAbsent(state.carryKey(), state);
    }
    return new CarriedStates(Map.copyOf(byKey));
  }

  /**
   * Takes over, for every key found in both, the predecessor's state.
   *
   * @param previous the predecessor's states
   * @return how many states were taken over, and how many of this gateway's start fresh
   */
  public Carried takeOverFrom(CarriedStates previous) {
    int taken = 0;
    for (Map.Entry<CarryKey, CarriedState> entry : byKey.entrySet()) {
      CarriedState old = previous.byKey.get(entry.getKey());
      if (old != null && old != entry.getValue() && old.getClass() == entry.getValue().getClass()) {
        entry.getValue().takeOver(old);
        taken++;
      }
    }
    return new Carried(taken, byKey.size() - taken);
  }

  /**
   * What {@link #takeOverFrom} did.
   *
   * @param taken states taken over from the predecessor
   * @param fresh states that start fresh: new, or changed
   */
  public record Carried(int taken, int fresh) {}
}
