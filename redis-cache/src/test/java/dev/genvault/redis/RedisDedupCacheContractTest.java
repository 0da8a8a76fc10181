package dev.genvault.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.spi.DedupCache;
import dev.genvault.tck.DedupCacheContract;
import dev.genvault.tck.MutableClock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The DedupCache contract against a real redis-server: expiry is the server's own TTL, and a waiter
 * does not read the key again by itself for ten minutes, so the contract's waiter returns only if
 * the release's notice reached it.
 */
class RedisDedupCacheContractTest extends DedupCacheContract {
  static final Duration NOTICES_ONLY = Duration.ofMinutes(10);

  @Override
  protected DedupCache createCache(MutableClock clock) {
    return RedisDedupCache.builder()
        .uri(EmbeddedRedis.shared().uri())
        .recheckEvery(NOTICES_ONLY)
        .build();
  }

  /** Closes the cache, and checks that its subscriber thread ended with it. */
  @Override
  protected void closeCache(DedupCache cache) {
    ((RedisDedupCache) cache).close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && t.getName().equals("genvault-redis-watcher")));
  }

  /** The server's clock cannot be moved: let the time pass (the TCK asks for short TTLs only). */
  @Override
  protected void elapse(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  /** Another instance's cache on the same Redis. */
  RedisDedupCache otherInstance() {
    return RedisDedupCache.builder().uri(EmbeddedRedis.shared().uri()).build();
  }

  @Test
  void a_release_by_another_instance_wakes_a_waiter_by_its_notice() throws Exception {
    RedisDedupCache waiting = (RedisDedupCache) cache;
    await().atMost(Duration.ofSeconds(10)).until(waiting::watching);
    String k = key("notice");
    cache.put(k, "owner", Duration.ofMinutes(5));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (RedisDedupCache other = otherInstance()) {
      Future<Boolean> waiter =
          pool.submit(() -> waiting.awaitChange(k, "owner", Duration.ofMinutes(5)));
      await().atMost(Duration.ofSeconds(10)).until(() -> waiting.waitedKeys() == 1);
      assertThat(other.invalidateIf(k, "owner")).isTrue();
      assertThat(waiter.get(60, TimeUnit.SECONDS)).as("it watched").isTrue();
      assertThat(waiting.waitedKeys()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
