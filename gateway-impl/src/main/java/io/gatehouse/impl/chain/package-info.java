/**
 * Internal: one route's chain at run time. {@link io.gatehouse.impl.chain.FilterChain} runs the
 * global filters, the built-in stages and the route's filters in order, then a
 * {@link io.gatehouse.impl.chain.Terminal}: a {@link io.gatehouse.impl.chain.StaticTerminal} or the
 * proxy terminal of {@code io.gatehouse.impl.proxy}. {@link io.gatehouse.impl.chain.ExchangeImpl}
 * is the {@link io.gatehouse.filter.Exchange} filters see, over the request's
 * {@link io.gatehouse.impl.chain.RequestState}. Not API: may change without notice.
 */
package io.gatehouse.impl.chain;
