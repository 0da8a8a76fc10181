package dev.genvault.jdbc;

import dev.genvault.spi.DedupCache;
import dev.genvault.tck.DedupCacheContract;
import dev.genvault.tck.MutableClock;

class PostgresDedupCacheTest extends DedupCacheContract {
  @Override
  protected DedupCache createCache(MutableClock clock) {
    return JdbcDedupCache.builder().dataSource(Postgres.pool()).clock(clock).build();
  }
}
