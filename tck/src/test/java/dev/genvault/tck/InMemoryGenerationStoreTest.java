package dev.genvault.tck;

import dev.genvault.spi.GenerationStore;

class InMemoryGenerationStoreTest extends GenerationStoreContract {
  @Override
  protected GenerationStore createStore() {
    return GenerationStore.inMemory();
  }
}
