/**
 * Internal: the JSON documents of the admin endpoints ({@link io.gatehouse.impl.admin.AdminDocuments}),
 * rendered from a {@link io.gatehouse.Gateway}'s public view so that every adapter serves the same
 * ones. Not API; it may change in any release. Nothing here accepts or returns null.
 */
package io.gatehouse.impl.admin;
