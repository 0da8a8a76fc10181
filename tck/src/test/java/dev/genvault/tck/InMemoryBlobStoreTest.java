package dev.genvault.tck;

import dev.genvault.spi.BlobStore;

class InMemoryBlobStoreTest extends BlobStoreContract {
  @Override
  protected BlobStore createBlobStore() {
    return BlobStore.inMemory();
  }
}
