/**
 * The filter SPI: {@link io.gatehouse.filter.Filter} is the whole extension model,
 * {@link io.gatehouse.filter.Chain} the rest of the chain, {@link io.gatehouse.filter.Exchange}
 * the request with its context, {@link io.gatehouse.filter.RequestKey} what part of it a rate
 * limit, a hash ring or a sticky split keys on.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.filter;
