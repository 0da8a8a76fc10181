package dev.genvault.spi;

import dev.genvault.BlobRef;
import dev.genvault.PersistenceException;
import dev.genvault.internal.Hashing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory {@link BlobStore}. */
final class InMemoryBlobStore implements BlobStore {
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  @Override
  public BlobRef put(String key, byte[] content, String contentType) {
    BlobKeys.check(key);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentType, "contentType");
    byte[] copy = content.clone();
    files.put(key, copy);
    return new BlobRef(key, null, contentType, copy.length, Hashing.sha256Hex(copy));
  }

  @Override
  public BlobRef put(String key, InputStream content, String contentType) {
    BlobKeys.check(key);
    Objects.requireNonNull(content, "content");
    try {
      return put(key, content.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new PersistenceException("could not read the content for blob " + key, e);
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    BlobKeys.check(key);
    byte[] content = files.get(key);
    return content == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(content));
  }

  @Override
  public boolean delete(String key) {
    BlobKeys.check(key);
    return files.remove(key) != null;
  }

  @Override
  public Optional<URI> url(BlobRef ref) {
    BlobKeys.check(ref.key());
    return Optional.empty();
  }
}
