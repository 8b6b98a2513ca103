package io.gatehouse.spi;

/**
 * The state of an upstream transport's connection pool at one moment, over all upstreams.
 *
 * <p>{@code gateway.connectionPool().ifPresent(p -> log.info("{} of {} connections leased", p.leased(), p.max()));}
 *
 * @param leased connections in use by a call
 * @param pending calls waiting for a connection
 * @param available open connections waiting for a call
 * @param max the most connections the pool opens
 * @since 0.1
 */
public record ConnectionPoolStatus(int leased, int pending, int available, int max) {}
