package io.gatehouse.edge;

import io.gatehouse.internal.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which client addresses may send requests: an allow list, a deny list, or both. An immutable
 * value; {@link #deny} returns a changed copy.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .trustedProxies("10.0.0.0/8")                                   // the load balancers
 *     .ipRules(IpRules.any().deny("198.51.100.0/24"))                 // every route
 *     .route("admin", r -> r.path("/admin/**")
 *         .ipRules(IpRules.allow("192.0.2.0/24", "2001:db8::/32").deny("192.0.2.66"))
 *         .upstream("http://admin:8080"))
 *     .route("status", r -> r.path("/status").ipRules(IpRules.any()).upstream("http://status:8080"));
 * }</pre>
 *
 * <p><b>Which address.</b> The client address as the trusted proxies let it be known (see
 * {@code Gateway.Builder.trustedProxies}): the peer's address, or, when the peer is a trusted
 * proxy, the nearest {@code X-Forwarded-For} hop that is not one. From any other peer
 * {@code X-Forwarded-For} is never read, so a client cannot name an allowed address for itself.
 * It is the address {@link io.gatehouse.filter.Exchange#clientAddress()}, per-IP rate limits and
 * the access log use.
 *
 * <p><b>Precedence.</b> An address that any deny entry matches is refused; otherwise, if there is
 * an allow entry, the address must match one; with no allow entry, every address not denied
 * passes. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) is its IPv4 address, so it cannot
 * slip past an IPv4 deny entry: IPv4 entries match it, and so do entries written in the mapped
 * form ({@code ::ffff:10.0.0.0/104} is {@code 10.0.0.0/8}); other IPv6 entries, {@code ::/0}
 * included, match IPv6 clients only. A client address that is not an IP address (only a test
 * double or a server adapter on a non-IP transport makes one) is refused by any rules but
 * {@link #any()}.
 *
 * <p><b>Entries</b> are checked at {@code build()}, each one that is wrong reported with the route
 * (or the gateway) and the field ({@code ipRules.allow}, {@code ipRules.deny}): an address in
 * canonical form (dotted-quad IPv4 with decimal parts 0 to 255 and no leading zeros; IPv6 in any
 * RFC 4291 text form, without brackets or a zone id), alone (a {@code /32} or {@code /128}) or
 * followed by {@code /} and a decimal prefix length without sign or leading zeros (0 to 32 for
 * IPv4, 0 to 128 for IPv6). A block with host bits set ({@code 10.0.0.1/8}) is refused, naming the
 * block probably meant ({@code 10.0.0.0/8}): a typo that would be read as a wider or narrower
 * block than intended is better caught than guessed. No whitespace, no host names.
 *
 * <p><b>Answer.</b> A refused request gets 403 {@code application/problem+json} with its route's
 * chain stopped at the first built-in stage: after routing and the global filters, before the
 * pre-auth rate limits and authentication, so a refused address neither spends a shared rate-limit
 * budget nor learns whether its credentials are good. Its record's rejection is
 * {@link io.gatehouse.observe.Rejection#IP_DENIED}. Nothing reaches the upstream.
 *
 * <p><b>Gateway and route.</b> A route's rules replace the gateway's (they do not add to them);
 * {@code ipRules(IpRules.any())} opens a route that the gateway's rules would close.
 *
 * @since 0.2
 */
public final class IpRules {
  private static final IpRules ANY = new IpRules(List.of(), List.of());

  private final List<String> allowed;
  private final List<String> denied;

  private IpRules(List<String> allowed, List<String> denied) {
    this.allowed = List.copyOf(allowed);
    this.denied = List.copyOf(denied);
  }

  /**
   * No rules: every client address passes. The gateway's default; on a route, it opens the route
   * whatever the gateway's rules say.
   *
   * @return the rules that refuse nobody
   */
  public static IpRules any() {
    return ANY;
  }

  /**
   * Rules that let only these addresses in (see the class comment for the precedence of
   * {@link #deny}). Checked at {@code build()}.
   *
   * @param addressesOrCidrs at least one, such as {@code 10.0.0.0/8}, {@code 192.0.2.7},
   *     {@code 2001:db8::/32} or {@code ::1}
   * @return the rules
   * @throws IllegalArgumentException if there is none
   */
  public static IpRules allow(String... addressesOrCidrs) {
    return new IpRules(entries("allow", addressesOrCidrs), List.of());
  }

  /**
   * These rules, with these addresses refused too. A denied address is refused even when an
   * allow entry matches it. Checked at {@code build()}.
   *
   * <p>{@code IpRules.any().deny("198.51.100.0/24")} refuses one block and lets every other
   * address in.
   *
   * @param addressesOrCidrs at least one, such as {@code 198.51.100.0/24} or {@code 2001:db8::bad}
   * @return a copy with the entries added
   * @throws IllegalArgumentException if there is none
   */
  public IpRules deny(String... addressesOrCidrs) {
    List<String> more = new ArrayList<>(denied);
    more.addAll(entries("deny", addressesOrCidrs));
    return new IpRules(allowed, more);
  }

  /**
   * The allow entries, as given.
   *
   * @return the entries, in declaration order; empty when every address not denied passes
   */
  public List<String> allowed() {
    return allowed;
  }

  /**
   * The deny entries, as given.
   *
   * @return the entries, in declaration order
   */
  public List<String> denied() {
    return denied;
  }

  /**
   * Whether these rules refuse nobody.
   *
   * @return true when there is no entry at all
   */
  public boolean isAny() {
    return allowed.isEmpty() && denied.isEmpty();
  }

  private static List<String> entries(String field, String[] entries) {
    Objects.requireNonNull(entries, "addressesOrCidrs");
    if (entries.length == 0) {
      throw new IllegalArgumentException("ipRules." + field + ": none (expected: at least one address or CIDR block"
          + (field.equals("allow") ? "; IpRules.any() lets every address in)" : ")"));
    }
    List<String> list = new ArrayList<>(entries.length);
    for (String e : entries) {
      list.add(Objects.requireNonNull(e, "addressOrCidr"));
    }
    return list;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpRules r && allowed.equals(r.allowed) && denied.equals(r.denied);
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowed, denied);
  }

  @Override
  public String toString() {
    return Text.fields(this, "allowed", allowed, "denied", denied);
  }
}
