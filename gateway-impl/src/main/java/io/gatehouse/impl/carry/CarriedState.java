package io.gatehouse.impl.carry;

/**
 * One piece of a gateway's run-time state (a rate limit's buckets, a circuit, a target's health)
 * that the gateway swapped in after it takes over when its definition is unchanged. The state
 * lives in one object the holder points to; taking it over points the successor's holder at the
 * predecessor's object, so from then on both gateways share it (requests still finishing on the
 * old gateway count in the same buckets and circuits as new ones).
 */
public interface CarriedState {

  /** What the state is of: equal keys mean the same kind, scope and settings. */
  CarryKey carryKey();

  /**
   * Takes over the state of a predecessor whose key equals this one's; the state this holder
   * gathered so far is dropped. Thread-safe: requests may be running on both gateways.
   *
   * @param previous the predecessor's holder, of this holder's class
   */
  void takeOver(CarriedState previous);
}
