/**
 * Internal: body transformation and compression. {@link io.gatehouse.impl.transform.TransformCompiler}
 * checks the routes' transformations and compression and builds their stages:
 * {@link io.gatehouse.impl.transform.TransformStage} (read a body within its cap, decompressing gzip
 * within a ratio, rewrite it, fix the headers) with a {@link io.gatehouse.impl.transform.BodyRewrite}
 * per format, and {@link io.gatehouse.impl.transform.CompressionStage} (gzip for clients that accept
 * it, streamed). Not API: may change without notice. Nothing here accepts or returns null.
 */
package io.gatehouse.impl.transform;
