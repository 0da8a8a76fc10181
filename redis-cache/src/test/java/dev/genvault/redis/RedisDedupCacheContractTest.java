package dev.genvault.redis;

import dev.genvault.spi.DedupCache;
import dev.genvault.tck.DedupCacheContract;
import dev.genvault.tck.MutableClock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The DedupCache contract against a real redis-server: expiry is the server's own TTL. */
class RedisDedupCacheContractTest extends DedupCacheContract {

  @Override
  protected DedupCache createCache(MutableClock clock) {
    return RedisDedupCache.builder().uri(EmbeddedRedis.shared().uri()).build();
  }

  @Override
  protected void closeCache(DedupCache cache) {
    ((RedisDedupCache) cache).close();
  }

  /** The server's clock cannot be moved: let the time pass (the TCK asks for short TTLs only). */
  @Override
  protected void elapse(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
