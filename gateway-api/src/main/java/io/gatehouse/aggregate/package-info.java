/**
 * Request aggregation: a route whose terminal is {@code aggregate(...)} calls several backends,
 * in parallel within a step and step after step, and answers with one JSON document. Start at
 * {@link io.gatehouse.aggregate.Aggregation}; each call is a {@link io.gatehouse.aggregate.Backend};
 * a {@link io.gatehouse.aggregate.Merger} makes the body.
 *
 * <p>No method accepts or returns null, except where {@link io.gatehouse.aggregate.Merger} says
 * JSON {@code null} is a value.
 *
 * @since 0.2
 */
package io.gatehouse.aggregate;
