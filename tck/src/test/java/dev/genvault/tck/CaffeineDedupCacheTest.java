package dev.genvault.tck;

import dev.genvault.spi.DedupCache;

class CaffeineDedupCacheTest extends DedupCacheContract {
  @Override
  protected DedupCache createCache(MutableClock clock) {
    return DedupCache.caffeine(10_000, clock);
  }
}
