package dev.genvault.jdbc;

import dev.genvault.spi.GenerationStore;
import dev.genvault.tck.GenerationStoreContract;

class PostgresGenerationStoreTest extends GenerationStoreContract {
  @Override
  protected GenerationStore createStore() {
    JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
    store
        .jdbi()
        .useHandle(h -> h.execute("TRUNCATE generations, generation_chunks, generation_blobs"));
    return store;
  }
}
