package dev.genvault.jdbc;

import dev.genvault.spi.DedupCache;
import dev.genvault.tck.DedupCacheContract;
import dev.genvault.tck.MutableClock;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2DedupCacheTest extends DedupCacheContract {
  @TempDir Path dir;
  private JdbcGenerationStore store;

  @Override
  protected DedupCache createCache(MutableClock clock) {
    store =
        JdbcGenerationStore.builder()
            .jdbcUrl("jdbc:h2:file:" + dir.resolve("genvault").toAbsolutePath())
            .build();
    return JdbcDedupCache.builder().store(store).clock(clock).build();
  }

  @Override
  protected void closeCache(DedupCache cache) {
    store.close();
  }
}
