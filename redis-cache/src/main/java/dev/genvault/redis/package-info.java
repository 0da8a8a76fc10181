/**
 * {@link dev.genvault.spi.DedupCache} on Redis through Jedis: {@link
 * dev.genvault.redis.RedisDedupCache}, for dedup and single flight across the instances of an
 * application that share one Redis (a single server, Sentinel or Cluster).
 */
@NullMarked
package dev.genvault.redis;

import org.jspecify.annotations.NullMarked;
