package io.gatehouse.impl.edge;

import io.gatehouse.edge.IpRules;
import io.gatehouse.impl.net.IpBlock;
import io.gatehouse.impl.net.IpLiteral;
import io.gatehouse.impl.net.IpSet;
import java.util.List;
import java.util.Optional;

/**
 * {@link IpRules} as blocks: a denied address is refused; otherwise, if there are allow blocks, it
 * must be in one. An address that is not an IP literal is refused. Each list is an {@link IpSet}, so
 * a long list costs a request a binary search, not a scan. Immutable.
 */
final class IpFilter {
  private final List<IpBlock> allowed; // for the text only
  private final List<IpBlock> denied;
  private final IpSet allowedSet;
  private final IpSet deniedSet;

  private IpFilter(List<IpBlock> allowed, List<IpBlock> denied) {
    this.allowed = List.copyOf(allowed);
    this.denied = List.copyOf(denied);
    this.allowedSet = IpSet.of(allowed);
    this.deniedSet = IpSet.of(denied);
  }

  /** The rules' blocks; call only with rules whose every entry parses (checked at build()). */
  static IpFilter of(IpRules rules) {
    return new IpFilter(IpBlock.parseAll(rules.allowed(), bad -> {
      throw new IllegalStateException("unchecked allow entry " + bad);
    }), IpBlock.parseAll(rules.denied(), bad -> {
      throw new IllegalStateException("unchecked deny entry " + bad);
    }));
  }

  /**
   * Whether the rules let this client in.
   *
   * @param clientAddress the canonical literal the trusted proxies resolved, or a host string
   */
  boolean admits(String clientAddress) {
    Optional<IpLiteral> parsed = IpLiteral.tryParse(clientAddress);
    if (parsed.isEmpty()) {
      return false;
    }
    IpLiteral address = parsed.get();
    if (deniedSet.contains(address)) {
      return false;
    }
    return allowed.isEmpty() || allowedSet.contains(address);
  }

  @Override
  public String toString() {
    return "allow " + allowed + ", deny " + denied;
  }
}
