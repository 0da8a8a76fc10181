package dev.genvault;

import dev.genvault.spi.BlobStore;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/** The blob store of a generator built without one: it holds nothing and refuses files. */
final class NoBlobStore implements BlobStore {
  static final NoBlobStore INSTANCE = new NoBlobStore();

  private NoBlobStore() {}

  private static IllegalStateException refuse() {
    return new IllegalStateException(
        "this generator has no BlobStore; set one with PersistentGenerator.Builder.blobs(...)");
  }

  @Override
  public BlobRef put(String key, byte[] content, String contentType) {
    throw refuse();
  }

  @Override
  public BlobRef put(String key, InputStream content, String contentType) {
    throw refuse();
  }

  @Override
  public Optional<InputStream> open(String key) {
    return Optional.empty();
  }

  @Override
  public boolean delete(String key) {
    return false;
  }

  @Override
  public Optional<URI> url(BlobRef ref) {
    return Optional.empty();
  }
}
