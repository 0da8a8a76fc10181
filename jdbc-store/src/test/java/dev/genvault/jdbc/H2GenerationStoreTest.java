package dev.genvault.jdbc;

import dev.genvault.spi.GenerationStore;
import dev.genvault.tck.GenerationStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2GenerationStoreTest extends GenerationStoreContract {
  @TempDir Path dir;

  @Override
  protected GenerationStore createStore() {
    return JdbcGenerationStore.builder()
        .jdbcUrl("jdbc:h2:file:" + dir.resolve("genvault").toAbsolutePath())
        .build();
  }

  @Override
  protected void closeStore(GenerationStore store) {
    ((JdbcGenerationStore) store).close();
  }
}
