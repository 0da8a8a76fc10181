package dev.genvault.jdbc;

import dev.genvault.spi.GenerationStore;
import dev.genvault.tck.GenerationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteGenerationStoreTest extends GenerationStoreContract {
  @TempDir Path dir;

  @Override
  protected GenerationStore createStore() {
    return JdbcGenerationStore.sqlite(dir.resolve("genvault.db"));
  }

  @Override
  protected void closeStore(GenerationStore store) {
    ((JdbcGenerationStore) store).close();
  }
}
