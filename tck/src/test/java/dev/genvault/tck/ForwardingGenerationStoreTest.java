package dev.genvault.tck;

import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;

/** A decorator that overrides nothing keeps the whole contract. */
class ForwardingGenerationStoreTest extends GenerationStoreContract {
  @Override
  protected GenerationStore createStore() {
    return new ForwardingGenerationStore(GenerationStore.inMemory()) {};
  }
}
