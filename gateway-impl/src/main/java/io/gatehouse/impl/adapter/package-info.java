/**
 * Internal: what the adapter support in {@code io.gatehouse.adapter} gets from the implementation
 * through {@link io.gatehouse.spi.AdapterServices}: the admin documents
 * ({@link io.gatehouse.impl.admin.AdminDocuments}) and SLF4J loggers behind the JDK's
 * {@link java.lang.System.Logger}. Not API; it may change in any release. Nothing here accepts or
 * returns null.
 */
package io.gatehouse.impl.adapter;
