package dev.genvault.redis;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;

/**
 * The version of a namespace, kept in Redis under {@code {namespace}:version} and cached here: the
 * prefix {@code {namespace}:{version}:} of every key. It is read on first use and again every 5 s,
 * and taken at once from the notices {@code invalidateAll} publishes.
 */
final class NamespaceVersion {
  private static final long REFRESH_NANOS = Duration.ofSeconds(5).toNanos();

  private final String namespace;
  private final String versionKey;
  private final LongSupplier nanoTime;

  private volatile @Nullable String prefix; // null until read
  private volatile long version = -1;
  private volatile long readAt;

  NamespaceVersion(String namespace, LongSupplier nanoTime) {
    this.namespace = namespace;
    this.versionKey = namespace + ":version";
    this.nanoTime = nanoTime;
  }

  /** The Redis key for a cache key, reading the version first when it is unknown or stale. */
  String key(UnifiedJedis redis, String key) {
    String p = prefix;
    if (p == null || nanoTime.getAsLong() - readAt > REFRESH_NANOS) {
      String stored = redis.get(versionKey);
      long read = stored == null ? 0 : Long.parseLong(stored);
      readAt = nanoTime.getAsLong();
      p = use(read, true);
    }
    return p + key;
  }

  /** Increments the version in Redis and uses the new one; returns it. */
  long increment(UnifiedJedis redis) {
    long next = redis.incr(versionKey);
    use(next, true);
    return next;
  }

  /** A version another instance announced: taken unless a newer one is known. */
  void announced(long v) {
    use(v, false);
  }

  /** Notices may have been missed (the subscription restarted): read the version at next use. */
  void mayBeStale() {
    readAt = nanoTime.getAsLong() - REFRESH_NANOS - 1;
  }

  /**
   * Takes a version: one read from Redis as it is (a Redis that restarted empty is back at 0, and
   * every instance must agree), an announced one only if newer. Returns the prefix.
   */
  private synchronized String use(long v, boolean read) {
    String p = prefix;
    if (p == null || v > version || (read && v != version)) {
      version = v;
      p = namespace + ":" + v + ":";
      prefix = p;
    }
    return p;
  }
}
