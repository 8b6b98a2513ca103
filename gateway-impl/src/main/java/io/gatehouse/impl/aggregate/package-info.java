/**
 * Internal: the parts of request aggregation that know JSON and templates. A backend's path and
 * header values are {@link io.gatehouse.impl.aggregate.Template}s; its answer is read as it
 * streams by {@link io.gatehouse.impl.aggregate.JsonAnswerReader} (bounded in bytes, depth and
 * names), cut by its {@link io.gatehouse.impl.aggregate.FieldFilter}, and the answers are merged
 * by {@link io.gatehouse.impl.aggregate.Answers}. {@link io.gatehouse.impl.aggregate.AggregateCompiler}
 * checks aggregations at build(); the terminal that runs them is
 * {@code io.gatehouse.impl.proxy.AggregateTerminal}, beside the attempts it reuses. Not API: may
 * change without notice.
 */
package io.gatehouse.impl.aggregate;
